import { asObject, asString, parseJson, type UpstreamErrorDecoder } from '@switchyard/plugin-sdk';

/**
 * `retryDelay` of a `google.rpc.RetryInfo` entry in Google's error `details`, in whole seconds
 * rounded up (https://cloud.google.com/java/docs/reference/proto-google-common-protos/latest/com.google.rpc.RetryInfo).
 */
export function readGoogleRetryDelay(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const d of details) {
    const entry = d as Record<string, unknown> | null;
    if (typeof entry?.['@type'] !== 'string' || !entry['@type'].endsWith('google.rpc.RetryInfo')) continue;
    const delay = entry.retryDelay;
    const m = typeof delay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(delay.trim()) : null;
    if (m) return Math.max(1, Math.ceil(Number(m[1])));
    if (delay && typeof delay === 'object') {
      const seconds = Number((delay as { seconds?: unknown }).seconds ?? 0) + Number((delay as { nanos?: unknown }).nanos ?? 0) / 1e9;
      if (Number.isFinite(seconds) && seconds > 0) return Math.ceil(seconds);
    }
  }
  return undefined;
}

/**
 * Google's error body, `{"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "message", "details"}}`
 * (sometimes wrapped in a list): the message, the status as the error's `code` (it is no error
 * `type` of any client's protocol) and RetryInfo's delay as the retry-after. Null for any other
 * shape (https://cloud.google.com/apis/design/errors#http_mapping).
 */
export const decodeGoogleError: UpstreamErrorDecoder = (_status, _headers, text) => {
  const json = parseJson(text);
  const root = asObject(Array.isArray(json) ? json[0] : json);
  const err = asObject(root?.error);
  const status = err && asString(err.status);
  if (!err || typeof err.code !== 'number' || status === undefined) return null;
  const message = asString(err.message) ?? asString(root?.message);
  const param = asString(err.param) ?? null;
  const retryAfterSeconds = readGoogleRetryDelay(err.details);
  return { message, type: undefined, code: status, param, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
};
