import type { CodecContext, IrTool, IrToolChoice, Json } from '@switchyard/plugin-sdk';

/** IR tools as `toolConfig.tools[].toolSpec` (function tools; a custom tool has no Converse form). */
export function encodeBedrockTools(tools: readonly IrTool[], ctx: CodecContext): Json[] {
  const out: Json[] = [];
  for (const tool of tools) {
    if (tool.kind !== 'function') {
      ctx.dropped(`tool ${tool.name} (custom tools have no Converse form)`);
      continue;
    }
    const spec: Json = { name: tool.name, inputSchema: { json: tool.parameters ?? { type: 'object', properties: {} } } };
    if (tool.description) spec.description = tool.description;
    out.push({ toolSpec: spec });
  }
  return out;
}

/** IR tool choice as Converse `toolChoice` (`auto`, `any`, `tool`); `none` has no Converse form (no tools are sent then). */
export function encodeBedrockToolChoice(choice: IrToolChoice | undefined): Json | undefined {
  if (choice === undefined || choice === 'none') return undefined;
  if (choice === 'auto') return { auto: {} };
  if (choice === 'required') return { any: {} };
  return { tool: { name: choice.name } };
}
