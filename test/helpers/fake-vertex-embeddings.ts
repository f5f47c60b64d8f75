/**
 * Vertex AI's text embeddings `:predict` for the fake Vertex (vertex-e2e.ts): before answering it
 * refuses what Vertex documents it refuses (checkVertexEmbeddingsRequest, @switchyard/testing),
 * with Google's error envelope and status.
 */
import { checkVertexEmbeddingsRequest, VERTEX_EMBEDDING_DIMENSIONS } from '@switchyard/testing';
import { json, type FakeHandler } from './fake-upstream.js';

/** The fake's vector for a text: `dimensions` numbers derived from its characters, so each text has its own. */
export function fakeVertexVector(text: string, dimensions: number): number[] {
  return Array.from(
    { length: dimensions },
    (_, i) => Math.round(Math.sin(text.length + i + (text.charCodeAt(i % Math.max(text.length, 1)) || 0)) * 1e4) / 1e4,
  );
}

/**
 * The `:predict` reply (https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api,
 * response body): one prediction per instance, `embeddings.values` and
 * `embeddings.statistics {truncated, token_count}`, and `metadata.billableCharacterCount`.
 */
export function vertexEmbeddingsPredict(model: string): FakeHandler {
  return (req, res, record) => {
    const body = (typeof record.body === 'object' && record.body !== null ? record.body : {}) as {
      instances?: { content: string }[];
      parameters?: { outputDimensionality?: number };
    };
    const rejection = checkVertexEmbeddingsRequest(body, model);
    if (rejection) return json(rejection.status, rejection.body)(req, res, record);
    const texts = (body.instances ?? []).map((i) => i.content);
    const dims = body.parameters?.outputDimensionality ?? VERTEX_EMBEDDING_DIMENSIONS[model] ?? 768;
    return json(200, {
      predictions: texts.map((t) => ({
        embeddings: {
          values: fakeVertexVector(t, dims),
          statistics: { truncated: false, token_count: t.split(/\s+/).filter(Boolean).length },
        },
      })),
      metadata: { billableCharacterCount: texts.reduce((n, t) => n + t.replace(/\s/g, '').length, 0) },
    })(req, res, record);
  };
}
