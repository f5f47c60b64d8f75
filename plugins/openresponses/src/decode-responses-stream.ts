import type { CodecContext, IrStreamEvent, SseEvent, StreamDecoder } from '@switchyard/plugin-sdk';
import { usageFromResponses } from './read-responses-usage.js';
import { decodeResponsesStatus } from './decode-responses-response.js';
import { asArray, asNumber, asObject, asString, parseJson, type Json } from './responses-json.js';
import { flattenToolName } from './responses-request-state.js';

interface ItemState {
  kind: 'reasoning' | 'message' | 'tool' | 'other';
  /** IR tool-call index (tools). */
  toolIndex?: number;
  /** Text or arguments already emitted as IR deltas. */
  emitted: string;
  /** Reasoning: raw reasoning_text deltas seen (summary deltas are then a duplicate). */
  rawReasoning?: boolean;
  /** Reasoning: which summary part the deltas belong to (parts are joined by a blank line). */
  summaryIndex?: number;
}

const joinTexts = (list: unknown): string => (asArray(list) ?? []).map((p) => asString(asObject(p)?.text) ?? '').join('');

/**
 * A Responses API event stream from an OpenResponses backend as IR events (the backend side of
 * the codec): `start` from response.created; text from output_text (and refusal) deltas;
 * reasoning from reasoning_text deltas (or the summary's when the server streams no raw
 * reasoning), its `encrypted_content` as the signature, `reasoning_end` when the item is done;
 * function and custom tool calls by output item (`tool_call_start` when added, argument deltas,
 * `tool_call_end` when done; servers that send the arguments only in the `.done` event, as LM
 * Studio does, are filled from it); usage and finish from response.completed / response.incomplete.
 * response.failed and `error` are IR errors; a stream that ends without a terminal event is one too.
 */
export class ResponsesStreamDecoder implements StreamDecoder {
  private started = false;
  private finished = false;
  private failed = false;
  private nextToolIndex = 0;
  private sawToolCall = false;
  private readonly items = new Map<number, ItemState>();

  constructor(private readonly ctx: CodecContext) {}

  push(event: SseEvent): IrStreamEvent[] {
    if (this.failed || this.finished) return [];
    const data = event.data.trim();
    if (data === '' || data === '[DONE]') return [];
    const json = asObject(parseJson(data));
    if (!json) return this.fail(502, 'upstream', 'the backend sent a stream event that is not JSON');
    const type = asString(json.type) ?? event.event ?? '';
    const out: IrStreamEvent[] = [];
    switch (type) {
      case 'response.created':
      case 'response.queued':
      case 'response.in_progress':
        this.start(asObject(json.response), out);
        return out;
      case 'response.output_item.added':
        this.start(undefined, out);
        this.itemAdded(json, out);
        return out;
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        return this.text(json, asString(json.delta) ?? '');
      case 'response.reasoning_text.delta':
        return this.reasoning(json, asString(json.delta) ?? '', true);
      case 'response.reasoning_summary_text.delta':
        return this.reasoning(json, asString(json.delta) ?? '', false);
      case 'response.function_call_arguments.delta':
      case 'response.custom_tool_call_input.delta':
        return this.toolDelta(json, asString(json.delta) ?? '');
      case 'response.function_call_arguments.done':
        return this.toolComplete(json, asString(json.arguments));
      case 'response.custom_tool_call_input.done':
        return this.toolComplete(json, asString(json.input));
      case 'response.output_item.done':
        return this.itemDone(json);
      case 'response.completed':
      case 'response.incomplete':
        return this.complete(asObject(json.response));
      case 'response.failed': {
        const error = asObject(asObject(json.response)?.error);
        return this.fail(502, asString(error?.code) ?? 'upstream', asString(error?.message) ?? 'the backend failed the response');
      }
      case 'error': {
        const error = asObject(json.error) ?? json;
        const code = asString(error.code) ?? asString(error.type) ?? 'upstream';
        const status = code === 'rate_limit_exceeded' ? 429 : 502;
        return this.fail(status, code, asString(error.message) ?? 'the backend failed mid-stream');
      }
      default:
        // Hosted-tool progress, annotations, content_part.* and the like carry nothing the IR needs.
        return [];
    }
  }

  end(): IrStreamEvent[] {
    if (this.failed || this.finished) return [];
    return this.fail(502, 'upstream', 'the backend ended the stream before the response completed');
  }

  private fail(status: number, errorType: string, message: string): IrStreamEvent[] {
    this.failed = true;
    return [{ type: 'error', status, errorType, message }];
  }

  private start(response: Json | undefined, out: IrStreamEvent[]): void {
    if (this.started) return;
    this.started = true;
    const start: IrStreamEvent = { type: 'start', id: asString(response?.id) ?? '', model: asString(response?.model) ?? '' };
    const created = asNumber(response?.created_at);
    if (created !== undefined) start.created = created;
    out.push(start);
  }

