import {
  GatewayError,
  type CodecContext,
  type IrMessage,
  type IrPart,
  type IrReasoningPart,
  type IrTextPart,
  type IrToolResultPart,
} from '@switchyard/plugin-sdk';
import { decodeResponsesContent } from './decode-responses-content.js';
import { CUSTOM_TOOL_ARGUMENT } from './decode-responses-tools.js';
import { openCallId, type SealedItems } from './responses-call-ids.js';
import { openItemId } from './responses-item-ids.js';
import { openReasoning } from './responses-reasoning-envelope.js';
import { asArray, asObject, asString, isObject, type Json } from './responses-json.js';
import { flattenToolName } from './responses-request-state.js';

/** A tool definition as the client declared it, and where (`tools[2]`, `input[0].tools[1]`). */
export interface DeclaredTool {
  tool: unknown;
  where: string;
}

export interface DecodedResponsesInput {
  system: IrMessage[];
  messages: IrMessage[];
  /** Tools declared by `additional_tools` input items, in order. */
  tools: DeclaredTool[];
}

/**
 * The 400 for what needs state the gateway does not keep (`previous_response_id`,
 * `item_reference`, `conversation`, stored prompts, background responses).
 */
export function statelessError(what: string, param: string, ctx: CodecContext): GatewayError {
  return new GatewayError({
    status: 400,
    kind: 'invalid_request',
    message:
      `${what} is not supported for model '${ctx.clientModel}': Switchyard keeps no responses, and this model's backend ` +
      'does not speak the Responses API, so the gateway is stateless toward it. Send the whole conversation in `input` ' +
      '(as clients do with `store: false`).',
    param,
    code: 'unsupported_parameter',
  });
}

/** Reasoning items carry their text in `content` (raw reasoning) or `summary`; a gateway-sealed `encrypted_content` wins. */
function decodeReasoningItem(item: Json, where: string, ctx: CodecContext): IrReasoningPart | null {
  const encrypted = asString(item.encrypted_content);
  if (encrypted) {
    const sealed = openReasoning(encrypted);
    if (sealed) return { type: 'reasoning', ...sealed };
    // Another provider's encrypted reasoning means nothing to this backend.
    ctx.dropped(`${where}.encrypted_content`);
  }
  // A bare reasoning item (id, no encrypted_content) of this gateway's: its id may carry it.
  const byId = encrypted ? null : openItemId(asString(item.id) ?? '');
  if (byId?.kind === 'reasoning') return byId.part;
  const texts = (list: unknown) => (asArray(list) ?? []).map((p) => asString(asObject(p)?.text) ?? '').join('');
  const text = texts(item.content) || texts(item.summary);
  return text ? { type: 'reasoning', text } : null;
}

/**
 * An `item_reference` (clients with `store` on send these for items a response returned): an
 * item of this gateway's whose id carries its content becomes that reasoning or text again; one
 * whose content is not in its id (streamed) is left out, reported; anyone else's is a 400.
 */
function decodeItemReference(item: Json, where: string, streamed: SealedItems, ctx: CodecContext): IrReasoningPart | IrTextPart | null {
  const id = asString(item.id) ?? '';
  const referenced = openItemId(id);
  if (!referenced) throw statelessError(`${where}: item_reference`, where, ctx);
  if (referenced.kind === 'reasoning') return referenced.part;
  if (referenced.kind === 'message') return { type: 'text', text: referenced.text };
  const carried = streamed[id];
  if (carried) return carried;
  ctx.dropped(`${where}: item_reference to streamed item ${id} (no tool call after it carries it; send items whole with store: false)`);
  return null;
}

/** The streamed items that the call ids of the input's tool calls carry, by item id. */
function streamedItemsOf(list: readonly unknown[]): SealedItems {
  const items: SealedItems = {};
  for (const raw of list) {
    const callId = isObject(raw) ? asString(raw.call_id) : undefined;
    if (callId && (raw as Json).type !== 'function_call_output') Object.assign(items, openCallId(callId).items);
  }
  return items;
}

/** A tool output's `output`: a string, or content parts (one text part becomes the plain string). */
function decodeToolOutput(output: unknown, where: string, ctx: CodecContext): IrToolResultPart['content'] {
  if (typeof output === 'string') return output;
  const parts = decodeResponsesContent(output, where, ctx);
  if (parts.length === 1 && parts[0]!.type === 'text') return parts[0]!.text;
  return parts;
}

/**
 * `input` (a string, or a list of items) as the IR's system instructions and turns. Messages map
 * by role (system and developer into the instructions, in order); consecutive assistant items
 * (reasoning, message, function_call, custom_tool_call) form one assistant turn; each
 * function_call_output / custom_tool_call_output is a `tool` turn. Namespaced calls get their
 * flattened names, custom tool calls their one `input` argument, as the tools were sent upstream.
 * `item_reference`s to the gateway's own items are resolved from their ids (or left out when the
 * id does not carry the item); others need stored items: a 400. Hosted tool calls the backend
 * never saw are dropped.
 * `additional_tools` items (tools declared in the input, as Codex sends its tool set) are not turns:
 * their tools are returned, each with where it was declared, for the request's tool list.
 */
