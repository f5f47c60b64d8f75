import { asObject, asString, parseJson, type UpstreamErrorDecoder } from '@switchyard/plugin-sdk';

/**
 * OpenAI's error body, `{"error": {"message", "type", "param", "code"}}`
 * (https://platform.openai.com/docs/guides/error-codes): all four, a numeric code as text. Null
 * for any other shape (an OpenAI-compatible server's own, read by the kernel's generic reading).
 */
export const decodeOpenAIError: UpstreamErrorDecoder = (_status, _headers, text) => {
  const err = asObject(asObject(parseJson(text))?.error);
  if (!err) return null;
  return {
    message: asString(err.message),
    type: asString(err.type),
    code: typeof err.code === 'number' ? String(err.code) : (asString(err.code) ?? null),
    param: asString(err.param) ?? null,
  };
};
