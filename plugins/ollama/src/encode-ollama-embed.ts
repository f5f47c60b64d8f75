import { GatewayError, type CodecContext, type IrEmbeddingRequest } from '@switchyard/plugin-sdk';

/**
 * An IR embeddings request as an Ollama `/api/embed` body
 * (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings): `model`, `input`
 * ("text or list of text": always a list) and `dimensions`. Token-id inputs have no
 * Ollama form: a 400 naming `input`.
 */
export function encodeOllamaEmbed(ir: IrEmbeddingRequest, _ctx: CodecContext): Record<string, unknown> {
  const texts = ir.inputs.map((i) => {
    if (i.type === 'text') return i.text;
    throw GatewayError.invalidRequest('backend type ollama embeds text only: `input` must be a string or a list of strings', 'input');
  });
  const out: Record<string, unknown> = { model: ir.model, input: texts };
  if (ir.dimensions !== undefined) out.dimensions = ir.dimensions;
  return out;
}
