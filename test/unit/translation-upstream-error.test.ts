/**
 * A translated stream whose upstream sends its own error event mid-stream: the client gets its
 * protocol's error event and the TranslatingStream keeps the failure (upstreamError), which the
 * pipeline records as the exchange's end (journal, metrics) instead of the 200 it started with.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { PluginRegistry, Translation, type CodecContext } from '@switchyard/kernel';
import { plugin as anthropic } from '@switchyard/plugin-anthropic';
import { plugin as openai } from '@switchyard/plugin-openai';
import { collectText } from '../helpers/sse.js';

const ctx = (): CodecContext => ({ clientModel: 'm', requestId: 'req-e', dropped: () => {} });

const sse = (events: object[]) =>
  Buffer.from(events.map((e) => `event: ${(e as { type: string }).type}\ndata: ${JSON.stringify(e)}\n\n`).join(''));

test("an upstream's mid-stream error event is kept as the stream's upstreamError (status, message, type), secrets redacted", async () => {
  const registry = new PluginRegistry().register(openai).register(anthropic);
  const t = Translation.between(registry, 'openai.chat', 'anthropic.messages', ctx(), (text) =>
    text.replaceAll('sk-secret-123', '[redacted]'),
  );
  const stream = t.stream();
  const bytes = sse([
    { type: 'message_start', message: { id: 'msg_1', model: 'claude', usage: { input_tokens: 3, output_tokens: 1 } } },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
    { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded (key sk-secret-123)' } },
  ]);
  const text = await collectText(Readable.from([bytes]).pipe(stream));
  assert.match(text, /"error"/);
  assert.ok(!text.includes('sk-secret-123'));
  assert.equal(stream.upstreamError?.status, 529);
  assert.equal(stream.upstreamError?.code, 'overloaded_error');
  assert.equal(stream.upstreamError?.message, 'Overloaded (key [redacted])');
});

test('a stream without an upstream error has no upstreamError', async () => {
  const registry = new PluginRegistry().register(openai).register(anthropic);
  const stream = Translation.between(registry, 'openai.chat', 'anthropic.messages', ctx()).stream();
  const bytes = sse([
    { type: 'message_start', message: { id: 'msg_1', model: 'claude', usage: { input_tokens: 3, output_tokens: 1 } } },
    { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } },
    { type: 'message_stop' },
  ]);
  await collectText(Readable.from([bytes]).pipe(stream));
  assert.equal(stream.upstreamError, null);
});
