import { GatewayError, type CodecContext, type IrEmbeddingInput, type IrEmbeddingRequest } from '@switchyard/plugin-sdk';

const isTokens = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((n) => Number.isInteger(n));

/**
 * OpenAI's `input` (https://platform.openai.com/docs/api-reference/embeddings/create: a string, a
 * list of strings, a list of token ids, or a list of such lists) as IR inputs, in order.
 */
function decodeInputs(input: unknown): IrEmbeddingInput[] {
  if (typeof input === 'string') return [{ type: 'text', text: input }];
  if (isTokens(input)) return [{ type: 'tokens', tokens: input }];
  if (Array.isArray(input) && input.length > 0) {
    return input.map((item) => {
      if (typeof item === 'string') return { type: 'text', text: item };
      if (isTokens(item)) return { type: 'tokens', tokens: item };
      throw GatewayError.invalidRequest('input: expected a string, a list of strings or a list of token-id lists', 'input');
    });
  }
  if (input === undefined) throw GatewayError.invalidRequest('input is required for embeddings through a translation', 'input');
  throw GatewayError.invalidRequest('input: expected a non-empty string, list of strings or list of token ids', 'input');
}

/** An OpenAI embeddings request body in the IR; `model` is set again by the kernel. */
export function decodeOpenAIEmbeddingsRequest(body: Record<string, unknown>, ctx: CodecContext): IrEmbeddingRequest {
  const ir: IrEmbeddingRequest = { model: typeof body.model === 'string' ? body.model : '', inputs: decodeInputs(body.input) };
  if (typeof body.dimensions === 'number') ir.dimensions = body.dimensions;
  if (body.encoding_format === 'base64' || body.encoding_format === 'float') ir.encodingFormat = body.encoding_format;
  if (typeof body.user === 'string') ir.user = body.user;
  for (const key of Object.keys(body)) {
    if (!['model', 'input', 'dimensions', 'encoding_format', 'user'].includes(key) && body[key] !== undefined) ctx.dropped(key);
  }
  return ir;
}
