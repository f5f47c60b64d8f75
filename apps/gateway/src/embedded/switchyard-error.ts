import { errorEnvelope, type ErrorEnvelope, type GatewayError, type Protocol } from '@switchyard/kernel';

export interface SwitchyardErrorInit {
  status: number;
  /** The error body in the ingress protocol's envelope (what an HTTP client would have received). */
  body: Record<string, unknown>;
  message: string;
  headers?: Record<string, string>;
  requestId: string;
  protocol: Protocol;
  /** True when the error arrived as an event after the stream had started. */
  midStream?: boolean;
  cause?: unknown;
}

/**
 * A failed in-process call: the HTTP status the gateway would have answered with, and the
 * error body in the protocol's own envelope (`{ error: { message, type, param, code } }` for
 * OpenAI protocols, `{ type: 'error', error: { type, message } }` for Anthropic Messages, the
 * `error` event itself for a Responses stream).
 */
export class SwitchyardError extends Error {
  override readonly name = 'SwitchyardError';
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;
  readonly requestId: string;
  readonly protocol: Protocol;
  readonly midStream: boolean;

  constructor(init: SwitchyardErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.body = init.body;
    this.headers = init.headers ?? {};
    this.requestId = init.requestId;
    this.protocol = init.protocol;
    this.midStream = init.midStream ?? false;
  }

  /** The envelope's `error` object (OpenAI and Anthropic), or the body itself. */
  get error(): Record<string, unknown> {
    const inner = this.body.error;
    return typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>) : this.body;
  }

  /** The error `type` (`invalid_request_error`, `not_found_error`, …). */
  get type(): string | undefined {
    const t = this.error.type;
    return typeof t === 'string' ? t : undefined;
  }

  /** The OpenAI `code` (`model_not_found`, …), when the envelope has one. */
  get code(): string | null {
    const c = this.error.code;
    return typeof c === 'string' ? c : null;
  }

  /** `envelope`: the protocol's, from its codec (ProtocolCodec.errorEnvelope); absent: the kernel's neutral one. */
  static fromGatewayError(err: GatewayError, protocol: Protocol, requestId: string, envelope?: ErrorEnvelope): SwitchyardError {
    return new SwitchyardError({
      status: err.status,
      body: errorEnvelope(envelope, err),
      message: err.message,
      headers: err.headers,
      requestId,
      protocol,
      cause: err,
    });
  }
}

export function isSwitchyardError(err: unknown): err is SwitchyardError {
  return err instanceof SwitchyardError;
}

/** The error an aborted call rejects with: the signal's reason when it is an Error, else an AbortError. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('The operation was aborted', 'AbortError');
}
