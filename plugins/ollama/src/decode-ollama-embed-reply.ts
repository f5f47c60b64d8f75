import { asArray, asNumber, GatewayError, isObject } from '@switchyard/kernel';

/** A vector as OpenAI's base64 form: little-endian float32s. */
function base64Floats(vector: number[]): string {
  const buf = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf.toString('base64');
}

/**
 * An Ollama `/api/embed` reply (`{model, embeddings: [[…]], prompt_eval_count}`) as an OpenAI
 * embeddings list: one `embedding` per input in order, floats or, when the client asked
 * `encoding_format: "base64"`, little-endian float32s in base64; usage from `prompt_eval_count`.
 */
export function decodeOllamaEmbedReply(reply: unknown, clientModel: string, encodingFormat: unknown): Record<string, unknown> {
  const vectors = isObject(reply) ? asArray(reply.embeddings) : undefined;
  if (!isObject(reply) || !vectors || !vectors.every((v) => Array.isArray(v) && v.every((n) => typeof n === 'number'))) {
    throw GatewayError.badGateway('the backend sent an embeddings reply without a list of vectors', 'upstream_malformed');
  }
  const tokens = asNumber(reply.prompt_eval_count) ?? 0;
  return {
    object: 'list',
    data: (vectors as number[][]).map((v, index) => ({
      object: 'embedding',
      index,
      embedding: encodingFormat === 'base64' ? base64Floats(v) : v,
    })),
    model: clientModel,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
