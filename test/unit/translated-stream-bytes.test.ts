/**
 * Byte equality of the translated stream lanes (issue #19): the same upstream events give the same
 * client bytes, whatever the reads they arrive in. Each lane's output for each input is committed
 * in test/fixtures/translated-streams/ (`<lane>.<input>.out.sse`, written by the code before the
 * per-event speed-ups), so a change to the encoders, the decoders or the TranslatingStream that
 * alters a single byte fails here. Inputs: the bench upstream's exact sequences (`bench-*.in.json`),
 * a mid-stream error with escapes and non-ASCII text (`*-error.in.json`) and the providers'
 * recorded streams (plugins' test/fixtures). Fed one event per read, all in one read, and in
 * 7-byte pieces.
 *
 * SWITCHYARD_WRITE_FIXTURES=1 writes the expected files instead of comparing (only for a deliberate
 * change of the output; review the diff).
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it, mock } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PluginRegistry, Translation, type Protocol, type WireProtocol } from '@switchyard/kernel';
import { plugin as anthropic } from '@switchyard/plugin-anthropic';
import { plugin as openai } from '@switchyard/plugin-openai';
import { plugin as openresponses } from '@switchyard/plugin-openresponses';
import { fixtureEvents } from '../helpers/fake-upstream.js';
import { maskRandomIds } from '../helpers/mask-random-ids.js';

const DIR = fileURLToPath(new URL('../../fixtures/translated-streams/', import.meta.url));
const WRITE = process.env.SWITCHYARD_WRITE_FIXTURES === '1';
const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);

interface Lane {
  id: string;
  client: Protocol;
  wire: WireProtocol;
  /** The client's request (the bench's body for the lane). */
  body: Record<string, unknown>;
  inputs: Record<string, () => string[]>;
}

const fromJson = (name: string) => (): string[] => JSON.parse(readFileSync(path.join(DIR, name), 'utf8')) as string[];
const recorded = (name: string) => (): string[] => fixtureEvents(name);
const PROMPT = 'Write a short reply for the Switchyard benchmark.';

const CHAT_INPUTS = {
  'bench-openai-chat': fromJson('bench-openai-chat.in.json'),
  'openai-chat-error': fromJson('openai-chat-error.in.json'),
  'openai-text': recorded('openai-chat/openai-text.chunks.txt'),
  'deepseek-reasoning': recorded('openai-chat/deepseek-reasoning.chunks.txt'),
  'deepseek-tool-call': recorded('openai-chat/deepseek-tool-call.chunks.txt'),
};

const LANES: Lane[] = [
  {
    id: 'anthropic',
    client: 'anthropic.messages',
    wire: 'openai.chat',
    body: { model: 'bench', max_tokens: 64, messages: [{ role: 'user', content: PROMPT }], stream: true },
    inputs: CHAT_INPUTS,
  },
  {
    id: 'responses',
    client: 'openai.responses',
    wire: 'openai.chat',
    body: { model: 'bench', input: PROMPT, stream: true },
    inputs: CHAT_INPUTS,
  },
  {
    id: 'to-anthropic',
    client: 'openai.chat',
    wire: 'anthropic.messages',
    body: {
      model: 'bench-to-anthropic',
      messages: [{ role: 'user', content: PROMPT }],
      stream: true,
      stream_options: { include_usage: true },
    },
    inputs: {
      'bench-anthropic': fromJson('bench-anthropic.in.json'),
      'anthropic-error': fromJson('anthropic-error.in.json'),
      'anthropic-text': recorded('anthropic/anthropic-text.chunks.txt'),
      'anthropic-clear-thinking': recorded('anthropic/anthropic-clear-thinking.1.chunks.txt'),
      'anthropic-json-tool': recorded('anthropic/anthropic-json-tool.1.chunks.txt'),
      'anthropic-tool-no-args': recorded('anthropic/anthropic-tool-no-args.chunks.txt'),
    },
  },
];

const registry = new PluginRegistry().register(openai).register(anthropic).register(openresponses);

/** Three ways the same bytes can arrive: an event per read, all at once, 7-byte pieces. */
function readings(events: string[]): Record<string, Buffer[]> {
  const all = Buffer.from(events.join(''));
  const pieces: Buffer[] = [];
  for (let i = 0; i < all.length; i += 7) pieces.push(all.subarray(i, i + 7));
  return { 'one event per read': events.map((e) => Buffer.from(e)), 'one read': [all], '7-byte pieces': pieces };
}

/** The client's bytes for one lane and one way of reading the input (the response ids' random part masked). */
async function translate(lane: Lane, reads: Buffer[]): Promise<string> {
  const ctx = { clientModel: String(lane.body.model), requestId: 'req-bytes-1', dropped: () => undefined };
  const translation = Translation.between(registry, lane.client, lane.wire, ctx);
  translation.request(structuredClone(lane.body), 'bench-mock', true);
  const out: Buffer[] = [];
  for await (const chunk of translation.stream().attach(Readable.from(reads, { objectMode: false }))) out.push(chunk as Buffer);
  return maskRandomIds(Buffer.concat(out).toString('utf8'));
}

describe('translated streams: the same input gives the same bytes (issue #19)', () => {
  before(() => mock.timers.enable({ apis: ['Date'], now: NOW }));
  after(() => mock.timers.reset());

  for (const lane of LANES) {
    for (const [input, events] of Object.entries(lane.inputs)) {
      it(`${lane.id} lane (${lane.client} client ← ${lane.wire} upstream), ${input}`, async () => {
        const file = path.join(DIR, `${lane.id}.${input}.out.sse`);
        const ways = readings(events());
        const first = await translate(lane, ways['one event per read']!);
        if (WRITE) writeFileSync(file, first);
        assert.ok(existsSync(file), `missing ${file} (SWITCHYARD_WRITE_FIXTURES=1 writes it)`);
        const expected = readFileSync(file, 'utf8');
        for (const [way, reads] of Object.entries(ways)) assert.equal(await translate(lane, reads), expected, `${way}: the bytes differ`);
      });
    }
  }
});
