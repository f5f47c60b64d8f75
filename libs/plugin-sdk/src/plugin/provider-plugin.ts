import type { Readable } from 'node:stream';
import type { BackendConfig } from '../config/schema/backend-config.js';
import type { KernelLogger } from '../logger.js';
import type { Protocol } from '../protocol.js';
import type { SecretRedactor } from '../secrets/secret-redactor.js';
import type { ProtocolCodec, UpstreamErrorDecoder, WireProtocol } from './protocol-codec.js';

export type IncomingHeaders = Record<string, string | string[] | undefined>;

/** One request to a backend, already routed and shaped by profiles, in a protocol it speaks. */
export interface UpstreamCall {
  /** The wire protocol of `body` (an ingress protocol on passthrough, the adapter's own on translation). */
  protocol: WireProtocol;
  /** The body to send: `model` is the real model. */
  body: Record<string, unknown>;
  /**
   * The client's original bytes when `body` is unchanged from them (no routing rename, no profile):
   * an adapter may send these instead of serialising `body` again.
   */
  rawBody?: Buffer;
  /** The real model (also in `body.model` where the protocol carries it there). */
  model: string;
  stream: boolean;
  /** The client's headers (provider headers such as `*-beta` are passed on per SPEC §3). */
  clientHeaders: IncomingHeaders;
  /** The ingress query string without `?` (`beta=true`), passed on where the protocol has one. */
  query?: string;
  /**
   * A sub-operation of the protocol's endpoint (`count_tokens` for POST /v1/messages/count_tokens);
   * undefined for the endpoint itself. Set on passthrough, and on translation only for adapters
   * whose `translatesOperation` accepted it: an adapter that does not know the operation must
   * refuse it (GatewayError.unsupportedOperation).
   */
  operation?: string;
  requestId: string;
  traceparent: string;
  signal: AbortSignal;
}

/** The upstream's reply as-is: status, headers and the body bytes, read with backpressure. */
export interface UpstreamReply {
  status: number;
  headers: IncomingHeaders;
  body: Readable;
}

export interface ModelInfo {
  id: string;
  owned_by?: string;
  created?: number;
  context_length?: number;
}

/** A configured backend, built by its plugin. */
export interface ProviderAdapter {
  readonly backendId: string;
  /**
   * The wire protocol this backend should receive a request of `ingress` for `model` in:
   * the ingress itself means passthrough; anything else means the kernel translates through
   * the IR with the codecs registered for both protocols. `null`: the backend cannot do it.
   * A sub-operation (`count_tokens`) goes the same way: passthrough, or translated when
   * `translatesOperation` accepts it.
   */
  wireProtocolFor(ingress: Protocol, model: string): WireProtocol | null;
  /**
   * Whether the adapter serves `operation` of a translated request (the body translated to `wire`),
   * answering it itself in the ingress protocol's shape for that operation (`{"input_tokens": N}`
   * for count_tokens): the kernel then passes its reply through untranslated. Absent or false: the
   * operation is a 400 on translated lanes.
   */
  translatesOperation?(operation: string, wire: WireProtocol, model: string): boolean;
  /** Send one call; resolves when the upstream's status and headers are in. */
  send(call: UpstreamCall): Promise<UpstreamReply>;
  /**
   * Reads an error reply in the backend platform's own error shape when that differs from the
   * wire protocol's (a cloud that hosts another protocol's models and answers some errors its own
   * way). Tried before the wire protocol's ProtocolCodec.decodeError; null: not in that shape.
   */
  decodeError?: UpstreamErrorDecoder;
  /** The models the backend reports (GET /v1/models or the like); off the request path. */
  listModels?(signal: AbortSignal): Promise<ModelInfo[]>;
  /** A cheap health check for readiness; throws when the backend is down. */
  probe?(signal: AbortSignal): Promise<void>;
  /** Release connection pools once idle. */
  close(): Promise<void>;
}

export interface BackendContext {
  logger: KernelLogger;
  redactor: SecretRedactor;
  /** True when the gateway runs in single-backend mode (every model goes to this backend). */
  singleBackend: boolean;
}

/**
 * What a provider package exports (default export or named `plugin`). The kernel imports no
 * plugin: the registry loads the built-ins and the packages named under `plugins:`.
 */
export interface ProviderPlugin<C extends BackendConfig = BackendConfig> {
  /** The backend `type` it serves (`acme`; unique in a gateway). */
  readonly type: string;
  /** Its config class: BackendConfig or a subclass with class-validator decorators. */
  readonly configClass?: new () => C;
  /**
   * Client protocols its adapters may accept untouched (passthrough). The kernel passes a request
   * through only when the adapter's `wireProtocolFor` returns the request's own protocol and that
   * protocol is listed here; an adapter returning an unlisted one gets a 400 naming the endpoint.
   */
  readonly nativeProtocols: readonly Protocol[];
  /** Protocol codecs the package contributes (decoder and encoder of one wire protocol each). */
  readonly codecs?: readonly ProtocolCodec[];
  /**
   * The backend can be asked for usage on a stream (`stream_options.include_usage`): the gateway
   * then asks for it on streams whose client did not, through the wire protocol's
   * `usage.requestStreamUsage`, and strips it from a passed-through stream (`usage.stripStreamUsage`).
   */
  readonly streamUsageOption?: boolean;
  /** `gen_ai.provider.name` in metrics (default: the type). */
  readonly providerName?: string;
  /** Auth types it understands (default: bearer, x-api-key, none). */
  readonly authTypes?: readonly string[];
  createAdapter(config: C, ctx: BackendContext): ProviderAdapter;
  /**
   * Keys of its config class that single-backend mode (`--backend TYPE`, no file) fills from a
   * command-line flag or, else, the first environment variable set: `{ key: 'project', flag:
   * '--project', env: ['MY_CLOUD_PROJECT'] }`. A flag given for a type that declares no such key
   * is an unknown key of that backend (an error naming the flag); its variables are not read.
   */
  readonly singleBackendKeys?: readonly SingleBackendKey[];
}

/** A config key single-backend mode fills (ProviderPlugin.singleBackendKeys). */
export interface SingleBackendKey {
  readonly key: string;
  /** The single-backend flag that sets it: the command line has `--project` and `--location`. */
  readonly flag?: SingleBackendFlag;
  /** Environment variables read, in order, when the flag is not given. */
  readonly env?: readonly string[];
}

/** The command line's flags for a plugin's own single-backend keys. */
export type SingleBackendFlag = '--project' | '--location';

export function isProviderPlugin(value: unknown): value is ProviderPlugin {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<ProviderPlugin>;
  return typeof v.type === 'string' && typeof v.createAdapter === 'function' && Array.isArray(v.nativeProtocols);
}
