/**
 * The one error type the pipeline throws. It carries a protocol-neutral `kind`; the ingress
 * protocol's codec encodes it in its own envelope (ProtocolCodec.errorEnvelope, encode-error-envelope.ts).
 */
export type GatewayErrorKind =
  | 'authentication'
  | 'permission'
  | 'request_too_large'
  | 'invalid_request'
  | 'not_found'
  | 'rate_limit'
  | 'upstream'
  | 'timeout'
  | 'overloaded'
  | 'unavailable'
  | 'internal';

export interface GatewayErrorInit {
  status: number;
  kind: GatewayErrorKind;
  message: string;
  /** A machine-readable error code (model_not_found, invalid_api_key, …). */
  code?: string | null;
  /** The offending request field, when there is one. */
  param?: string | null;
  /** The upstream's own error `type`, kept when client and wire protocols share an error envelope family. */
  upstreamType?: string;
  /** Headers to send with the error (retry-after, x-ratelimit-*). */
  headers?: Record<string, string>;
}

/** The `code` (and metrics `error_type`) of an error the upstream's stream carried. */
export const UPSTREAM_STREAM_ERROR = 'upstream_stream_error';

export class GatewayError extends Error {
  readonly status: number;
  readonly kind: GatewayErrorKind;
  readonly code: string | null;
  readonly param: string | null;
  readonly upstreamType: string | undefined;
  readonly headers: Record<string, string>;

  constructor(init: GatewayErrorInit) {
    super(init.message);
    this.name = 'GatewayError';
    this.status = init.status;
    this.kind = init.kind;
    this.code = init.code ?? null;
    this.param = init.param ?? null;
    this.upstreamType = init.upstreamType;
    this.headers = init.headers ?? {};
  }

  static unauthorized(
    message = 'Missing or invalid API key. Send it as "Authorization: Bearer <key>" or "x-api-key: <key>".',
  ): GatewayError {
    return new GatewayError({ status: 401, kind: 'authentication', message, code: 'invalid_api_key' });
  }

  static bodyTooLarge(limitBytes: number): GatewayError {
    const mb = Math.round((limitBytes / 1048576) * 100) / 100;
    return new GatewayError({
      status: 413,
      kind: 'request_too_large',
      message: `Request body is larger than the gateway's limit of ${mb} MB (server.body_limit_mb).`,
      code: 'request_too_large',
    });
  }

  static invalidRequest(message: string, param?: string): GatewayError {
    return new GatewayError({ status: 400, kind: 'invalid_request', message, param: param ?? null, code: param ? 'invalid_value' : null });
  }

  static modelNotFound(model: string, available: readonly string[]): GatewayError {
    const list = available.length ? ` Available models: ${available.join(', ')}.` : ' No models are configured.';
    return new GatewayError({
      status: 404,
      kind: 'not_found',
      message: `The model '${model}' does not exist or is not routed by this gateway.${list}`,
      code: 'model_not_found',
      param: 'model',
    });
  }

  static notFound(message: string): GatewayError {
    return new GatewayError({ status: 404, kind: 'not_found', message, code: 'not_found' });
  }

  static unsupportedOperation(message: string): GatewayError {
    return new GatewayError({ status: 400, kind: 'invalid_request', message, code: 'unsupported_operation' });
  }

  static badGateway(message: string, code = 'upstream_error'): GatewayError {
    return new GatewayError({ status: 502, kind: 'upstream', message, code });
  }

  /**
   * The upstream's stream carried an error (its own error event, or one its translator made of a
   * malformed event) after the response started: the client got an error event under HTTP 200.
   */
  static upstreamStreamError(backendId: string, message: string): GatewayError {
    return new GatewayError({
      status: 502,
      kind: 'upstream',
      message: `backend ${backendId} reported an error in its stream: ${message}`,
      code: UPSTREAM_STREAM_ERROR,
    });
  }

  static gatewayTimeout(message: string): GatewayError {
    return new GatewayError({ status: 504, kind: 'timeout', message, code: 'upstream_timeout' });
  }

  static unavailable(message: string, retryAfterSeconds?: number): GatewayError {
    return new GatewayError({
      status: 503,
      kind: 'unavailable',
      message,
      code: 'service_unavailable',
      headers: retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {},
    });
  }

  static internal(message = 'Internal gateway error.'): GatewayError {
    return new GatewayError({ status: 500, kind: 'internal', message, code: 'internal_error' });
  }
}

export function isGatewayError(err: unknown): err is GatewayError {
  return err instanceof GatewayError;
}
