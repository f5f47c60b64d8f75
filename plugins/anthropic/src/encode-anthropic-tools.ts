import type { CodecContext, IrTool, IrToolChoice } from '@switchyard/plugin-sdk';
import { cacheControlOf, type Json } from './anthropic-json.js';
import { fitAnthropicJsonSchema } from './fit-anthropic-json-schema.js';

/** IR function tools → Anthropic `tools`; free-form (`custom`) tools have no Anthropic form (dropped, reported). */
export function encodeAnthropicTools(tools: readonly IrTool[], ctx: CodecContext): Json[] {
  const out: Json[] = [];
  for (const tool of tools) {
    if (tool.kind !== 'function') {
      ctx.dropped(`tools[${tool.name}] (free-form custom tool)`);
      continue;
    }
    const t: Json = { name: tool.name };
    if (tool.description !== undefined) t.description = tool.description;
    const schema = tool.parameters ?? { type: 'object', properties: {} };
    // A strict tool's schema is held to the structured-outputs subset.
    t.input_schema = tool.strict === true ? fitAnthropicJsonSchema(schema) : schema;
    if (tool.strict !== undefined) t.strict = tool.strict;
    const cc = cacheControlOf(tool.providerMetadata);
    if (cc) t.cache_control = cc;
    out.push(t);
  }
  return out;
}

/** IR tool choice (+ parallel-calls flag) → Anthropic `tool_choice`: auto/none/required/named ↔ auto/none/any/tool. */
export function encodeAnthropicToolChoice(choice: IrToolChoice | undefined, parallelToolCalls: boolean | undefined): Json | undefined {
  let out: Json | undefined;
  if (choice === 'auto') out = { type: 'auto' };
  else if (choice === 'none') out = { type: 'none' };
  else if (choice === 'required') out = { type: 'any' };
  else if (choice !== undefined) out = { type: 'tool', name: choice.name };
  if (parallelToolCalls === false) {
    out ??= { type: 'auto' };
    if (out.type !== 'none') out.disable_parallel_tool_use = true;
  }
  return out;
}
