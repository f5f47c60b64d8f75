import { GatewayError } from '@switchyard/kernel';

/**
 * An OpenAI `/v1/embeddings` body as an Ollama `/api/embed` body
 * (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings): `model`, `input`
 * (a string or a list of strings) and `dimensions` pass; `encoding_format` is the gateway's to
 * apply to the reply. Token-id inputs (lists of numbers) have no Ollama form: a 400.
 */
export function encodeOllamaEmbed(body: Record<string, unknown>, model: string): Record<string, unknown> {
  const input = body.input;
  const isText = typeof input === 'string' || (Array.isArray(input) && input.every((i) => typeof i === 'string'));
  if (!isText) {
    throw GatewayError.invalidRequest('backend type ollama embeds text only: `input` must be a string or a list of strings', 'input');
  }
  const out: Record<string, unknown> = { model, input };
  if (typeof body.dimensions === 'number') out.dimensions = body.dimensions;
  return out;
}
