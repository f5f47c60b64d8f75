/**
 * The final events of a passed-through Responses stream that fails mid-way
 * (the openai.responses codec's createPassthroughFailure, plugins/openresponses): the recorded OpenResponses streams
 * (plugins/openresponses/test/fixtures/openresponses/, LM Studio) cut at many points and fed whole, in 7-byte slices
 * and byte by byte; the failure must name the upstream's response and number on from its last
 * event, and the cut stream plus the failure must still follow the Responses streaming rules.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  GatewayError,
  PluginRegistry,
  PROTOCOLS,
  type PassthroughFailure,
  type PassthroughFailureOptions,
  type Protocol,
} from '@switchyard/kernel';
import anthropic from '@switchyard/plugin-anthropic';
import openai from '@switchyard/plugin-openai';
import openresponses from '@switchyard/plugin-openresponses';
import { fixtureEvents } from '../helpers/fake-upstream.js';
import { parseSse } from '../helpers/sse.js';
import { assertResponsesEventOrder, responsesEvents, type ResponsesEvent } from '../helpers/responses-events.js';

const BASIC = 'openresponses/lmstudio-basic.1.chunks.txt';
const TOOL = 'openresponses/lmstudio-tool-call.1.chunks.txt';
const BASIC_ID = 'resp_604f426346767f2cd7f98c793d9cfd27cba9ef834509019c';

const fixture = (name: string): string[] => fixtureEvents(name);

/** The client protocol's tracker, as the pipeline gets it: from the codec its plugin registered (issue #16). */
const registry = new PluginRegistry().register(openai).register(anthropic).register(openresponses);
const passthroughFailureFor = (protocol: Protocol, options: PassthroughFailureOptions = {}): PassthroughFailure | null =>
  registry.codec(protocol)?.createPassthroughFailure?.(options) ?? null;

function tracker(clientModel?: string): PassthroughFailure {
  const t = passthroughFailureFor('openai.responses', clientModel !== undefined ? { clientModel } : {});
  assert.ok(t, 'openai.responses has a passthrough failure tracker');
  return t;
}

/** Feeds `bytes` in slices of `size` (0: whole). */
function feed(t: PassthroughFailure, bytes: Buffer, size = 0): void {
  if (size <= 0) return t.observe(bytes);
  for (let i = 0; i < bytes.length; i += size) t.observe(bytes.subarray(i, i + size));
}

/** The last sequence number whose digits the bytes hold complete (-1 when none): what the client may have seen. */
function lastSequenceIn(text: string): number {
  let last = -1;
  for (const m of text.matchAll(/"sequence_number": ?(\d+)(?=\D)/g)) last = Number(m[1]);
  return last;
}

function failureEvents(text: string): ResponsesEvent[] {
  return responsesEvents(parseSse(text));
}

const timeout = GatewayError.gatewayTimeout('backend lmstudio sent nothing for 300 s');

describe('passthroughFailureFor', () => {
  it('tracks openai.responses only; the other protocols keep the generic error event', () => {
    for (const p of PROTOCOLS) assert.equal(passthroughFailureFor(p) !== null, p === 'openai.responses', p);
  });
});

