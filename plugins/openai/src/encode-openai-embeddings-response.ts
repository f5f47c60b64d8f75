import type { CodecContext, IrEmbeddingRequest, IrEmbeddingResponse } from '@switchyard/plugin-sdk';

/** A vector as OpenAI's base64 form: the bytes of its little-endian float32s. */
export function encodeFloat32Base64(vector: readonly number[]): string {
  const buf = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf.toString('base64');
}

/**
 * IR embeddings as OpenAI's embeddings list (https://platform.openai.com/docs/api-reference/embeddings/object):
 * one `embedding` object per input in order, numbers or, when the client asked
 * `encoding_format: "base64"`, base64 of little-endian float32s; the model the client named; usage
 * as `prompt_tokens` = `total_tokens`.
 */
export function encodeOpenAIEmbeddingsResponse(
  response: IrEmbeddingResponse,
  request: IrEmbeddingRequest,
  ctx: CodecContext,
): Record<string, unknown> {
  const tokens = response.usage?.inputTokens ?? 0;
  return {
    object: 'list',
    data: response.vectors.map((v, index) => ({
      object: 'embedding',
      index,
      embedding: request.encodingFormat === 'base64' ? encodeFloat32Base64(v) : v,
    })),
    model: ctx.clientModel,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
