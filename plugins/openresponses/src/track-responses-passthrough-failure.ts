import { randomBytes } from 'node:crypto';
import {
  createSseParser,
  endsAtEventBoundary,
  type GatewayError,
  type PassthroughFailure,
  type PassthroughFailureOptions,
} from '@switchyard/plugin-sdk';
import { responsesErrorCode } from './map-responses-error-code.js';

/**
 * The openai.responses codec's `createPassthroughFailure`: clients of the Responses API (the openai
 * SDK's `responses.stream`, Codex) expect a failed stream to end with `response.failed`.
 */
export function createResponsesPassthroughFailure(options: PassthroughFailureOptions = {}): PassthroughFailure {
  return new ResponsesPassthroughFailure(options.clientModel);
}

const EMPTY = Buffer.alloc(0);
const SEQUENCE_KEY = Buffer.from('"sequence_number"');
const TYPE_KEY = Buffer.from('"type"');
/** How every event type of the protocol starts, as a JSON string. */
const RESPONSE_TYPE = Buffer.from('"response.');
/** The terminal event types, as JSON strings (checked to be the value of a `"type"` key). */
const TERMINAL_TYPES = ['"response.completed"', '"response.incomplete"', '"response.failed"'].map((t) => Buffer.from(t));
const LF_LF = Buffer.from('\n\n');
const CRLF_CRLF = Buffer.from('\r\n\r\n');
/** Bytes kept across a read that does not end an event: longer than a `"sequence_number": N` field or a terminal type. */
const SEAM = 64;
/** The response object comes in the first events; the head is not read past these. */
const HEAD_EVENTS = 4;
const HEAD_BYTES = 1024 * 1024;
/** An upstream response object up to this size (its event's JSON) is kept whole for the final event; a larger one by its id, model and creation time. */
const KEEP_WHOLE = 32 * 1024;
/** A sequence number longer than this is not one (and would not be a safe integer). */
const MAX_DIGITS = 15;

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * The Responses API (OpenAI, OpenResponses) passed through: a failure ends the stream the way
 * OpenAI's servers and the gateway's translating encoder do, with an `error` event then
 * `response.failed`, numbered on from the upstream's last `sequence_number` and naming the
 * upstream's response (id, created_at, model, the request fields it echoes). When the upstream's
 * own terminal event (completed, incomplete, failed) already went through whole, nothing is added.
 *
 * Per read the cost is two backward searches that stop in its last event (the last
 * `"sequence_number"`, the last `"response.…"` type) and, only when the previous read stopped
 * inside an event, a look at the seam between the two (at most 128 bytes). The first events go
 * through an SSE parser until the one carrying the response object (`response.created`) is found:
 * that event alone is JSON-parsed.
 */
class ResponsesPassthroughFailure implements PassthroughFailure {
  private lastSequence = -1;
  /** The upstream's terminal event: its type seen ('pending'), then the end of its event ('seen'). */
  private terminal: 'none' | 'pending' | 'seen' = 'none';
  private done = false;
  /** The last bytes seen, when they do not end an event (a field may continue in the next read). */
  private tail: Buffer = EMPTY;
  private head: { feed(chunk: Buffer): void } | null;
  private headEvents = 0;
  private headBytes = 0;
  private upstream: JsonObject | null = null;
  private readonly startedAt = Math.floor(Date.now() / 1000);

  constructor(private readonly clientModel: string | undefined) {
    this.head = createSseParser(
      (event) => this.onHeadEvent(event.data),
      () => (this.head = null),
      HEAD_BYTES,
    );
  }

  observe(chunk: Buffer): void {
    if (chunk.length === 0 || this.done) return;
    if (this.head) {
      this.headBytes += chunk.length;
      this.head.feed(chunk);
      if (this.upstream || this.headEvents >= HEAD_EVENTS || this.headBytes > HEAD_BYTES) this.head = null;
    }
    if (this.tail.length > 0) this.scanSeam(chunk);
    this.scanChunk(chunk);
    if (endsAtEventBoundary(chunk)) this.tail = EMPTY;
    else if (chunk.length >= SEAM) this.tail = Buffer.from(chunk.subarray(chunk.length - SEAM));
    else {
      const joined = Buffer.concat([this.tail, chunk]);
      this.tail = joined.length > SEAM ? Buffer.from(joined.subarray(joined.length - SEAM)) : joined;
    }
  }

  failureEvent(error: GatewayError): string {
    if (this.done) return '';
    this.done = true;
    this.head = null;
    this.tail = EMPTY;
    if (this.terminal === 'seen') return '';
    let sequence = this.lastSequence + 1;
    const event = (type: string, fields: JsonObject): string =>
      `event: ${type}\ndata: ${JSON.stringify({ type, ...fields, sequence_number: sequence++ })}\n\n`;
    const response = this.responseObject();
    let out = '';
    // Nothing numbered reached the client: open the stream as the protocol requires first.
    if (this.upstream === null && this.lastSequence < 0) {
      out += event('response.created', { response }) + event('response.in_progress', { response });
    }
    const code = responsesErrorCode(error.status, error.kind);
    out += event('error', { code, message: error.message, param: error.param });
    const failed = {
      ...response,
      status: 'failed',
      completed_at: null,
      error: { code, message: error.message },
      incomplete_details: null,
      output: [],
    };
    return out + event('response.failed', { response: failed });
  }

