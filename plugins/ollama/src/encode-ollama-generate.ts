import { GatewayError, type CodecContext, type IrRequest } from '@switchyard/plugin-sdk';
import { encodeOllamaOptions } from './encode-ollama-options.js';

/**
 * A legacy completion (IrRequest.prompt) as an Ollama `/api/generate` body
 * (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-completion): `prompt`,
 * `suffix` ("the text after the model response": fill-in-the-middle through the model's template),
 * the sampling fields in `options` (max_tokens → num_predict, temperature, top_p, stop, seed,
 * penalties) and `format` for a JSON response format. Without a suffix the prompt is sent `raw`
 * ("no formatting will be applied to the prompt"), as OpenAI continues a completion's prompt
 * as-is; with one, Ollama's template places prompt and suffix, so `raw` is left out. A profile's
 * native keys may still set `raw`, `system` or `keep_alive` (written after this).
 */
export function encodeOllamaGenerate(ir: IrRequest, ctx: CodecContext): Record<string, unknown> {
  if (!ir.prompt) throw GatewayError.invalidRequest('backend type ollama continues a prompt only on /v1/completions', 'prompt');
  const body: Record<string, unknown> = { model: ir.model, prompt: ir.prompt.text, stream: ir.stream };
  if (ir.prompt.suffix !== undefined) body.suffix = ir.prompt.suffix;
  else body.raw = true;
  if (ir.system.length > 0 || ir.messages.length > 0) ctx.dropped('messages');
  if (ir.thinking) ctx.dropped('thinking');
  if (ir.responseFormat?.type === 'json_object') body.format = 'json';
  if (ir.responseFormat?.type === 'json_schema') body.format = ir.responseFormat.schema;
  const options = encodeOllamaOptions(ir, ctx);
  if (options) body.options = options;
  return { ...body, ...(ir.extra ?? {}) };
}
