import { GatewayError, type CodecContext, type IrResponseFormat, type IrTool, type IrToolChoice } from '@switchyard/plugin-sdk';
import { asArray, asObject, asString, isObject } from './read-openai-chat-json.js';

/** `tools`: function tools (and custom tools); built-in tool types the IR cannot carry are dropped. */
export function decodeOpenAIChatTools(tools: unknown, ctx: CodecContext): IrTool[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  const list = asArray(tools);
  if (!list) throw GatewayError.invalidRequest('tools: expected an array', 'tools');
  const out: IrTool[] = [];
  list.forEach((raw, i) => {
    const tool = asObject(raw);
    const kind = tool?.type;
    const def = kind === 'function' ? asObject(tool?.function) : kind === 'custom' ? asObject(tool?.custom) : undefined;
    if (kind !== 'function' && kind !== 'custom') {
      ctx.dropped(`tools[${i}].type=${String(kind)}`);
      return;
    }
    const name = asString(def?.name);
    if (!name) throw GatewayError.invalidRequest(`tools[${i}].${kind}.name: required`, `tools[${i}]`);
    const ir: IrTool = { kind, name };
    const description = asString(def?.description);
    if (description) ir.description = description;
    if (isObject(def?.parameters)) ir.parameters = def.parameters;
    if (typeof def?.strict === 'boolean') ir.strict = def.strict;
    if (kind === 'custom' && def?.format !== undefined) ctx.dropped(`tools[${i}].custom.format`);
    out.push(ir);
  });
  return out;
}

/** `tool_choice`: auto / none / required, or a named function (or custom) tool. */
export function decodeOpenAIChatToolChoice(choice: unknown, ctx: CodecContext): IrToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  const obj = asObject(choice);
  const name = asString(asObject(obj?.function)?.name) ?? asString(asObject(obj?.custom)?.name);
  if (name && (obj?.type === 'function' || obj?.type === 'custom')) return { name };
  if (obj?.type === 'allowed_tools') {
    ctx.dropped('tool_choice.allowed_tools');
    return undefined;
  }
  throw GatewayError.invalidRequest(
    "tool_choice: expected 'auto', 'none', 'required' or {type: 'function', function: {name}}",
    'tool_choice',
  );
}

/** `response_format`: text, json_object, or json_schema with its name, schema and strictness. */
export function decodeOpenAIChatResponseFormat(format: unknown): IrResponseFormat | undefined {
  if (format === undefined || format === null) return undefined;
  const obj = asObject(format);
  switch (obj?.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      const spec = asObject(obj.json_schema);
      if (!spec || !isObject(spec.schema)) {
        throw GatewayError.invalidRequest('response_format.json_schema.schema: required, a JSON Schema object', 'response_format');
      }
      const out: IrResponseFormat = { type: 'json_schema', schema: spec.schema };
      const name = asString(spec.name);
      if (name) out.name = name;
      if (typeof spec.strict === 'boolean') out.strict = spec.strict;
      return out;
    }
    default:
      throw GatewayError.invalidRequest("response_format.type: expected 'text', 'json_object' or 'json_schema'", 'response_format');
  }
}