  private itemAdded(json: Json, out: IrStreamEvent[]): void {
    const index = asNumber(json.output_index) ?? this.items.size;
    const item = asObject(json.item) ?? {};
    switch (item.type) {
      case 'reasoning':
        this.items.set(index, { kind: 'reasoning', emitted: '' });
        return;
      case 'message':
        this.items.set(index, { kind: 'message', emitted: '' });
        return;
      case 'function_call':
      case 'custom_tool_call': {
        const toolIndex = this.nextToolIndex++;
        const state: ItemState = { kind: 'tool', toolIndex, emitted: '' };
        this.items.set(index, state);
        this.sawToolCall = true;
        const name = flattenToolName(asString(item.name) ?? '', asString(item.namespace));
        out.push({
          type: 'tool_call_start',
          index: toolIndex,
          id: asString(item.call_id) ?? asString(item.id) ?? `call_${toolIndex}`,
          name,
        });
        const args = item.type === 'function_call' ? asString(item.arguments) : asString(item.input);
        if (args) {
          state.emitted = args;
          out.push({ type: 'tool_call_delta', index: toolIndex, argumentsDelta: args });
        }
        return;
      }
      default:
        this.items.set(index, { kind: 'other', emitted: '' });
        this.ctx.dropped(`output item type=${String(item.type)}`);
    }
  }

  private itemOf(json: Json, kind: ItemState['kind']): ItemState {
    const index = asNumber(json.output_index) ?? -1;
    let state = this.items.get(index);
    if (!state) {
      // A delta for an item never announced: track it from here.
      state = { kind, emitted: '' };
      this.items.set(index, state);
    }
    return state;
  }

  private text(json: Json, delta: string): IrStreamEvent[] {
    const out: IrStreamEvent[] = [];
    this.start(undefined, out);
    if (!delta) return out;
    const state = this.itemOf(json, 'message');
    state.emitted += delta;
    out.push({ type: 'text_delta', text: delta });
    return out;
  }

  private reasoning(json: Json, delta: string, raw: boolean): IrStreamEvent[] {
    const out: IrStreamEvent[] = [];
    this.start(undefined, out);
    const state = this.itemOf(json, 'reasoning');
    if (raw) state.rawReasoning = true;
    else if (state.rawReasoning) return out;
    if (!delta) return out;
    let text = delta;
    if (!raw) {
      const summaryIndex = asNumber(json.summary_index) ?? 0;
      if (state.summaryIndex !== undefined && summaryIndex !== state.summaryIndex && state.emitted) text = `\n\n${delta}`;
      state.summaryIndex = summaryIndex;
    }
    state.emitted += text;
    out.push({ type: 'reasoning_delta', text });
    return out;
  }

  private toolDelta(json: Json, delta: string): IrStreamEvent[] {
    const state = this.items.get(asNumber(json.output_index) ?? -1);
    if (state?.kind !== 'tool' || !delta) return [];
    state.emitted += delta;
    return [{ type: 'tool_call_delta', index: state.toolIndex!, argumentsDelta: delta }];
  }

  /** The complete arguments: whatever the deltas have not said yet (all of it when there were none). */
  private toolComplete(json: Json, args: string | undefined): IrStreamEvent[] {
    const state = this.items.get(asNumber(json.output_index) ?? -1);
    if (state?.kind !== 'tool' || !args) return [];
    if (args.startsWith(state.emitted) && args.length > state.emitted.length) {
      const rest = args.slice(state.emitted.length);
      state.emitted = args;
      return [{ type: 'tool_call_delta', index: state.toolIndex!, argumentsDelta: rest }];
    }
    if (args !== state.emitted) this.ctx.dropped('function_call_arguments.done differing from its deltas');
    return [];
  }

  private itemDone(json: Json): IrStreamEvent[] {
    const index = asNumber(json.output_index) ?? -1;
    const item = asObject(json.item) ?? {};
    const state = this.items.get(index);
    const out: IrStreamEvent[] = [];
    this.start(undefined, out);
    switch (state?.kind ?? item.type) {
      case 'reasoning': {
        const text = joinTexts(item.content) || joinTexts(item.summary);
        const emitted = state?.emitted ?? '';
        if (text && !emitted) out.push({ type: 'reasoning_delta', text });
        const signature = asString(item.encrypted_content);
        if (signature) out.push({ type: 'reasoning_delta', signature });
        if (text || emitted || signature) out.push({ type: 'reasoning_end' });
        break;
      }
      case 'message': {
        const text = joinTexts(item.content) || (asArray(item.content) ?? []).map((p) => asString(asObject(p)?.refusal) ?? '').join('');
        if (text && !state?.emitted) out.push({ type: 'text_delta', text });
        break;
      }
      case 'tool': {
        out.push(...this.toolComplete(json, item.type === 'custom_tool_call' ? asString(item.input) : asString(item.arguments)));
        out.push({ type: 'tool_call_end', index: state!.toolIndex! });
        break;
      }
      case 'function_call':
      case 'custom_tool_call': {
        // Done without ever being added: the whole call at once.
        this.itemAdded(json, out);
        const added = this.items.get(asNumber(json.output_index) ?? this.items.size - 1);
        out.push({ type: 'tool_call_end', index: added!.toolIndex! });
        break;
      }
    }
    this.items.delete(index);
    return out;
  }

  private complete(response: Json | undefined): IrStreamEvent[] {
    const out: IrStreamEvent[] = [];
    this.start(response, out);
    this.finished = true;
    const usage = asObject(response?.usage);
    if (usage) out.push({ type: 'usage', usage: usageFromResponses(usage) });
    const status = asString(response?.status) ?? 'completed';
    const incomplete = response?.incomplete_details;
    const reason = decodeResponsesStatus(status, incomplete, this.sawToolCall);
    const raw = asString(asObject(incomplete)?.reason) ?? status;
    out.push({ type: 'finish', reason, rawReason: raw });
    return out;
  }
}

export const createResponsesStreamDecoder = (ctx: CodecContext): StreamDecoder => new ResponsesStreamDecoder(ctx);
