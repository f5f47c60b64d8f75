import { GatewayError, type CodecContext, type IrTool, type IrToolChoice } from '@switchyard/plugin-sdk';
import type { DeclaredTool } from './decode-responses-input.js';
import { asArray, asObject, asString, isObject, type Json } from './responses-json.js';
import { flattenToolName, type ResponsesRequestState } from './responses-request-state.js';

/** The one argument a free-form (`custom`) tool takes once it is a function upstream. */
export const CUSTOM_TOOL_ARGUMENT = 'input';

/** The JSON Schema of a custom tool's function form: one string, `input`. */
function customToolParameters(format: Json | undefined): Record<string, unknown> {
  let description = 'The complete free-form input of the tool, as one string.';
  if (format?.type === 'grammar' && typeof format.definition === 'string') {
    description += ` It must follow this ${asString(format.syntax) ?? ''} grammar:\n${format.definition}`;
  }
  return {
    type: 'object',
    properties: { [CUSTOM_TOOL_ARGUMENT]: { type: 'string', description } },
    required: [CUSTOM_TOOL_ARGUMENT],
    additionalProperties: false,
  };
}

/** A `function` or `custom` tool (top level or inside a namespace) as an IR function tool. */
function decodeClientTool(tool: Json, where: string, namespace: string | undefined, state: ResponsesRequestState): IrTool {
  const name = asString(tool.name);
  if (!name) throw GatewayError.invalidRequest(`${where}.name: required`, where);
  const flat = flattenToolName(name, namespace);
  const description = asString(tool.description);
  if (tool.type === 'custom') {
    state.tools.set(flat, { name, kind: 'custom', ...(namespace ? { namespace } : {}) });
    const note = 'This tool takes free-form text: pass all of it as the string argument "input".';
    return {
      kind: 'function',
      name: flat,
      description: description ? `${description}\n\n${note}` : note,
      parameters: customToolParameters(asObject(tool.format)),
    };
  }
  state.tools.set(flat, { name, kind: 'function', ...(namespace ? { namespace } : {}) });
  const ir: IrTool = { kind: 'function', name: flat };
  if (description) ir.description = description;
  if (isObject(tool.parameters)) ir.parameters = tool.parameters;
  if (typeof tool.strict === 'boolean') ir.strict = tool.strict;
  return ir;
}

/** How a dropped hosted tool is named in the log and the x-switchyard-dropped-tools header. */
function hostedToolLabel(tool: Json | undefined): string {
  const type = asString(tool?.type) ?? 'unknown';
  const label = asString(tool?.server_label) ?? asString(tool?.name);
  return type === 'mcp' && label ? `mcp:${label}` : type;
}

/**
 * `tools` as IR function tools. Function tools map directly; custom (free-form) tools become a
 * function taking one string, `input`; `namespace` groups are flattened to `namespace__name`
 * (`functions`, the default namespace, keeps bare names);
 * hosted tools the backend cannot run (web_search, file_search, code_interpreter, computer use,
 * image_generation, mcp, local_shell, shell, apply_patch, …) are left out and reported in
 * `ctx.droppedTools`. The names needed to restore calls on the way back go into `state`.
 * `declared` are the tools of `additional_tools` input items (see decodeResponsesInput): they join
 * the list after `tools`; a name declared again replaces the earlier definition in place, so the
 * backend never sees two tools of one name. Undefined when there is neither.
 */
export function decodeResponsesTools(
  tools: unknown,
  state: ResponsesRequestState,
  ctx: CodecContext,
  declared: readonly DeclaredTool[] = [],
): IrTool[] | undefined {
  let list: DeclaredTool[] = [];
  if (tools !== undefined && tools !== null) {
    const top = asArray(tools);
    if (!top) throw GatewayError.invalidRequest('tools: expected an array', 'tools');
    list = top.map((tool, i) => ({ tool, where: `tools[${i}]` }));
  } else if (declared.length === 0) {
    return undefined;
  }
  const out = new Map<string, IrTool>();
  const add = (ir: IrTool) => void out.set(ir.name, ir);
  for (const { tool: raw, where } of [...list, ...declared]) {
    const tool = asObject(raw);
    switch (tool?.type) {
      case 'function':
      case 'custom':
        add(decodeClientTool(tool, where, undefined, state));
        break;
      case 'namespace': {
        const namespace = asString(tool.name);
        if (!namespace) throw GatewayError.invalidRequest(`${where}.name: required on a namespace`, where);
        for (const [j, inner] of (asArray(tool.tools) ?? []).entries()) {
          const innerTool = asObject(inner);
          if (innerTool?.type === 'function' || innerTool?.type === 'custom') {
            add(decodeClientTool(innerTool, `${where}.tools[${j}]`, namespace, state));
          } else {
            (ctx.droppedTools ??= []).push(`${namespace}.${hostedToolLabel(innerTool)}`);
            ctx.dropped(`${where}.tools[${j}].type=${String(innerTool?.type)}`);
          }
        }
        break;
      }
      default:
        (ctx.droppedTools ??= []).push(hostedToolLabel(tool));
        ctx.dropped(`${where}.type=${String(tool?.type)}`);
    }
  }
  return [...out.values()];
}

/** `tool_choice`: auto / none / required, a named function or custom tool; choices of hosted tools are dropped. */
export function decodeResponsesToolChoice(choice: unknown, ctx: CodecContext): IrToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  const obj = asObject(choice);
  if (!obj || typeof obj.type !== 'string') {
    throw GatewayError.invalidRequest("tool_choice: expected 'auto', 'none', 'required' or {type: 'function', name}", 'tool_choice');
  }
  if (obj.type === 'function' || obj.type === 'custom') {
    const name = asString(obj.name);
    if (!name) throw GatewayError.invalidRequest('tool_choice.name: required', 'tool_choice');
    return { name: flattenToolName(name, asString(obj.namespace)) };
  }
  if (obj.type === 'allowed_tools') {
    ctx.dropped('tool_choice.allowed_tools');
    return obj.mode === 'required' ? 'required' : 'auto';
  }
  ctx.dropped(`tool_choice.type=${obj.type}`);
  return undefined;
}
