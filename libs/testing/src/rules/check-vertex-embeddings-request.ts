/**
 * What Vertex AI's text embeddings `:predict` rejects with 400 INVALID_ARGUMENT, one rule a
 * function, each citing the page that documents it (Google's error envelope; the messages are the
 * fake's own words: Google does not document the exact text).
 */
import { googleInvalidArgument, isObject, type Body, type ProviderRejection } from './provider-rejection.js';

/**
 * The output dimensions of each embedding model ("Output Dimensions: up to 3072 / up to 768"):
 * https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api
 */
export const VERTEX_EMBEDDING_DIMENSIONS: Record<string, number> = {
  'gemini-embedding-001': 3072,
  'text-embedding-005': 768,
  'text-multilingual-embedding-002': 768,
};

/**
 * The task types (https://cloud.google.com/vertex-ai/generative-ai/docs/embeddings/task-types,
 * "Supported task types").
 */
const TASK_TYPES = new Set([
  'RETRIEVAL_QUERY',
  'RETRIEVAL_DOCUMENT',
  'SEMANTIC_SIMILARITY',
  'CLASSIFICATION',
  'CLUSTERING',
  'QUESTION_ANSWERING',
  'FACT_VERIFICATION',
  'CODE_RETRIEVAL_QUERY',
]);

/**
 * Every instance is one text to embed, `{content, task_type?, title?}`: the request body of
 * https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api
 * ("Each instance represents a single piece of text to be embedded"; `content`: "The text that
 * you want to generate embeddings for").
 */
export function rejectInstanceWithoutContent(body: Body): ProviderRejection | null {
  const instances = body.instances;
  if (!Array.isArray(instances) || instances.length === 0)
    return googleInvalidArgument('instances: expected a non-empty list of texts to embed');
  const bad = instances.findIndex((i: unknown) => !isObject(i) || typeof i.content !== 'string');
  return bad < 0 ? null : googleInvalidArgument(`instances[${bad}].content: expected the text to embed`);
}

/** `task_type` is one of the supported task types (https://cloud.google.com/vertex-ai/generative-ai/docs/embeddings/task-types). */
export function rejectUnknownTaskType(body: Body): ProviderRejection | null {
  const instances: unknown[] = Array.isArray(body.instances) ? body.instances : [];
  const bad = instances.find((i) => isObject(i) && i.task_type !== undefined && !TASK_TYPES.has(String(i.task_type)));
  return bad ? googleInvalidArgument(`Unknown task_type: ${String((bad as Body).task_type)}`) : null;
}

/**
 * "Each call can include up to 250 input texts … exceeding that returns a 400 error"
 * (https://cloud.google.com/vertex-ai/generative-ai/docs/embeddings/get-text-embeddings), and
 * "gemini-embedding-001 supports one instance per request"
 * (https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api).
 */
export function rejectTooManyInstances(body: Body, model: string): ProviderRejection | null {
  const n = Array.isArray(body.instances) ? body.instances.length : 0;
  const limit = model.startsWith('gemini-embedding') ? 1 : 250;
  return n > limit ? googleInvalidArgument(`${model} takes at most ${limit} instance(s) per request; got ${n}`) : null;
}

/**
 * `parameters.outputDimensionality` must be a value the model supports, else INVALID_ARGUMENT
 * (https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/Shared.Types/TextEmbeddingPredictionParams);
 * the model's maximum is its output dimensions (VERTEX_EMBEDDING_DIMENSIONS).
 */
export function rejectUnsupportedDimensionality(body: Body, model: string): ProviderRejection | null {
  const d = isObject(body.parameters) ? body.parameters.outputDimensionality : undefined;
  if (d === undefined) return null;
  const max = VERTEX_EMBEDDING_DIMENSIONS[model] ?? 768;
  return Number.isInteger(d) && d >= 1 && d <= max
    ? null
    : googleInvalidArgument(`outputDimensionality ${String(d)} is not supported by ${model} (1 to ${max})`);
}

/** The first rule the body breaks, or null. */
export function checkVertexEmbeddingsRequest(body: Body, model: string): ProviderRejection | null {
  return (
    rejectInstanceWithoutContent(body) ??
    rejectUnknownTaskType(body) ??
    rejectTooManyInstances(body, model) ??
    rejectUnsupportedDimensionality(body, model)
  );
}
