import type { CodecContext, IrTool, IrToolChoice } from '@switchyard/plugin-sdk';
import { cacheControlMetadata, isObject, str } from './anthropic-json.js';

/**
 * Anthropic `tools` → IR tools. Client tools (no `type`, or `type: custom`) become function
 * tools; Anthropic's server and built-in tools (`web_search_…`, `bash_…`, `text_editor_…`)
 * have no IR form and are dropped (reported).
 */
export function decodeAnthropicTools(tools: unknown, ctx: CodecContext): IrTool[] | undefined {
  if (!Array.isArray(tools)) return undefined;
  const out: IrTool[] = [];
  for (const tool of tools) {
    if (!isObject(tool)) continue;
    if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom') {
      ctx.dropped(`tools[${String(tool.name ?? tool.type)}] (${String(tool.type)})`);
      continue;
    }
    const ir: IrTool = { kind: 'function', name: str(tool.name) ?? '' };
    if (typeof tool.description === 'string') ir.description = tool.description;
    if (isObject(tool.input_schema)) ir.parameters = tool.input_schema;
    if (typeof tool.strict === 'boolean') ir.strict = tool.strict;
    const meta = cacheControlMetadata(tool);
    if (meta) ir.providerMetadata = meta;
    out.push(ir);
  }
  return out;
}

/** Anthropic `tool_choice` → IR tool choice and parallel-calls flag (`disable_parallel_tool_use`). */
export function decodeAnthropicToolChoice(choice: unknown): { toolChoice?: IrToolChoice; parallelToolCalls?: boolean } {
  if (!isObject(choice)) return {};
  const out: { toolChoice?: IrToolChoice; parallelToolCalls?: boolean } = {};
  switch (choice.type) {
    case 'auto':
      out.toolChoice = 'auto';
      break;
    case 'none':
      out.toolChoice = 'none';
      break;
    case 'any':
      out.toolChoice = 'required';
      break;
    case 'tool':
      if (typeof choice.name === 'string') out.toolChoice = { name: choice.name };
      break;
  }
  if (typeof choice.disable_parallel_tool_use === 'boolean') out.parallelToolCalls = !choice.disable_parallel_tool_use;
  return out;
}
