import { asArray, asNumber, asObject, GatewayError, isObject, type IrEmbeddingResponse } from '@switchyard/plugin-sdk';

/**
 * A Vertex AI text embeddings `:predict` reply as IR
 * (https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api,
 * https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/Shared.Types/TextEmbedding):
 * `predictions[i].embeddings.values` is the i-th vector; usage is the sum of each prediction's
 * `statistics.token_count` (`tokenCount` in the REST reference's spelling).
 */
export function decodeVertexEmbeddingsResponse(body: unknown): IrEmbeddingResponse {
  const predictions = isObject(body) ? asArray(body.predictions) : undefined;
  const vectors: number[][] = [];
  let tokens: number | undefined;
  for (const p of predictions ?? []) {
    const embeddings = asObject(asObject(p)?.embeddings);
    const values = asArray(embeddings?.values);
    if (!values || !values.every((n) => typeof n === 'number')) {
      throw GatewayError.badGateway('the backend sent an embeddings prediction without values', 'upstream_malformed');
    }
    vectors.push(values as number[]);
    const stats = asObject(embeddings?.statistics);
    const count = asNumber(stats?.token_count) ?? asNumber(stats?.tokenCount);
    if (count !== undefined) tokens = (tokens ?? 0) + count;
  }
  if (!predictions) throw GatewayError.badGateway('the backend sent an embeddings reply without predictions', 'upstream_malformed');
  return { vectors, ...(tokens !== undefined ? { usage: { inputTokens: tokens } } : {}) };
}
