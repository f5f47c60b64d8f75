import {
  effortForBudget,
  type CodecContext,
  type IrContentPart,
  type IrMessage,
  type IrRequest,
  type IrThinking,
  type IrTool,
  type IrToolResultPart,
} from '@switchyard/plugin-sdk';
import { toDataUrl, type Json } from './responses-json.js';

/** Reports each dropped field once per request (a long conversation would repeat it per part). */
type Drop = (field: string) => void;

function dropOnce(ctx: CodecContext): Drop {
  const seen = new Set<string>();
  return (field) => {
    if (seen.has(field)) return;
    seen.add(field);
    ctx.dropped(field);
  };
}

/** A content part as a Responses input part (`input_text`, `input_image`, `input_file`; assistant text is `output_text`). */
function encodePart(part: IrContentPart, role: 'user' | 'assistant' | 'system', drop: Drop): Json | null {
  if (part.type === 'text') return { type: role === 'assistant' ? 'output_text' : 'input_text', text: part.text };
  if (role === 'assistant') {
    drop(`assistant ${part.type}`);
    return null;
  }
  const src = part.source;
  if (part.type === 'image') {
    const out: Json = { type: 'input_image', detail: part.detail ?? 'auto' };
    if (src.kind === 'file_id') out.file_id = src.fileId;
    else out.image_url = src.kind === 'url' ? src.url : toDataUrl(src.mediaType, src.data);
    return out;
  }
  const out: Json = { type: 'input_file' };
  if (src.kind === 'file_id') out.file_id = src.fileId;
  else if (src.kind === 'url') out.file_url = src.url;
  else out.file_data = toDataUrl(src.mediaType, src.data);
  if (part.filename) out.filename = part.filename;
  return out;
}

function encodeContent(parts: readonly IrContentPart[], role: 'user' | 'assistant' | 'system', drop: Drop): Json[] {
  const out: Json[] = [];
  for (const part of parts) {
    const encoded = encodePart(part, role, drop);
    if (encoded) out.push(encoded);
  }
  return out;
}

function encodeToolOutput(part: IrToolResultPart, drop: Drop): string | Json[] {
  if (part.isError) drop('tool_result.is_error');
  if (typeof part.content === 'string') return part.content;
  const parts = encodeContent(part.content, 'user', drop);
  return parts.length === 1 && parts[0]!.type === 'input_text' ? (parts[0]!.text as string) : parts;
}

/**
 * IR turns as Responses input items: user and system messages with input parts; an assistant
 * turn as its items in order (reasoning that carries the backend's own `encrypted_content`, one
 * message per run of text, function_call per tool call); each tool result a function_call_output.
 */
function encodeInput(messages: readonly IrMessage[], drop: Drop): Json[] {
  const items: Json[] = [];
  for (const message of messages) {
    if (message.role === 'assistant') {
      let text: IrContentPart[] = [];
      const flush = () => {
        if (text.length) items.push({ type: 'message', role: 'assistant', content: encodeContent(text, 'assistant', drop) });
        text = [];
      };
      for (const part of message.parts) {
        if (part.type === 'text') text.push(part);
        else if (part.type === 'tool_call') {
          flush();
          items.push({ type: 'function_call', call_id: part.id, name: part.name, arguments: part.arguments || '{}' });
        } else if (part.type === 'reasoning') {
          flush();
          // Only the backend's own encrypted reasoning can be replayed; other reasoning is not sent back.
          if (part.signature !== undefined && part.redactedData === undefined) {
            items.push({
              type: 'reasoning',
              summary: [],
              ...(part.text ? { content: [{ type: 'reasoning_text', text: part.text }] } : {}),
              encrypted_content: part.signature,
            });
          } else drop('assistant reasoning without encrypted_content');
        } else drop(`assistant ${part.type}`);
      }
      flush();
      continue;
    }
    const role = message.role === 'system' ? 'system' : 'user';
    let pending: IrContentPart[] = [];
    const flush = () => {
      if (pending.length) items.push({ type: 'message', role, content: encodeContent(pending, role, drop) });
      pending = [];
    };
    for (const part of message.parts) {
      if (part.type === 'tool_result') {
        flush();
        items.push({ type: 'function_call_output', call_id: part.toolCallId, output: encodeToolOutput(part, drop) });
      } else if (part.type === 'text' || part.type === 'image' || part.type === 'file') pending.push(part);
      else drop(`${message.role} ${part.type}`);
    }
    flush();
  }
  return items;
}

