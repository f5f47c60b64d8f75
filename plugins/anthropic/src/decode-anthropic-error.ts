import { asObject, asString, parseJson, type UpstreamErrorDecoder } from '@switchyard/plugin-sdk';

/**
 * Anthropic's error body, `{"type": "error", "error": {"type": "rate_limit_error", "message": "…"}}`
 * (https://docs.anthropic.com/en/api/errors): its message and type. Anthropic sends no code or
 * param, and says when to retry in the retry-after header the kernel passes on. Null for any other
 * shape (Claude on a cloud may answer in the cloud's own).
 */
export const decodeAnthropicError: UpstreamErrorDecoder = (_status, _headers, text) => {
  const root = asObject(parseJson(text));
  const err = asObject(root?.error);
  const type = err && asString(err.type);
  if (root?.type !== 'error' || !err || type === undefined) return null;
  return { message: asString(err.message), type, code: null, param: null };
};
