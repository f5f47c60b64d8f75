/* eslint-disable @typescript-eslint/no-explicit-any -- event payloads are checked field by field */
/**
 * The Responses API (OpenResponses) streaming rules as assertions, for any event stream a client
 * can receive from the gateway on /v1/responses (translated or passed through):
 *
 * - every event's `event:` name is its payload's `type`, and every event carries `sequence_number`:
 *   0 first, then each one exactly one more than the one before;
 * - `response.created` first, `response.in_progress` second (both with status in_progress and an
 *   empty output), one terminal event last (`response.completed`, `response.incomplete` or
 *   `response.failed`; an `error` event may come just before `response.failed`), nothing after it;
 * - output items: `response.output_item.added` announces output_index 0, 1, 2, … in order, before
 *   any event naming that index or the item's id; a content part is added before its deltas, its
 *   deltas come before its `.done`, text `.done` before `content_part.done`, and every event of an
 *   item before its `response.output_item.done`; nothing names an item after that;
 * - the deltas of a part (output text, reasoning text, function call arguments, custom tool input)
 *   concatenate to the text its `.done` event carries;
 * - on completion every added item is done, and the terminal response's `output` is exactly the
 *   done items, by output_index, with usage whose total is input + output.
 */
import assert from 'node:assert/strict';
import type { SseMessage } from './sse.js';

export interface ResponsesEvent {
  type: string;
  sequence_number: number;
  [key: string]: any;
}

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

const DELTA_OF: Record<string, { done: string; field: string }> = {
  'response.output_text.delta': { done: 'response.output_text.done', field: 'text' },
  'response.refusal.delta': { done: 'response.refusal.done', field: 'refusal' },
  'response.reasoning_text.delta': { done: 'response.reasoning_text.done', field: 'text' },
  'response.reasoning_summary_text.delta': { done: 'response.reasoning_summary_text.done', field: 'text' },
  'response.function_call_arguments.delta': { done: 'response.function_call_arguments.done', field: 'arguments' },
  'response.custom_tool_call_input.delta': { done: 'response.custom_tool_call_input.done', field: 'input' },
};
const DONE_TYPES = new Set(Object.values(DELTA_OF).map((d) => d.done));

/** Parsed payloads of a Responses SSE stream, each checked to be named by its own type. */
export function responsesEvents(messages: readonly SseMessage[]): ResponsesEvent[] {
  return messages.map((m) => {
    const data = JSON.parse(m.data) as ResponsesEvent;
    assert.equal(m.event, data.type, `the SSE event name is the payload type (${m.data.slice(0, 120)})`);
    return data;
  });
}

interface ItemTrack {
  id: string;
  type: string;
  done: boolean;
  doneItem?: any;
  /** content/summary part key → state */
  parts: Map<string, { added: boolean; deltas: string; sawDelta: boolean; textDone: boolean; partDone: boolean }>;
  toolDeltas: string;
  sawToolDelta: boolean;
  toolDone: boolean;
}

