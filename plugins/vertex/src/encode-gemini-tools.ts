import type { CodecContext, IrTool, IrToolChoice } from '@switchyard/plugin-sdk';
import type { Json } from './gemini-json.js';
import { isEmptyObjectSchema, sanitizeGeminiSchema } from './sanitize-gemini-schema.js';

/**
 * Function tools as one Gemini `tools` entry of `functionDeclarations`, their parameter schemas
 * sanitised to what Gemini accepts (a tool without parameters gets none). Custom (free-form)
 * tools have no Gemini form and are dropped (reported).
 */
export function encodeGeminiTools(tools: readonly IrTool[], ctx: CodecContext): Json[] {
  const declarations: Json[] = [];
  for (const tool of tools) {
    if (tool.kind !== 'function') {
      ctx.dropped(`tools[${tool.name}] (custom tools have no Gemini equivalent)`);
      continue;
    }
    const declaration: Json = { name: tool.name };
    if (tool.description) declaration.description = tool.description;
    if (tool.parameters) {
      const parameters = sanitizeGeminiSchema(tool.parameters);
      if (!isEmptyObjectSchema(parameters)) declaration.parameters = parameters;
    }
    if (tool.strict !== undefined) ctx.dropped(`tools[${tool.name}].strict`);
    declarations.push(declaration);
  }
  return declarations.length > 0 ? [{ functionDeclarations: declarations }] : [];
}

/**
 * tool_choice as Gemini's `toolConfig.functionCallingConfig`: auto → AUTO, none → NONE,
 * required → ANY, a named tool → ANY restricted to it (`allowedFunctionNames`).
 */
export function encodeGeminiToolConfig(choice: IrToolChoice | undefined): Json | undefined {
  if (choice === undefined) return undefined;
  switch (choice) {
    case 'auto':
      return { functionCallingConfig: { mode: 'AUTO' } };
    case 'none':
      return { functionCallingConfig: { mode: 'NONE' } };
    case 'required':
      return { functionCallingConfig: { mode: 'ANY' } };
    default:
      return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } };
  }
}
