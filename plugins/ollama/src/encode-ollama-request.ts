import type { CodecContext, IrRequest, IrThinking } from '@switchyard/plugin-sdk';
import { encodeOllamaMessage, type OllamaMessage } from './encode-ollama-messages.js';
import { encodeOllamaOptions } from './encode-ollama-options.js';

/** IR thinking as Ollama's `think`: false, true, or a level ("low", "medium", "high"). */
function encodeThink(thinking: IrThinking): boolean | string {
  if (!thinking.enabled) return false;
  if (thinking.effort === undefined) return true;
  return thinking.effort === 'minimal' ? 'low' : thinking.effort;
}

/**
 * IR → an Ollama `/api/chat` body (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion):
 * system instructions first as `system` messages, the turns (tool results as `tool` messages),
 * function tools, `think`, `format` (json / a JSON schema) and the sampling fields in `options`.
 * Ollama has no tool choice: anything but `auto` is reported as dropped.
 */
export function encodeOllamaRequest(ir: IrRequest, ctx: CodecContext): Record<string, unknown> {
  const messages: OllamaMessage[] = [];
  for (const s of ir.system) messages.push(...encodeOllamaMessage({ ...s, role: 'system' }, ctx));
  for (const m of ir.messages) messages.push(...encodeOllamaMessage(m, ctx));
  const body: Record<string, unknown> = { model: ir.model, messages, stream: ir.stream };
  const tools = (ir.tools ?? []).filter((t) => {
    if (t.kind === 'function') return true;
    ctx.dropped(`tool ${t.name} (custom tools)`);
    return false;
  });
  if (tools.length > 0) {
    body.tools = tools.map((t) => ({
      type: 'function',
      function: { name: t.name, description: t.description ?? '', parameters: t.parameters ?? { type: 'object', properties: {} } },
    }));
  }
  if (ir.toolChoice !== undefined && ir.toolChoice !== 'auto') ctx.dropped('tool_choice');
  if (ir.thinking) body.think = encodeThink(ir.thinking);
  if (ir.responseFormat?.type === 'json_object') body.format = 'json';
  if (ir.responseFormat?.type === 'json_schema') body.format = ir.responseFormat.schema;
  const options = encodeOllamaOptions(ir, ctx);
  if (options) body.options = options;
  return { ...body, ...(ir.extra ?? {}) };
}
