import type { CodecContext, IrRequest } from '@switchyard/plugin-sdk';

/**
 * The sampling fields of the IR as Ollama's `options` (the Modelfile parameters:
 * https://github.com/ollama/ollama/blob/main/docs/modelfile.mdx#valid-parameters-and-values):
 * temperature, top_p, top_k, num_predict (max tokens), stop, seed, presence_penalty,
 * frequency_penalty. Undefined when none is set.
 */
export function encodeOllamaOptions(ir: IrRequest, _ctx: CodecContext): Record<string, unknown> | undefined {
  const options: Record<string, unknown> = {};
  if (ir.temperature !== undefined) options.temperature = ir.temperature;
  if (ir.topP !== undefined) options.top_p = ir.topP;
  if (ir.topK !== undefined) options.top_k = ir.topK;
  if (ir.maxTokens !== undefined) options.num_predict = ir.maxTokens;
  if (ir.stop !== undefined && ir.stop.length > 0) options.stop = ir.stop;
  if (ir.seed !== undefined) options.seed = ir.seed;
  if (ir.presencePenalty !== undefined) options.presence_penalty = ir.presencePenalty;
  if (ir.frequencyPenalty !== undefined) options.frequency_penalty = ir.frequencyPenalty;
  return Object.keys(options).length > 0 ? options : undefined;
}
