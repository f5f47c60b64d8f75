import {
  type CodecContext,
  type GatewayError,
  type IrFinishReason,
  type IrReasoningPart,
  type IrStreamEvent,
  type IrUsage,
  type ProviderMetadata,
  type StreamEncoder,
} from '@switchyard/plugin-sdk';
import { responsesErrorCode } from './map-responses-error-code.js';
import {
  customToolInput,
  functionArguments,
  ResponsesIds,
  responseObject,
  responseStatusFor,
  restoreToolCall,
} from './encode-responses-output.js';
import { messageItem, reasoningItem } from './encode-responses-response.js';
import { sealCallId, type SealedItems } from './responses-call-ids.js';
import { requestStateOf } from './responses-request-state.js';
import type { Json } from './responses-json.js';

/** An output item in progress. */
interface OpenItem {
  outputIndex: number;
  id: string;
  kind: 'message' | 'reasoning' | 'function_call' | 'custom_tool_call';
  /** Text so far (message, reasoning) or the arguments so far (tool calls). */
  text: string;
  /** The content part was announced (content_part.added). */
  hasPart: boolean;
  /** The item as output_item.added announced it. */
  added: Json;
  signature?: string;
  /** Its delta events' bytes up to `"delta":` (deltaHead), built at its first delta. */
  deltaHead?: string;
}

/**
 * The bytes of an item's delta event up to the delta's value, as `event()` writes them for
 * `{ item_id, output_index[, content_index: 0], delta }`: built once per item, since the deltas are
 * most of a stream's events.
 */
function deltaHead(type: string, item: OpenItem, contentIndex: boolean): string {
  const content = contentIndex ? ',"content_index":0' : '';
  return `event: ${type}\ndata: {"type":"${type}","item_id":${JSON.stringify(item.id)},"output_index":${item.outputIndex}${content},"delta":`;
}

/**
 * IR stream events → the Responses API event stream (client side), as OpenAI and OpenResponses
 * servers write it: `response.created`, `response.in_progress`; per output item
 * `response.output_item.added`, its content part (`response.content_part.added`), its deltas
 * (`response.output_text.delta`, `response.reasoning_text.delta`,
 * `response.function_call_arguments.delta`), the matching `.done` events and
 * `response.output_item.done`; then `response.completed` (or `response.incomplete` when the
 * output was cut short) with the whole output and the usage. A failure is an `error` event then
 * `response.failed`, and nothing after. Every event carries `sequence_number`, from 0 up.
 *
 * Item ids go out before their content, so they cannot carry it: for a client that did not send
 * `store: false` (and may later send only `item_reference`s), a tool call's `call_id` carries the
 * message and reasoning items streamed since the previous call; it always carries the call's
 * provider data (see responses-call-ids.ts).
 *
 * Custom (free-form) tool calls are announced when they start and filled at their end
 * (`response.custom_tool_call_input.delta` / `.done`): upstream they are a function whose one
 * string argument must be complete before it can be unwrapped.
 */
export class ResponsesStreamEncoder implements StreamEncoder {
  private seq = 0;
  private started = false;
  private done = false;
  private readonly ids: ResponsesIds;
  private createdAt = Math.floor(Date.now() / 1000);
  private nextOutputIndex = 0;
  /** Completed (or, on failure, interrupted) items by output index. */
  private readonly output: Json[] = [];
  /** The open message or reasoning item. */
  private current: OpenItem | null = null;
  /** Open tool calls by IR index. */
  private readonly tools = new Map<number, OpenItem>();
  /** Message and reasoning items completed since the last tool call, to seal in the next call's id. */
  private unsealed: SealedItems = {};
  private usage: IrUsage | null = null;
  private finish: { reason: IrFinishReason; raw?: string } | null = null;

  constructor(private readonly ctx: CodecContext) {
    this.ids = new ResponsesIds(ctx.requestId);
  }

  push(event: IrStreamEvent): string {
    if (this.done) return '';
    switch (event.type) {
      case 'start':
        if (!this.started && event.created !== undefined) this.createdAt = event.created;
        return this.begin();
      case 'text_delta': {
        if (event.text.length === 0) return '';
        let out = this.begin();
        if (this.current?.kind !== 'message') out += this.closeCurrent() + this.openMessage();
        const item = this.current!;
        item.text += event.text;
        item.deltaHead ??= deltaHead('response.output_text.delta', item, true);
        return out + this.deltaTail(item.deltaHead, event.text, ',"logprobs":[]');
      }
      case 'reasoning_delta':
        return this.reasoning(event);
      case 'reasoning_end':
        return this.current?.kind === 'reasoning' ? this.closeCurrent() : '';
      case 'tool_call_start':
        return this.begin() + this.closeCurrent() + this.openTool(event.index, this.sealCall(event.id, event.providerMetadata), event.name);
      case 'tool_call_delta': {
        const tool = this.tools.get(event.index);
        if (!tool || event.argumentsDelta.length === 0) return '';
        tool.text += event.argumentsDelta;
        if (tool.kind !== 'function_call') return '';
        tool.deltaHead ??= deltaHead('response.function_call_arguments.delta', tool, false);
        return this.deltaTail(tool.deltaHead, event.argumentsDelta);
      }
      case 'tool_call_end':
        return this.closeTool(event.index);
      case 'usage':
        this.usage = event.usage;
        return '';
      case 'finish':
        this.finish = event.rawReason !== undefined ? { reason: event.reason, raw: event.rawReason } : { reason: event.reason };
        return this.begin() + this.closeAll();
      case 'error':
        return this.fail(event.status, event.errorType, event.message);
    }
  }