export function decodeResponsesInput(input: unknown, ctx: CodecContext): DecodedResponsesInput {
  if (typeof input === 'string') {
    return { system: [], messages: [{ role: 'user', parts: input ? [{ type: 'text', text: input }] : [] }], tools: [] };
  }
  const list = asArray(input);
  if (!list) throw GatewayError.invalidRequest('input: required, a string or an array of input items', 'input');
  const system: IrMessage[] = [];
  const messages: IrMessage[] = [];
  const tools: DeclaredTool[] = [];
  const toolNames = new Map<string, string>();
  let streamed: SealedItems | undefined;
  let assistant: IrMessage | null = null;
  const assistantParts = (): IrPart[] => {
    if (!assistant) {
      assistant = { role: 'assistant', parts: [] };
      messages.push(assistant);
    }
    return assistant.parts;
  };
  const toolCall = (item: Json, where: string, name: string, args: string) => {
    const sealed = asString(item.call_id);
    if (!sealed) throw GatewayError.invalidRequest(`${where}.call_id: required`, `${where}.call_id`);
    const { id: callId, providerMetadata } = openCallId(sealed);
    toolNames.set(callId, name);
    assistantParts().push({ type: 'tool_call', id: callId, name, arguments: args, ...(providerMetadata ? { providerMetadata } : {}) });
  };
  const toolResult = (item: Json, where: string, output: unknown) => {
    assistant = null;
    const sealed = asString(item.call_id);
    if (!sealed) throw GatewayError.invalidRequest(`${where}.call_id: required`, `${where}.call_id`);
    const callId = openCallId(sealed).id;
    const name = toolNames.get(callId);
    const content = decodeToolOutput(output, `${where}.output`, ctx);
    messages.push({ role: 'tool', parts: [{ type: 'tool_result', toolCallId: callId, ...(name ? { name } : {}), content }] });
  };

  list.forEach((raw, i) => {
    const where = `input[${i}]`;
    if (!isObject(raw)) throw GatewayError.invalidRequest(`${where}: expected an object`, where);
    const type = raw.type ?? (raw.role !== undefined ? 'message' : undefined);
    switch (type) {
      case 'message': {
        const parts = decodeResponsesContent(raw.content, `${where}.content`, ctx);
        switch (raw.role) {
          case 'system':
          case 'developer':
            system.push({ role: 'system', parts });
            return;
          case 'user':
            assistant = null;
            messages.push({ role: 'user', parts });
            return;
          case 'assistant':
            assistantParts().push(...parts);
            return;
          default:
            throw GatewayError.invalidRequest(`${where}.role: expected user, assistant, system or developer`, `${where}.role`);
        }
      }
      case 'reasoning': {
        const part = decodeReasoningItem(raw, where, ctx);
        if (part) assistantParts().push(part);
        return;
      }
      case 'function_call': {
        const name = asString(raw.name);
        if (!name) throw GatewayError.invalidRequest(`${where}.name: required`, `${where}.name`);
        toolCall(raw, where, flattenToolName(name, asString(raw.namespace)), asString(raw.arguments) ?? '');
        return;
      }
      case 'custom_tool_call': {
        const name = asString(raw.name);
        if (!name) throw GatewayError.invalidRequest(`${where}.name: required`, `${where}.name`);
        const args = JSON.stringify({ [CUSTOM_TOOL_ARGUMENT]: asString(raw.input) ?? '' });
        toolCall(raw, where, flattenToolName(name, asString(raw.namespace)), args);
        return;
      }
      case 'local_shell_call':
        // Keeps a conversation begun against OpenAI coherent: the call and its output stay paired.
        toolCall(raw, where, 'local_shell', JSON.stringify(raw.action ?? {}));
        return;
      case 'function_call_output':
      case 'custom_tool_call_output':
      case 'local_shell_call_output':
        toolResult(raw, where, raw.output);
        return;
      case 'additional_tools': {
        const declared = raw.tools === undefined || raw.tools === null ? [] : asArray(raw.tools);
        if (!declared) throw GatewayError.invalidRequest(`${where}.tools: expected an array`, `${where}.tools`);
        declared.forEach((tool, j) => tools.push({ tool, where: `${where}.tools[${j}]` }));
        return;
      }
      case 'item_reference': {
        streamed ??= streamedItemsOf(list);
        const referenced = decodeItemReference(raw, where, streamed, ctx);
        if (referenced) assistantParts().push(referenced);
        return;
      }
      default:
        ctx.dropped(`${where}.type=${String(type)}`);
    }
  });
  return { system, messages, tools };
}
