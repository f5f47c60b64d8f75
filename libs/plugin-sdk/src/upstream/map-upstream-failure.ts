import { GatewayError } from '../errors/gateway-error.js';
import type { UpstreamErrorDecoder, UpstreamErrorDetails } from '../plugin/protocol-codec.js';
import type { SecretRedactor } from '../secrets/secret-redactor.js';

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** Maps a transport failure (undici / node errors) to 502 or 504 (SPEC §3). */
export function mapTransportError(err: unknown, backendId: string): GatewayError {
  if (err instanceof GatewayError) return err;
  const e = err as { code?: string; cause?: { code?: string; message?: string }; message?: string; name?: string };
  // Not always a string: an AbortError (DOMException) has the numeric code 20.
  const raw: unknown = e?.code ?? e?.cause?.code;
  const code = typeof raw === 'string' ? raw : '';
  if (TIMEOUT_CODES.has(code)) {
    const what =
      code === 'UND_ERR_CONNECT_TIMEOUT'
        ? 'connecting'
        : code === 'UND_ERR_HEADERS_TIMEOUT'
          ? 'waiting for the first byte'
          : 'waiting for the next byte';
    return GatewayError.gatewayTimeout(`backend ${backendId} timed out ${what}`);
  }
  const reason: Record<string, string> = {
    ECONNREFUSED: 'refused the connection',
    ENOTFOUND: 'could not be resolved (DNS)',
    EAI_AGAIN: 'could not be resolved (DNS)',
    ECONNRESET: 'reset the connection',
    EPIPE: 'closed the connection',
    UND_ERR_SOCKET: 'closed the connection',
    EHOSTUNREACH: 'is unreachable',
    ENETUNREACH: 'is unreachable',
    UND_ERR_INFO: 'sent a malformed reply',
    HPE_INVALID_CONSTANT: 'sent a malformed reply',
    CERT_HAS_EXPIRED: 'presented an expired TLS certificate',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'presented an untrusted TLS certificate',
    SELF_SIGNED_CERT_IN_CHAIN: 'presented an untrusted TLS certificate',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'presented an untrusted TLS certificate',
  };
  const why = reason[code] ?? (code.startsWith('HPE_') ? 'sent a malformed reply' : `failed (${code || e?.name || 'error'})`);
  return GatewayError.badGateway(`backend ${backendId} ${why}`, 'upstream_unreachable');
}

/**
 * The kernel's generic reading of an error body, for a codec without decodeError (or one that did
 * not recognise the body): `message` / `type` / `code` / `param` of the object under `error` (else
 * of the root), a string `status` standing in for a missing `type`. Never null: an unreadable body
 * reads as nothing and the kernel keeps the raw text as the message.
 */
export const decodeGenericUpstreamError: UpstreamErrorDecoder = (_status, _headers, text) => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {};
  }
  const root = json as Record<string, unknown> | null;
  const err = (root && typeof root.error === 'object' && root.error !== null ? root.error : root) as Record<string, unknown> | null;
  if (!err || typeof err !== 'object') return {};
  const message = typeof err.message === 'string' ? err.message : typeof root?.message === 'string' ? (root.message as string) : undefined;
  const type = typeof err.type === 'string' ? err.type : typeof err.status === 'string' ? err.status : undefined;
  const code = typeof err.code === 'string' ? err.code : typeof err.code === 'number' ? String(err.code) : null;
  const param = typeof err.param === 'string' ? err.param : null;
  return { message, type, code, param };
};

/** The first decoder's reading of an error body; a decoder that throws counts as one that did not recognise it. */
function decodeUpstreamError(
  decoders: readonly (UpstreamErrorDecoder | undefined)[],
  status: number,
  headers: Record<string, string | string[] | undefined>,
  text: string,
): UpstreamErrorDetails {
  for (const decode of decoders) {
    if (!decode) continue;
    try {
      const details = decode(status, headers, text);
      if (details) return details;
    } catch {
      // a careless plugin: the generic reading below still gives the client a clear error
    }
  }
  return decodeGenericUpstreamError(status, headers, text) ?? {};
}

/** Headers an error reply passes on: when to retry, and rate-limit state under any vendor's prefix (`x-ratelimit-*`, `<vendor>-ratelimit-*`). */
const PASSED_ERROR_HEADERS = /^(retry-after|retry-after-ms|[a-z][a-z0-9]*-ratelimit-)/;

/**
 * An upstream's non-2xx reply as a GatewayError (SPEC §3): 401/403 become 502 (the client's key
 * was fine), everything else keeps its status and message; echoed secrets are redacted. The body
 * is read by the first of `decoders` that recognises it (the backend's, then its wire protocol's
 * codec's), else by the kernel's generic reading.
 */
export function mapUpstreamHttpError(
  status: number,
  bodyText: string,
  headers: Record<string, string | string[] | undefined>,
  backendId: string,
  redactor: SecretRedactor,
  sameDialect: boolean,
  decoders: readonly (UpstreamErrorDecoder | undefined)[] = [],
): GatewayError {
  const passHeaders: Record<string, string> = {};
  for (const name in headers) {
    const v = headers[name];
    if (v !== undefined && PASSED_ERROR_HEADERS.test(name)) passHeaders[name] = Array.isArray(v) ? v[0]! : v;
  }
  // The upstream's own request id comes back on errors too (that is when it is needed).
  const upstreamId = headers['x-request-id'] ?? headers['request-id'];
  if (upstreamId !== undefined) passHeaders['x-upstream-request-id'] = Array.isArray(upstreamId) ? upstreamId[0]! : upstreamId;
  // An upstream may echo the gateway's key anywhere, headers included.
  redactor.redactHeaders(passHeaders);
  if (status === 401 || status === 403) {
    return new GatewayError({
      status: 502,
      kind: 'upstream',
      message: `backend ${backendId} rejected the gateway's credentials (upstream status ${status})`,
      code: 'upstream_auth_failed',
      headers: upstreamId !== undefined ? { 'x-upstream-request-id': passHeaders['x-upstream-request-id']! } : {},
    });
  }
  const parsed = decodeUpstreamError(decoders, status, headers, bodyText);
  // Some upstreams say when to retry in the body, not in a header.
  if (typeof parsed.retryAfterSeconds === 'number' && parsed.retryAfterSeconds > 0 && passHeaders['retry-after'] === undefined)
    passHeaders['retry-after'] = String(Math.ceil(parsed.retryAfterSeconds));
  const rawMessage =
    (typeof parsed.message === 'string' ? parsed.message : undefined) ?? (bodyText.trim().slice(0, 500) || `upstream status ${status}`);
  const message = redactor.redact(rawMessage);
  const kind =
    status === 429
      ? 'rate_limit'
      : status === 404
        ? 'not_found'
        : status === 413
          ? 'request_too_large'
          : status === 529
            ? 'overloaded'
            : status === 503
              ? 'unavailable'
              : status >= 500
                ? 'upstream'
                : 'invalid_request';
  const redacted = (v: string | null | undefined): string | null => (typeof v === 'string' ? redactor.redact(v) : null);
  return new GatewayError({
    status,
    kind,
    message,
    code: redacted(parsed.code),
    param: redacted(parsed.param),
    upstreamType: sameDialect && typeof parsed.type === 'string' ? redactor.redact(parsed.type) : undefined,
    headers: passHeaders,
  });
}
