import { asArray, asNumber, GatewayError, isObject, type IrEmbeddingResponse } from '@switchyard/plugin-sdk';

/**
 * An Ollama `/api/embed` reply (`{model, embeddings: [[…]], prompt_eval_count}`,
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings) as IR: one vector
 * per input in order, usage from `prompt_eval_count`.
 */
export function decodeOllamaEmbedReply(reply: unknown): IrEmbeddingResponse {
  const vectors = isObject(reply) ? asArray(reply.embeddings) : undefined;
  if (!isObject(reply) || !vectors || !vectors.every((v) => Array.isArray(v) && v.every((n) => typeof n === 'number'))) {
    throw GatewayError.badGateway('the backend sent an embeddings reply without a list of vectors', 'upstream_malformed');
  }
  const tokens = asNumber(reply.prompt_eval_count);
  return { vectors: vectors as number[][], ...(tokens !== undefined ? { usage: { inputTokens: tokens } } : {}) };
}