  /** The upstream's response (in progress) with the client's model, or one made up when none was seen. */
  private responseObject(): JsonObject {
    const up = this.upstream ?? {};
    const id = typeof up.id === 'string' && up.id ? up.id : `resp_${randomBytes(16).toString('hex')}`;
    const createdAt = typeof up.created_at === 'number' ? up.created_at : this.startedAt;
    const response: JsonObject = {
      id,
      object: 'response',
      created_at: createdAt,
      status: 'in_progress',
      completed_at: null,
      error: null,
      incomplete_details: null,
      output: [],
      usage: null,
      ...up,
    };
    response.id = id;
    response.created_at = createdAt;
    if (this.clientModel !== undefined) response.model = this.clientModel;
    return response;
  }

  private onHeadEvent(data: string): void {
    this.headEvents++;
    if (this.upstream || data.indexOf('"response"') < 0) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    if (!isObject(parsed) || !isObject(parsed.response)) return;
    const response = parsed.response;
    if (data.length <= KEEP_WHOLE) this.upstream = response;
    else {
      const kept: JsonObject = {};
      for (const key of ['id', 'object', 'created_at', 'model']) if (key in response) kept[key] = response[key];
      this.upstream = kept;
    }
  }

  /** The fields that may straddle the previous read and this one. */
  private scanSeam(chunk: Buffer): void {
    const window = Buffer.concat([this.tail, chunk.subarray(0, SEAM)]);
    for (let at = window.indexOf(SEQUENCE_KEY); at >= 0; at = window.indexOf(SEQUENCE_KEY, at + 1)) {
      const value = readNumber(window, at + SEQUENCE_KEY.length);
      if (typeof value === 'number') this.lastSequence = value;
    }
    if (this.terminal === 'seen') return;
    // An event end that straddles the seam or starts this read (the tail's own were looked at before).
    let from = Math.max(0, this.tail.length - 3);
    if (this.terminal === 'none') {
      const at = terminalTypeIn(window);
      if (at < 0) return;
      this.terminal = 'pending';
      from = Math.max(from, at);
    }
    if (hasEventEnd(window, from)) this.terminal = 'seen';
  }

  private scanChunk(chunk: Buffer): void {
    // The last complete value in this read (one cut at its end is completed by the seam of the next).
    let at = chunk.lastIndexOf(SEQUENCE_KEY);
    while (at >= 0) {
      const value = readNumber(chunk, at + SEQUENCE_KEY.length);
      if (typeof value === 'number') {
        this.lastSequence = value;
        break;
      }
      at = at > 0 ? chunk.lastIndexOf(SEQUENCE_KEY, at - 1) : -1;
    }
    if (this.terminal === 'seen') return;
    let from = 0;
    if (this.terminal === 'none') {
      const terminalAt = lastTypeIfTerminal(chunk);
      if (terminalAt < 0) return;
      this.terminal = 'pending';
      from = terminalAt;
    }
    if (hasEventEnd(chunk, from)) this.terminal = 'seen';
  }
}

/** The number after a key (`: 12`), 'partial' when the buffer ends first, null when it is not a number. */
function readNumber(buf: Buffer, i: number): number | 'partial' | null {
  while (i < buf.length && isSpace(buf[i])) i++;
  if (i >= buf.length) return 'partial';
  if (buf[i] !== 0x3a) return null; // ':'
  i++;
  while (i < buf.length && isSpace(buf[i])) i++;
  const start = i;
  let value = 0;
  for (let c = buf[i]; c !== undefined && c >= 0x30 && c <= 0x39; c = buf[++i]) value = value * 10 + (c - 0x30);
  if (i >= buf.length) return 'partial';
  if (i === start || i - start > MAX_DIGITS) return null;
  return value;
}

/** Whether `buf` holds `needle` at `at` (no slice allocated). */
function bytesAt(buf: Buffer, at: number, needle: Buffer): boolean {
  if (at < 0 || at + needle.length > buf.length) return false;
  for (let k = 0; k < needle.length; k++) if (buf[at + k] !== needle[k]) return false;
  return true;
}

const isTerminalAt = (buf: Buffer, at: number): boolean => TERMINAL_TYPES.some((t) => bytesAt(buf, at, t));

/**
 * Where the last event type in `buf` (`"type": "response.…"`) is, when it is a terminal one; -1
 * otherwise. Only the last event is searched: the terminal event is the last one a stream has.
 */
function lastTypeIfTerminal(buf: Buffer): number {
  for (let at = buf.lastIndexOf(RESPONSE_TYPE); at >= 0; at = at > 0 ? buf.lastIndexOf(RESPONSE_TYPE, at - 1) : -1) {
    if (isTypeValue(buf, at)) return isTerminalAt(buf, at) ? at : -1;
  }
  return -1;
}

/** Where a terminal type (`"type": "response.completed"`, incomplete, failed) is in `buf`, or -1. */
function terminalTypeIn(buf: Buffer): number {
  for (const needle of TERMINAL_TYPES) {
    for (let at = buf.indexOf(needle); at >= 0; at = buf.indexOf(needle, at + 1)) {
      if (isTypeValue(buf, at)) return at;
    }
  }
  return -1;
}

/** Whether an SSE event ends (a blank line) in `buf` at or after `from`. */
const hasEventEnd = (buf: Buffer, from: number): boolean => buf.indexOf(LF_LF, from) >= 0 || buf.indexOf(CRLF_CRLF, from) >= 0;

/** Whether the JSON string at `at` is the value of a `"type"` key (unescaped quotes only delimit keys and strings). */
function isTypeValue(buf: Buffer, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && isSpace(buf[i])) i--;
  if (i < 0 || buf[i] !== 0x3a) return false; // ':'
  i--;
  while (i >= 0 && isSpace(buf[i])) i--;
  return bytesAt(buf, i + 1 - TYPE_KEY.length, TYPE_KEY);
}