  end(): string {
    if (this.done) return '';
    const finish = this.finish ?? { reason: 'stop' as const };
    if (finish.reason === 'error')
      return this.fail(502, 'upstream', `the backend ended the response with an error (${finish.raw ?? 'error'})`);
    this.done = true;
    const out = this.begin() + this.closeAll();
    const { status, incomplete } = responseStatusFor(finish.reason);
    const response = responseObject(this.ctx, {
      ids: this.ids,
      createdAt: this.createdAt,
      completedAt: Math.floor(Date.now() / 1000),
      status,
      incomplete,
      output: this.finalOutput(),
      usage: this.usage,
    });
    return out + this.event(status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response });
  }

  /** A failure the kernel saw outside the upstream's stream (transport error, timeout). */
  failure(error: GatewayError): string {
    return this.fail(error.status, error.kind, error.message);
  }

  private fail(status: number, errorType: string, message: string): string {
    if (this.done) return '';
    let out = this.begin();
    this.done = true;
    // Items cut short stay in the output as they were, marked incomplete.
    for (const item of [this.current, ...this.tools.values()]) {
      if (item) this.output[item.outputIndex] = { ...item.added, status: 'incomplete' };
    }
    this.current = null;
    this.tools.clear();
    const code = responsesErrorCode(status, errorType);
    out += this.event('error', { code, message, param: null });
    const response = responseObject(this.ctx, {
      ids: this.ids,
      createdAt: this.createdAt,
      status: 'failed',
      error: { code, message },
      output: this.finalOutput(),
      usage: this.usage,
    });
    return out + this.event('response.failed', { response });
  }

  /** One event: `{ type, ...fields, sequence_number }` as JSON, written without the spread copy. */
  private event(type: string, fields: Json): string {
    return this.eventOf(type, JSON.stringify(fields));
  }

  /** An event from its fields' JSON (an object). */
  private eventOf(type: string, json: string): string {
    const inner = json.length > 2 ? `${json.slice(1, -1)},` : '';
    return `event: ${type}\ndata: {"type":${JSON.stringify(type)},${inner}"sequence_number":${this.seq++}}\n\n`;
  }

  /** A delta event after its head (deltaHead): the delta, `more` members (JSON, with their leading comma), then the sequence number. */
  private deltaTail(head: string, delta: string, more = ''): string {
    return `${head}${JSON.stringify(delta)}${more},"sequence_number":${this.seq++}}\n\n`;
  }

  /** response.created and response.in_progress, once (also when the first IR event is not `start`). */
  private begin(): string {
    if (this.started) return '';
    this.started = true;
    const response = responseObject(this.ctx, { ids: this.ids, createdAt: this.createdAt, status: 'in_progress', output: [], usage: null });
    // Both carry the same response: its JSON is written once.
    const json = JSON.stringify({ response });
    return this.eventOf('response.created', json) + this.eventOf('response.in_progress', json);
  }

  private finalOutput(): Json[] {
    return this.output.filter((item) => item !== undefined);
  }

  /** The call id for a client: the streamed items before the call (and the call's provider data) sealed in it. */
  private sealCall(callId: string, providerMetadata: ProviderMetadata | undefined): string {
    const items = requestStateOf(this.ctx).keepsItems ? this.unsealed : {};
    const sealed = sealCallId(callId, providerMetadata, items);
    this.unsealed = {};
    return sealed;
  }

  private addItem(kind: OpenItem['kind'], id: string, added: Json): OpenItem {
    return { outputIndex: this.nextOutputIndex++, id, kind, text: '', hasPart: false, added };
  }

  private openMessage(): string {
    const id = this.ids.item('msg');
    const item = this.addItem('message', id, { id, type: 'message', status: 'in_progress', content: [], role: 'assistant' });
    item.hasPart = true;
    this.current = item;
    return (
      this.event('response.output_item.added', { output_index: item.outputIndex, item: item.added }) +
      this.event('response.content_part.added', {
        item_id: id,
        output_index: item.outputIndex,
        content_index: 0,
        part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
      })
    );
  }

  private openReasoning(): string {
    const id = this.ids.item('rs');
    const item = this.addItem('reasoning', id, { id, type: 'reasoning', status: 'in_progress', summary: [], content: [] });
    this.current = item;
    return this.event('response.output_item.added', { output_index: item.outputIndex, item: item.added });
  }

  private reasoning(event: Extract<IrStreamEvent, { type: 'reasoning_delta' }>): string {
    let out = this.begin();
    if (event.redactedData !== undefined) {
      // A redacted block arrives whole: announce and complete it at once.
      out += this.closeCurrent() + this.openReasoning();
      const item = this.current!;
      this.current = null;
      const done = reasoningItem(item.id, { text: '', redactedData: event.redactedData });
      this.unsealed[item.id] = { type: 'reasoning', text: '', redactedData: event.redactedData };
      this.output[item.outputIndex] = done;
      out += this.event('response.output_item.done', { output_index: item.outputIndex, item: done });
    }
    if (event.text) {
      if (this.current?.kind !== 'reasoning') out += this.closeCurrent() + this.openReasoning();
      const item = this.current!;
      if (!item.hasPart) {
        item.hasPart = true;
        out += this.event('response.content_part.added', {
          item_id: item.id,
          output_index: item.outputIndex,
          content_index: 0,
          part: { type: 'reasoning_text', text: '' },
        });
      }
      item.text += event.text;
      item.deltaHead ??= deltaHead('response.reasoning_text.delta', item, true);
      out += this.deltaTail(item.deltaHead, event.text);
    }
    if (event.signature !== undefined) {
      if (this.current?.kind !== 'reasoning') out += this.closeCurrent() + this.openReasoning();
      this.current!.signature = event.signature;
    }
    return out;
  }

  private openTool(index: number, callId: string, upstreamName: string): string {
    const restored = restoreToolCall(this.ctx, upstreamName);
    const ns = restored.namespace ? { namespace: restored.namespace } : {};
    const call = callId || `call_${this.ids.item('fc')}`;
    let item: OpenItem;
    if (restored.type === 'custom_tool_call') {
      const id = this.ids.item('ctc');
      item = this.addItem('custom_tool_call', id, {
        id,
        type: 'custom_tool_call',
        status: 'in_progress',
        call_id: call,
        name: restored.name,
        input: '',
        ...ns,
      });
    } else {
      const id = this.ids.item('fc');
      item = this.addItem('function_call', id, {
        id,
        type: 'function_call',
        status: 'in_progress',
        arguments: '',
        call_id: call,
        name: restored.name,
        ...ns,
      });
    }
    // A second start for an index still open: the first call ends here.
    const out = this.closeTool(index);
    this.tools.set(index, item);
    return out + this.event('response.output_item.added', { output_index: item.outputIndex, item: item.added });
  }

  private closeTool(index: number): string {
    const item = this.tools.get(index);
    if (!item) return '';
    this.tools.delete(index);
    let out = '';
    let done: Json;
    if (item.kind === 'custom_tool_call') {
      const input = customToolInput(item.text);
      if (input)
        out += this.event('response.custom_tool_call_input.delta', { item_id: item.id, output_index: item.outputIndex, delta: input });
      out += this.event('response.custom_tool_call_input.done', { item_id: item.id, output_index: item.outputIndex, input });
      done = { ...item.added, status: 'completed', input };
    } else {
      const args = functionArguments(item.text);
      out += this.event('response.function_call_arguments.done', {
        item_id: item.id,
        output_index: item.outputIndex,
        name: item.added.name,
        arguments: args,
      });
      done = { ...item.added, status: 'completed', arguments: args };
    }
    this.output[item.outputIndex] = done;
    return out + this.event('response.output_item.done', { output_index: item.outputIndex, item: done });
  }

  private closeCurrent(): string {
    const item = this.current;
    if (!item) return '';
    this.current = null;
    let out = '';
    let done: Json;
    if (item.kind === 'message') {
      const part = { type: 'output_text', text: item.text, annotations: [], logprobs: [] };
      out += this.event('response.output_text.done', {
        item_id: item.id,
        output_index: item.outputIndex,
        content_index: 0,
        text: item.text,
        logprobs: [],
      });
      out += this.event('response.content_part.done', { item_id: item.id, output_index: item.outputIndex, content_index: 0, part });
      done = messageItem(item.id, item.text);
      this.unsealed[item.id] = { type: 'text', text: item.text };
    } else {
      if (item.hasPart) {
        out += this.event('response.reasoning_text.done', {
          item_id: item.id,
          output_index: item.outputIndex,
          content_index: 0,
          text: item.text,
        });
        out += this.event('response.content_part.done', {
          item_id: item.id,
          output_index: item.outputIndex,
          content_index: 0,
          part: { type: 'reasoning_text', text: item.text },
        });
      }
      const part: IrReasoningPart = {
        type: 'reasoning',
        text: item.text,
        ...(item.signature !== undefined ? { signature: item.signature } : {}),
      };
      done = reasoningItem(item.id, part);
      this.unsealed[item.id] = part;
    }
    this.output[item.outputIndex] = done;
    return out + this.event('response.output_item.done', { output_index: item.outputIndex, item: done });
  }

  private closeAll(): string {
    let out = this.closeCurrent();
    for (const index of [...this.tools.keys()]) out += this.closeTool(index);
    return out;
  }
}

export const createResponsesStreamEncoder = (ctx: CodecContext): StreamEncoder => new ResponsesStreamEncoder(ctx);