function encodeTool(tool: IrTool, drop: Drop): Json {
  if (tool.providerMetadata) for (const key of Object.keys(tool.providerMetadata)) drop(`tools.providerMetadata.${key}`);
  const out: Json = { type: tool.kind, name: tool.name };
  if (tool.description !== undefined) out.description = tool.description;
  if (tool.kind === 'function') {
    out.parameters = tool.parameters ?? { type: 'object', properties: {} };
    // The Responses API makes a function strict unless told otherwise (optional parameters would become required).
    out.strict = tool.strict ?? false;
  }
  return out;
}

/** On: the effort, else one picked from the budget (`medium` without one); off: `minimal` (SPEC §2). */
function encodeEffort(thinking: IrThinking): string {
  if (!thinking.enabled) return 'minimal';
  return thinking.effort && thinking.effort !== 'minimal' ? thinking.effort : effortForBudget(thinking.budgetTokens);
}

/** `reasoning`: the effort, and a summary when thinking is on (the reasoning the client then sees). */
function encodeReasoning(thinking: IrThinking): Json {
  return thinking.enabled ? { effort: encodeEffort(thinking), summary: 'auto' } : { effort: encodeEffort(thinking) };
}

/** The instructions: the system messages' text, joined by blank lines. */
function encodeInstructions(system: readonly IrMessage[], drop: Drop): string | undefined {
  const texts: string[] = [];
  for (const message of system) {
    for (const part of message.parts) {
      if (part.type === 'text') texts.push(part.text);
      else drop(`system ${part.type}`);
    }
  }
  return texts.length ? texts.join('\n\n') : undefined;
}

/**
 * The IR as a /v1/responses body for an OpenResponses backend (the backend side of the codec):
 * system text as `instructions`, turns as input items, tools (`strict: false` unless the source
 * said otherwise), `max_output_tokens`, thinking as `reasoning.effort` (with `summary: auto` and
 * `include: ["reasoning.encrypted_content"]` when on, so reasoning survives tool turns), a JSON
 * schema as `text.format`, always `store: false` (the gateway keeps no state). No `top_k`, `stop`,
 * `seed` or penalties in the Responses API: those are dropped (reported). `extra` is written
 * last, verbatim.
 */
export function encodeResponsesRequest(ir: IrRequest, ctx: CodecContext): Record<string, unknown> {
  const drop = dropOnce(ctx);
  const body: Json = { model: ir.model };
  const instructions = encodeInstructions(ir.system, drop);
  if (instructions !== undefined) body.instructions = instructions;
  body.input = encodeInput(ir.messages, drop);
  const put = (key: string, value: unknown) => {
    if (value !== undefined) body[key] = value;
  };
  if (ir.tools?.length) {
    body.tools = ir.tools.map((t) => encodeTool(t, drop));
    const choice = ir.toolChoice;
    if (typeof choice === 'object') {
      const kind = ir.tools.find((t) => t.name === choice.name)?.kind ?? 'function';
      body.tool_choice = { type: kind, name: choice.name };
    } else put('tool_choice', choice);
    put('parallel_tool_calls', ir.parallelToolCalls);
  } else {
    if (ir.toolChoice !== undefined) drop('tool_choice');
    if (ir.parallelToolCalls !== undefined) drop('parallel_tool_calls');
  }
  put('max_output_tokens', ir.maxTokens);
  put('temperature', ir.temperature);
  put('top_p', ir.topP);
  if (ir.topK !== undefined) drop('top_k');
  if (ir.stop?.length) drop('stop');
  if (ir.seed !== undefined) drop('seed');
  if (ir.presencePenalty !== undefined) drop('presence_penalty');
  if (ir.frequencyPenalty !== undefined) drop('frequency_penalty');
  if (ir.thinking) body.reasoning = encodeReasoning(ir.thinking);
  // Stateless toward the backend: nothing stored, reasoning carried back in its encrypted form.
  body.store = false;
  const include: string[] = [];
  if (ir.thinking?.enabled) include.push('reasoning.encrypted_content');
  if (ir.logprobs) {
    body.top_logprobs = ir.logprobs.top;
    include.push('message.output_text.logprobs');
  }
  if (include.length) body.include = include;
  const format = ir.responseFormat;
  if (format?.type === 'json_schema') {
    const spec: Json = { type: 'json_schema', name: format.name ?? 'response', schema: format.schema };
    if (format.strict !== undefined) spec.strict = format.strict;
    body.text = { format: spec };
  } else if (format) body.text = { format: { type: format.type } };
  put('user', ir.user);
  if (ir.stream) body.stream = true;
  if (ir.extra) Object.assign(body, ir.extra);
  return body;
}