describe('passthrough failure of a Responses stream', () => {
  it('cut after whole events: error then response.failed, numbered on, naming the upstream response', () => {
    const events = fixture(BASIC);
    for (const cut of [2, 3, 4, 5, 50, events.length - 2]) {
      for (const size of [0, 7, 1]) {
        const prefix = events.slice(0, cut).join('');
        const t = tracker();
        feed(t, Buffer.from(prefix), size);
        const out = t.failureEvent(timeout);
        assert.ok(out.endsWith('\n\n') && !out.startsWith('\n'), 'complete events, nothing before them');
        const [error, failed] = failureEvents(out);
        assert.deepEqual(
          error,
          { type: 'error', code: 'server_error', message: timeout.message, param: null, sequence_number: cut },
          `cut ${cut}/${size}`,
        );
        assert.equal(failed!.type, 'response.failed');
        assert.equal(failed!.sequence_number, cut + 1, `sequence_number = last + 1 (cut ${cut}, slices ${size})`);
        const r = failed!.response;
        assert.equal(r.id, BASIC_ID);
        assert.equal(r.model, 'gemma-7b-it');
        assert.equal(r.created_at, 1768906211);
        assert.equal(r.object, 'response');
        assert.equal(r.status, 'failed');
        assert.deepEqual(r.error, { code: 'server_error', message: timeout.message });
        assert.deepEqual(r.output, []);
        assert.equal(r.temperature, 0.8, 'the request fields the upstream echoed are kept');
        // What the client receives as a whole still follows the streaming rules.
        const all = failureEvents(prefix + out);
        assert.equal(assertResponsesEventOrder(all).type, 'response.failed');
      }
    }
  });

  it('cut anywhere (mid-event, mid-field, mid-number), fed whole, in 7-byte slices and byte by byte', () => {
    for (const name of [BASIC, TOOL]) {
      const text = fixture(name).join('');
      const bytes = Buffer.from(text);
      const id = /"id":"(resp_[^"]+)"/.exec(text)![1];
      const starts = fixture(name).reduce<number[]>((acc, e) => [...acc, acc.at(-1)! + Buffer.byteLength(e)], [0]);
      const firstEventEnd = starts[1]!;
      // Every byte around the end of response.created and over the first delta (also byte by byte),
      // then a sample of the rest, the terminal event included.
      const dense = new Set<number>();
      for (let c = firstEventEnd - 40; c < firstEventEnd + 40; c++) dense.add(c);
      for (let c = starts[4]!; c < starts[5]!; c++) dense.add(c);
      const sliced = new Set<number>(); // the sample's cuts also fed in 7-byte slices
      const cuts = new Set(dense);
      for (let c = 0, n = 0; c <= bytes.length; c += 211, n++) {
        cuts.add(c);
        if (n % 8 === 0) sliced.add(c);
      }
      cuts.add(bytes.length);
      sliced.add(bytes.length);
      for (const cut of cuts) {
        const part = bytes.subarray(0, cut);
        const expected = lastSequenceIn(part.toString('latin1')) + 1;
        const terminalAt = part.indexOf('"type":"response.completed"');
        // The upstream's terminal event went through whole: nothing to add (cut inside it: the failure still ends the stream).
        const terminalSeen = terminalAt >= 0 && part.indexOf('\n\n', terminalAt) >= 0;
        for (const size of dense.has(cut) ? [0, 7, 1] : sliced.has(cut) ? [0, 7] : [0]) {
          const t = tracker();
          feed(t, part, size);
          const text = t.failureEvent(GatewayError.badGateway('backend lmstudio reset the connection'));
          if (terminalSeen) {
            assert.equal(text, '', `${name} cut ${cut}/${size}: the upstream's response.completed was seen`);
            continue;
          }
          const out = failureEvents(text);
          const failed = out.at(-1)!;
          assert.equal(failed.type, 'response.failed', `${name} cut ${cut}/${size}`);
          if (cut >= firstEventEnd) {
            assert.deepEqual(
              out.map((e) => e.type),
              ['error', 'response.failed'],
            );
            assert.equal(out[0]!.sequence_number, expected, `${name} cut ${cut} slices ${size}: numbered after the last complete number`);
            assert.equal(failed.sequence_number, expected + 1);
            assert.equal(failed.response.id, id, `${name} cut ${cut}/${size}: the upstream's response id`);
          } else if (expected === 0) {
            // Nothing numbered got through: the tracker opens the stream itself.
            assert.deepEqual(
              out.map((e) => e.type),
              ['response.created', 'response.in_progress', 'error', 'response.failed'],
            );
            assert.deepEqual(
              out.map((e) => e.sequence_number),
              [0, 1, 2, 3],
            );
            assert.equal(new Set(out.map((e) => e.response?.id ?? failed.response.id)).size, 1, 'one id throughout');
            assert.match(failed.response.id, /^resp_[0-9a-f]{32}$/);
          } else {
            // Cut inside response.created after its number: no response object, numbered on.
            assert.equal(out[0]!.sequence_number, expected);
          }
        }
      }
    }
  });

  it('writes the model the client asked for when told', () => {
    const t = tracker('my-alias');
    t.observe(Buffer.from(fixture(BASIC).slice(0, 10).join('')));
    const failed = failureEvents(t.failureEvent(timeout)).at(-1)!;
    assert.equal(failed.response.model, 'my-alias');
    assert.equal(failed.response.id, BASIC_ID);
  });

  it('nothing received: created, in_progress, error, response.failed, a conforming stream on its own', () => {
    const t = tracker('coder');
    const events = failureEvents(t.failureEvent(GatewayError.unavailable('the gateway is shutting down')));
    assert.equal(assertResponsesEventOrder(events).type, 'response.failed');
    assert.equal(events.at(-1)!.response.model, 'coder');
    assert.equal(events.at(-1)!.response.error.code, 'server_is_overloaded', 'a 503 is retried by Codex');
    assert.equal(events[2]!.code, 'server_is_overloaded');
  });

  it('error codes follow the translating encoder', () => {
    const cases: Array<[GatewayError, string]> = [
      [GatewayError.gatewayTimeout('idle'), 'server_error'],
      [GatewayError.badGateway('reset'), 'server_error'],
      [new GatewayError({ status: 429, kind: 'rate_limit', message: 'slow down' }), 'rate_limit_exceeded'],
      [new GatewayError({ status: 529, kind: 'overloaded', message: 'busy' }), 'server_is_overloaded'],
      [GatewayError.internal(), 'server_error'],
    ];
    for (const [err, code] of cases) {
      const t = tracker();
      t.observe(Buffer.from(fixture(BASIC).slice(0, 3).join('')));
      const failed = failureEvents(t.failureEvent(err)).at(-1)!;
      assert.deepEqual(failed.response.error, { code, message: err.message });
    }
  });

  it('nothing after the upstream’s terminal event, and nothing on a second call', () => {
    for (const size of [0, 7, 1]) {
      const t = tracker();
      feed(t, Buffer.from(fixture(BASIC).join('')), size);
      assert.equal(t.failureEvent(timeout), '', `response.completed was seen (slices ${size})`);
    }
    const t = tracker();
    t.observe(Buffer.from(fixture(BASIC).slice(0, 5).join('')));
    assert.notEqual(t.failureEvent(timeout), '');
    assert.equal(t.failureEvent(timeout), '', 'once');
  });

  it('the upstream’s terminal event cut at every byte: the failure is added until the event has ended', () => {
    const head = fixture(BASIC).slice(0, 3).join('');
    const terminal =
      'event: response.completed\r\ndata: {"type": "response.completed", "response": {"id": "' +
      BASIC_ID +
      '", "status": "completed", "output": []}, "sequence_number": 3}\r\n\r\n';
    const text = head + terminal + 'data: [DONE]\n\n';
    const bytes = Buffer.from(text);
    const ended = Buffer.byteLength(head + terminal);
    for (let cut = Buffer.byteLength(head); cut <= bytes.length; cut++) {
      for (const size of [0, 1, 7]) {
        const t = tracker();
        feed(t, bytes.subarray(0, cut), size);
        const out = t.failureEvent(timeout);
        if (cut >= ended) {
          assert.equal(out, '', `cut ${cut}/${size}: the terminal event went through`);
          continue;
        }
        const events = failureEvents(out);
        assert.deepEqual(
          events.map((e) => e.type),
          ['error', 'response.failed'],
          `cut ${cut}/${size}`,
        );
        assert.equal(events[0]!.sequence_number, lastSequenceIn(bytes.subarray(0, cut).toString()) + 1, `cut ${cut}/${size}`);
      }
    }
  });

  it('a terminal type inside text or as another key’s value is not taken for the end of the stream', () => {
    const t = tracker();
    const prefix = fixture(BASIC).slice(0, 4).join('');
    const tricky =
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":"m","output_index":0,"content_index":0,' +
      '"delta":"\\"type\\":\\"response.completed\\" and \\"response.failed\\"","note":"response.incomplete","sequence_number":4}\n\n' +
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"response.completed","sequence_number": 5 }\n\n';
    feed(t, Buffer.from(prefix + tricky), 3);
    const events = failureEvents(t.failureEvent(timeout));
    assert.deepEqual(
      events.map((e) => [e.type, e.sequence_number]),
      [
        ['error', 6],
        ['response.failed', 7],
      ],
    );
  });

  it('CRLF framing and spaced JSON (python servers) are read the same', () => {
    const events = fixture(BASIC)
      .slice(0, 8)
      .map((e) => e.replace(/\n/g, '\r\n').replace(/"sequence_number":(\d+)/, '"sequence_number": $1'));
    for (const size of [0, 7]) {
      const t = tracker();
      feed(t, Buffer.from(events.join('')), size);
      const failed = failureEvents(t.failureEvent(timeout)).at(-1)!;
      assert.equal(failed.sequence_number, 9);
      assert.equal(failed.response.id, BASIC_ID);
    }
  });

  it('observe is byte scans: 1 MB of deltas in well under 50 ms, with one JSON.parse (response.created) at most', () => {
    const head = fixture(BASIC).slice(0, 4).join('');
    const deltas: Buffer[] = [];
    let size = 0;
    for (let seq = 4; size < 1024 * 1024; seq++) {
      const e = Buffer.from(
        `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":"msg_j8xwiqp4xj0qgn3hrsoit9","output_index":0,"content_index":0,"delta":" token ${seq}","logprobs":[],"sequence_number":${seq}}\n\n`,
      );
      deltas.push(e);
      size += e.length;
    }
    const whole = Buffer.concat(deltas);
    const shapes: Array<[string, Buffer[]]> = [
      ['one event per read', deltas],
      ['16 KB reads', Array.from({ length: Math.ceil(whole.length / 16384) }, (_, i) => whole.subarray(i * 16384, (i + 1) * 16384))],
      ['reads cut mid-event', Array.from({ length: Math.ceil(whole.length / 1000) }, (_, i) => whole.subarray(i * 1000, (i + 1) * 1000))],
    ];
    const realParse = JSON.parse;
    for (const [label, chunks] of shapes) {
      let best = Infinity;
      for (let round = 0; round < 3; round++) {
        const t = tracker();
        let parses = 0;
        JSON.parse = ((text: string, reviver?: Parameters<typeof JSON.parse>[1]) => {
          parses++;
          return realParse(text, reviver);
        }) as typeof JSON.parse;
        const started = performance.now();
        try {
          t.observe(Buffer.from(head));
          for (const c of chunks) t.observe(c);
        } finally {
          JSON.parse = realParse;
        }
        best = Math.min(best, performance.now() - started);
        assert.ok(parses <= 1, `${label}: ${parses} JSON.parse calls while observing`);
        const failed = failureEvents(t.failureEvent(timeout)).at(-1)!;
        assert.equal(failed.sequence_number, 4 + deltas.length + 1, label);
        assert.equal(failed.response.id, BASIC_ID);
      }
      assert.ok(best < 50, `${label}: observe took ${best.toFixed(1)} ms for ${(whole.length / 1048576).toFixed(2)} MB`);
    }
  });
});
