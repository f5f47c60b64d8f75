import { GatewayError } from '@switchyard/plugin-sdk';
import type { RuntimeBackend } from './gateway-runtime.js';

/** The kernel's idle limit on a reply body (destroyWhenIdle), worded as the upstream client's. */
export function idleTimeout(backend: RuntimeBackend): GatewayError {
  return GatewayError.gatewayTimeout(`backend ${backend.config.id} timed out waiting for the next byte`);
}
