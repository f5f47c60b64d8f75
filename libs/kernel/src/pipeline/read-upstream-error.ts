import type { GatewayError } from '@switchyard/plugin-sdk';
import type { UpstreamReply } from '@switchyard/plugin-sdk';
import type { WireProtocol } from '@switchyard/plugin-sdk';
import type { Protocol } from '@switchyard/plugin-sdk';
import { destroyWhenIdle } from '@switchyard/plugin-sdk';
import { mapUpstreamHttpError } from '@switchyard/plugin-sdk';
import { readBody } from '@switchyard/plugin-sdk';
import type { GatewayRuntime, RuntimeBackend } from './gateway-runtime.js';
import { idleTimeout } from './upstream-idle-timeout.js';

/**
 * An upstream's error reply (status ≥ 400) as the gateway's error: its body's first 64 KiB read
 * (within the backend's idle limit) and decoded by the backend's own error reader, then its wire
 * protocol's codec, then the kernel's generic reading (SPEC §3). The upstream's error type is kept
 * only for a client of the same error dialect.
 */
export async function readUpstreamError(
  reply: UpstreamReply,
  backend: RuntimeBackend,
  runtime: GatewayRuntime,
  ingress: Protocol,
  wire: WireProtocol,
): Promise<GatewayError> {
  const reading = readBody(reply.body, 64 * 1024).catch(() => '');
  destroyWhenIdle(reply.body, backend.config.timeout_seconds * 1000, () => idleTimeout(backend));
  const text = await reading;
  // The upstream's own error type is kept for a client whose protocol has the same error family.
  const family = runtime.registry.codec(ingress)?.errorEnvelope?.family;
  const sameDialect = family !== undefined && family === runtime.registry.codec(wire)?.errorEnvelope?.family;
  // The backend's own error shape first (a cloud hosting another protocol), then its wire protocol's.
  const decoders = [backend.adapter?.decodeError?.bind(backend.adapter), runtime.registry.codec(wire)?.decodeError];
  return mapUpstreamHttpError(reply.status, text, reply.headers, backend.config.id, runtime.redactor, sameDialect, decoders);
}
