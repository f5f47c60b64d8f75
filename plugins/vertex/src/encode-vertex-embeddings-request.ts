import { GatewayError, type CodecContext, type IrEmbeddingRequest } from '@switchyard/plugin-sdk';
import { vertexModelId } from './vertex-model-ids.js';

/**
 * Texts one `:predict` call takes: "Each call can include up to 250 input texts"
 * (https://cloud.google.com/vertex-ai/generative-ai/docs/embeddings/get-text-embeddings).
 * The gateway takes as many in one client request, whatever the model.
 */
export const VERTEX_EMBEDDING_MAX_INPUTS = 250;

/**
 * Instances one `:predict` call of `model` takes: one for gemini-embedding-001 ("supports one
 * instance per request",
 * https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api), else
 * VERTEX_EMBEDDING_MAX_INPUTS. The adapter sends a larger request in batches of this size.
 */
export function vertexEmbeddingBatchLimit(model: string): number {
  return vertexModelId(model).startsWith('gemini-embedding') ? 1 : VERTEX_EMBEDDING_MAX_INPUTS;
}

/**
 * An IR embeddings request as the body of Vertex AI's text embeddings `:predict`
 * (https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api):
 * one instance `{content}` per text and `parameters.outputDimensionality` for the dimensions
 * (https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/Shared.Types/TextEmbeddingPredictionParams).
 * Token-id inputs have no Vertex form: a 400; so are more than 250 inputs (a client splits them, as
 * it would for Google). The adapter splits a request into the model's batches (vertexEmbeddingBatchLimit).
 */
export function encodeVertexEmbeddingsRequest(ir: IrEmbeddingRequest, _ctx: CodecContext): Record<string, unknown> {
  const instances = ir.inputs.map((i) => {
    if (i.type === 'text') return { content: i.text };
    throw GatewayError.invalidRequest('backend type gcp-vertex embeds text only: `input` must be a string or a list of strings', 'input');
  });
  if (instances.length > VERTEX_EMBEDDING_MAX_INPUTS) {
    throw GatewayError.invalidRequest(
      `input: Vertex AI embeds at most ${VERTEX_EMBEDDING_MAX_INPUTS} inputs per request (${instances.length} sent); send fewer per request`,
      'input',
    );
  }
  const body: Record<string, unknown> = { instances };
  if (ir.dimensions !== undefined) body.parameters = { outputDimensionality: ir.dimensions };
  return body;
}