/** Asserts the ordering rules above; returns the terminal event. */
export function assertResponsesEventOrder(events: readonly ResponsesEvent[]): ResponsesEvent {
  assert.ok(events.length >= 3, `a Responses stream has at least created, in_progress and a terminal event (got ${events.length})`);
  events.forEach((e, i) => {
    assert.equal(typeof e.sequence_number, 'number', `event ${i} (${e.type}) has a sequence_number`);
    assert.equal(e.sequence_number, i, `sequence numbers run 0, 1, 2, … (event ${i} is ${e.type} #${e.sequence_number})`);
  });
  assert.equal(events[0]!.type, 'response.created', 'response.created comes first');
  assert.equal(events[1]!.type, 'response.in_progress', 'response.in_progress comes second');
  for (const e of events.slice(0, 2)) {
    assert.equal(e.response.status, 'in_progress');
    assert.deepEqual(e.response.output, []);
    assert.equal(e.response.object, 'response');
  }
  const terminal = events.at(-1)!;
  assert.ok(TERMINAL.has(terminal.type), `the last event is terminal (got ${terminal.type})`);
  events.slice(0, -1).forEach((e, i) => {
    assert.ok(!TERMINAL.has(e.type), `only the last event is terminal (event ${i} is ${e.type})`);
    if (e.type === 'error') assert.equal(terminal.type, 'response.failed', 'an error event is followed by response.failed');
    if (e.type === 'error') assert.equal(i, events.length - 2, 'an error event comes just before response.failed');
  });
  assert.equal(terminal.response.id, events[0]!.response.id, 'one response id throughout');

  const items = new Map<number, ItemTrack>();
  const byId = new Map<string, number>();
  const itemOf = (e: ResponsesEvent): ItemTrack => {
    const index = e.output_index as number;
    const item = items.get(index);
    assert.ok(item, `${e.type} #${e.sequence_number} names output_index ${index} before its output_item.added`);
    if (e.item_id !== undefined) assert.equal(e.item_id, item.id, `${e.type} #${e.sequence_number} names the item's id`);
    assert.ok(!item.done, `${e.type} #${e.sequence_number} names item ${item.id} after its output_item.done`);
    return item;
  };
  const partOf = (item: ItemTrack, key: string, e: ResponsesEvent) => {
    const part = item.parts.get(key);
    assert.ok(part?.added, `${e.type} #${e.sequence_number}: part ${key} of ${item.id} was added first`);
    assert.ok(!part.partDone, `${e.type} #${e.sequence_number}: part ${key} of ${item.id} is already done`);
    return part;
  };

  for (const e of events.slice(2, TERMINAL.has(terminal.type) ? -1 : undefined)) {
    if (e.type === 'error') continue;
    if (e.type === 'response.output_item.added') {
      assert.equal(e.output_index, items.size, `items are announced in output order (${e.item?.id} at ${e.output_index})`);
      assert.equal(typeof e.item?.id, 'string', 'an added item has an id');
      assert.ok(!byId.has(e.item.id), `item ids are unique (${e.item.id})`);
      items.set(e.output_index, {
        id: e.item.id,
        type: e.item.type,
        done: false,
        parts: new Map(),
        toolDeltas: '',
        sawToolDelta: false,
        toolDone: false,
      });
      byId.set(e.item.id, e.output_index);
      continue;
    }
    if (e.type === 'response.output_item.done') {
      const item = itemOf(e);
      assert.equal(e.item.id, item.id);
      assert.equal(e.item.type, item.type);
      for (const [key, part] of item.parts)
        assert.ok(part.partDone || key.startsWith('s'), `part ${key} of ${item.id} is done before the item`);
      item.done = true;
      item.doneItem = e.item;
      continue;
    }
    if (e.type === 'response.content_part.added' || e.type === 'response.reasoning_summary_part.added') {
      const item = itemOf(e);
      const key = e.type === 'response.content_part.added' ? `c${e.content_index}` : `s${e.summary_index}`;
      assert.ok(!item.parts.has(key), `part ${key} of ${item.id} is added once`);
      item.parts.set(key, { added: true, deltas: '', sawDelta: false, textDone: false, partDone: false });
      continue;
    }
    if (e.type === 'response.content_part.done' || e.type === 'response.reasoning_summary_part.done') {
      const item = itemOf(e);
      const key = e.type === 'response.content_part.done' ? `c${e.content_index}` : `s${e.summary_index}`;
      const part = partOf(item, key, e);
      assert.ok(part.textDone, `${e.type} #${e.sequence_number} comes after the part's text .done`);
      part.partDone = true;
      continue;
    }
    const delta = DELTA_OF[e.type];
    if (delta) {
      const item = itemOf(e);
      if (e.type.startsWith('response.function_call') || e.type.startsWith('response.custom_tool_call')) {
        assert.ok(!item.toolDone, `${e.type} #${e.sequence_number} after the call's .done`);
        item.toolDeltas += e.delta;
        item.sawToolDelta = true;
      } else {
        const key = e.type === 'response.reasoning_summary_text.delta' ? `s${e.summary_index}` : `c${e.content_index}`;
        const part = partOf(item, key, e);
        assert.ok(!part.textDone, `${e.type} #${e.sequence_number} after the part's text .done`);
        part.deltas += e.delta;
        part.sawDelta = true;
      }
      continue;
    }
    if (DONE_TYPES.has(e.type)) {
      const item = itemOf(e);
      const field = Object.values(DELTA_OF).find((d) => d.done === e.type)!.field;
      if (e.type.startsWith('response.function_call') || e.type.startsWith('response.custom_tool_call')) {
        if (item.sawToolDelta) assert.equal(e[field], item.toolDeltas, `${e.type}: the deltas add up to the ${field}`);
        item.toolDone = true;
      } else {
        const key = e.type === 'response.reasoning_summary_text.done' ? `s${e.summary_index}` : `c${e.content_index}`;
        const part = partOf(item, key, e);
        if (part.sawDelta) assert.equal(e[field], part.deltas, `${e.type}: the deltas add up to the ${field}`);
        part.textDone = true;
      }
      continue;
    }
    // Any other event naming an item must come while the item is open.
    if (e.output_index !== undefined) itemOf(e);
  }

  if (terminal.type !== 'response.failed') {
    for (const item of items.values()) assert.ok(item.done, `item ${item.id} is done before ${terminal.type}`);
    const output = terminal.response.output as any[];
    assert.deepEqual(
      output.map((o) => o.id),
      [...items.values()].map((i) => i.id),
      'the terminal response lists the items, by output_index',
    );
    output.forEach((o, i) => assert.deepEqual(o, items.get(i)!.doneItem, `output[${i}] is the item as output_item.done gave it`));
    const usage = terminal.response.usage;
    assert.ok(usage, `${terminal.type} carries usage`);
    assert.equal(usage.total_tokens, usage.input_tokens + usage.output_tokens);
  }
  return terminal;
}
