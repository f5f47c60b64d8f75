import { GatewayError, type CodecContext, type IrEmbeddingRequest } from '@switchyard/kernel';
import { vertexModelId } from './vertex-model-ids.js';

/**
 * Inputs one `:predict` call takes: "Each call can include up to 250 input texts"
 * (https://cloud.google.com/vertex-ai/generative-ai/docs/embeddings/get-text-embeddings), and
 * "gemini-embedding-001 supports one instance per request"
 * (https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api).
 */
export function vertexEmbeddingBatchLimit(model: string): number {
  return vertexModelId(model).startsWith('gemini-embedding') ? 1 : 250;
}

/**
 * An IR embeddings request as the body of Vertex AI's text embeddings `:predict`
 * (https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api):
 * one instance `{content}` per text and `parameters.outputDimensionality` for the dimensions
 * (https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/Shared.Types/TextEmbeddingPredictionParams).
 * Token-id inputs have no Vertex form: a 400; so is a batch above the model's documented limit
 * (a client splits it, as it would for Google).
 */
export function encodeVertexEmbeddingsRequest(ir: IrEmbeddingRequest, _ctx: CodecContext): Record<string, unknown> {
  const instances = ir.inputs.map((i) => {
    if (i.type === 'text') return { content: i.text };
    throw GatewayError.invalidRequest('backend type gcp-vertex embeds text only: `input` must be a string or a list of strings', 'input');
  });
  const limit = vertexEmbeddingBatchLimit(ir.model);
  if (instances.length > limit) {
    throw GatewayError.invalidRequest(
      `input: model ${ir.model} on Vertex AI embeds at most ${limit} input${limit === 1 ? '' : 's'} per request (${instances.length} sent); send fewer per request`,
      'input',
    );
  }
  const body: Record<string, unknown> = { instances };
  if (ir.dimensions !== undefined) body.parameters = { outputDimensionality: ir.dimensions };
  return body;
}
