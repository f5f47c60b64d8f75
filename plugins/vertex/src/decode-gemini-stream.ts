import type { CodecContext, IrFinishReason, IrStreamEvent, IrUsage, SseEvent, StreamDecoder } from '@switchyard/plugin-sdk';
import { arr, isObject, parseJson, str, type Json } from './gemini-json.js';
import { applyGeminiPartialArg } from './apply-gemini-partial-args.js';
import { geminiPromptBlocked, geminiStreamError, streamErrorOf } from './gemini-errors.js';
import { geminiCreated } from './decode-gemini-response.js';
import { geminiToolCallId } from './gemini-tool-call-ids.js';
import { decodeGeminiFinishReason } from './map-gemini-finish-reason.js';
import { decodeGeminiUsage, hasGeminiTokenCounts } from './map-gemini-usage.js';

interface OpenCall {
  index: number;
  /** Arguments assembled from `args` and streamed `partialArgs`, sent whole when the call ends. */
  args: Json;
}

/**
 * `streamGenerateContent?alt=sse` events → IR events. Every event is a whole response chunk:
 * `start` from the first (responseId, modelVersion); thought parts → reasoning deltas; text →
 * text deltas; a thought signature on a text part → a reasoning signature; function calls →
 * tool_call_start (with the call's `thoughtSignature`), the arguments, tool_call_end. Gemini 3
 * may stream one call's arguments over several chunks (`willContinue`, `partialArgs` with JSON
 * paths, an empty `functionCall: {}` closing it): they are assembled and sent as one delta when
 * the call ends. Usage (cumulative in each chunk) and the finish (STOP with calls → tool_calls)
 * are emitted once the stream ends, the last counts winning. A prompt blocked before any
 * candidate, or an `{"error": …}` event, is an error event; a stream that ends without a
 * finishReason is an error.
 */
export class GeminiStreamDecoder implements StreamDecoder {
  private started = false;
  private failed = false;
  private finished = false;
  private responseId = '';
  private calls = 0;
  private open: OpenCall | null = null;
  private usage: IrUsage | null = null;
  private finishReason: string | undefined;

  constructor(private readonly ctx: CodecContext) {}

  push(event: SseEvent): IrStreamEvent[] {
    if (this.failed) return [];
    const data = event.data.trim();
    if (data === '' || data === '[DONE]') return [];
    const chunk = parseJson(data);
    const root = Array.isArray(chunk) ? chunk[0] : chunk;
    if (!isObject(root))
      return this.fail({ type: 'error', status: 502, errorType: 'upstream', message: 'the backend sent a stream event that is not JSON' });
    if (isObject(root.error)) return this.fail(geminiStreamError(root.error));
    const out: IrStreamEvent[] = [];
    if (!this.started) {
      this.started = true;
      this.responseId = str(root.responseId) ?? this.ctx.requestId;
      const start: IrStreamEvent = { type: 'start', id: this.responseId, model: str(root.modelVersion) ?? '' };
      const created = geminiCreated(root);
      if (created !== undefined) start.created = created;
      out.push(start);
    }
    const candidate = arr(root.candidates).find(isObject);
    if (!candidate) {
      const blocked = geminiPromptBlocked(root);
      if (blocked) return [...out, ...this.fail(streamErrorOf(blocked))];
    }
    const content = isObject(candidate?.content) ? candidate.content : undefined;
    for (const part of arr(content?.parts)) if (isObject(part)) this.decodePart(part, out);
    const reason = str(candidate?.finishReason);
    if (reason !== undefined) {
      this.closeCall(out);
      this.finishReason = reason;
      this.finished = true;
    }
    if (isObject(root.usageMetadata) && hasGeminiTokenCounts(root.usageMetadata)) this.usage = decodeGeminiUsage(root.usageMetadata);
    return out;
  }

  end(): IrStreamEvent[] {
    if (this.failed) return [];
    const out: IrStreamEvent[] = [];
    this.closeCall(out);
    if (!this.finished)
      return [
        ...out,
        ...this.fail({ type: 'error', status: 502, errorType: 'upstream', message: 'the backend ended the stream before it finished' }),
      ];
    if (this.usage) out.push({ type: 'usage', usage: this.usage });
    const reason: IrFinishReason = decodeGeminiFinishReason(this.finishReason, this.calls > 0);
    out.push({ type: 'finish', reason, ...(this.finishReason !== undefined ? { rawReason: this.finishReason } : {}) });
    return out;
  }

  private fail(error: Extract<IrStreamEvent, { type: 'error' }>): IrStreamEvent[] {
    this.failed = true;
    return [error];
  }

  private decodePart(part: Json, out: IrStreamEvent[]): void {
    const signature = str(part.thoughtSignature) || undefined;
    if (isObject(part.functionCall)) {
      this.functionCall(part.functionCall, signature, out);
      return;
    }
    // Any other part ends a call whose arguments were still streaming.
    this.closeCall(out);
    if (part.thought === true) {
      const text = str(part.text);
      if (text || signature) {
        out.push({ type: 'reasoning_delta', ...(text ? { text } : {}), ...(signature ? { signature } : {}) });
      }
      return;
    }
    if (typeof part.text === 'string') {
      if (part.text.length > 0) out.push({ type: 'text_delta', text: part.text });
      if (signature) out.push({ type: 'reasoning_delta', signature });
      return;
    }
    const kind = Object.keys(part).find((k) => k !== 'thoughtSignature') ?? 'unknown';
    this.ctx.dropped(`response part ${kind}`);
  }

  private functionCall(fc: Json, signature: string | undefined, out: IrStreamEvent[]): void {
    const name = str(fc.name);
    if (name !== undefined && name.length > 0) {
      // A name starts a call (ending one still open).
      this.closeCall(out);
      const index = this.calls++;
      const start: IrStreamEvent = { type: 'tool_call_start', index, id: geminiToolCallId(this.responseId, index, fc.id), name };
      if (signature) start.providerMetadata = { google: { thoughtSignature: signature } };
      out.push(start);
      this.open = { index, args: {} };
    } else if (!this.open) {
      // Continuation of nothing (e.g. the closing `functionCall: {}` of a call already ended).
      return;
    }
    const call = this.open!;
    if (isObject(fc.args)) Object.assign(call.args, fc.args);
    for (const partial of arr(fc.partialArgs)) {
      if (isObject(partial) && !applyGeminiPartialArg(call.args, partial)) this.ctx.dropped('functionCall.partialArgs entry');
    }
    if (fc.willContinue !== true) this.closeCall(out);
  }

  private closeCall(out: IrStreamEvent[]): void {
    const call = this.open;
    if (!call) return;
    this.open = null;
    out.push({ type: 'tool_call_delta', index: call.index, argumentsDelta: JSON.stringify(call.args) });
    out.push({ type: 'tool_call_end', index: call.index });
  }
}

export const createGeminiStreamDecoder = (ctx: CodecContext): StreamDecoder => new GeminiStreamDecoder(ctx);
