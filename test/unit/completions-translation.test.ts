/**
 * `/v1/completions` through the IR (issue #16 item 6): the openai.completions client codec and the
 * ollama.generate backend codec inside the kernel's Translation (request, complete reply, NDJSON
 * stream → text_completion SSE), and the 400 for a backend whose codec cannot continue a prompt.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- tests poke into parsed JSON */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { GatewayError, PluginRegistry, Translation } from '@switchyard/kernel';
import anthropic from '@switchyard/plugin-anthropic';
import ollama, { OLLAMA_GENERATE } from '@switchyard/plugin-ollama';
import openai from '@switchyard/plugin-openai';
import { codecContext } from '../helpers/anthropic-codec.js';
import { collectText } from '../helpers/sse.js';

const registry = new PluginRegistry().register(openai).register(anthropic).register(ollama);
const translate = (wire: string): Translation => Translation.between(registry, 'openai.completions', wire, codecContext('coder'));
const isStatus = (status: number, param?: string) => (e: unknown) =>
  e instanceof GatewayError && e.status === status && (param === undefined || e.param === param);

const ndjson = (objects: object[]): Buffer => Buffer.from(objects.map((o) => JSON.stringify(o) + '\n').join(''));
const dataOf = (sse: string): any[] =>
  sse
    .split('\n\n')
    .filter((e) => e.startsWith('data: ') && e !== 'data: [DONE]')
    .map((e) => JSON.parse(e.slice(6)));

describe('openai.completions → ollama.generate', () => {
  it('the request: prompt and suffix, sampling as options, no raw with a suffix; raw without one', () => {
    const body = translate(OLLAMA_GENERATE).request(
      {
        model: 'coder',
        prompt: 'def f(',
        suffix: ')',
        max_tokens: 32,
        temperature: 0.2,
        top_p: 0.9,
        stop: 'END',
        seed: 3,
        presence_penalty: 0.5,
      },
      'qwen2.5-coder',
      false,
    );
    assert.deepEqual(body, {
      model: 'qwen2.5-coder',
      prompt: 'def f(',
      suffix: ')',
      stream: false,
      options: { temperature: 0.2, top_p: 0.9, num_predict: 32, stop: ['END'], seed: 3, presence_penalty: 0.5 },
    });
    assert.deepEqual(translate(OLLAMA_GENERATE).request({ model: 'coder', prompt: ['go on'] }, 'm', true), {
      model: 'm',
      prompt: 'go on',
      stream: true,
      raw: true,
    });
  });

  it('what has no translation is a 400 naming the field', () => {
    const req = (fields: object) => () => translate(OLLAMA_GENERATE).request({ model: 'coder', ...fields }, 'm', false);
    assert.throws(req({}), isStatus(400, 'prompt'));
    assert.throws(req({ prompt: ['a', 'b'] }), isStatus(400, 'prompt'));
    assert.throws(req({ prompt: [[1, 2]] }), isStatus(400, 'prompt'));
    assert.throws(req({ prompt: 'a', echo: true }), isStatus(400, 'echo'));
    assert.throws(req({ prompt: 'a', best_of: 2 }), isStatus(400, 'best_of'));
    assert.throws(req({ prompt: 'a', n: 3 }), isStatus(400, 'n'));
    assert.throws(req({ prompt: 'a', logprobs: 1 }), isStatus(400, 'logprobs'));
  });

  it('a backend whose codec cannot continue a prompt: the 400 names prompt', () => {
    assert.throws(() => translate('anthropic.messages').request({ model: 'coder', prompt: 'a' }, 'claude', false), isStatus(400, 'prompt'));
    assert.throws(() => translate('openai.chat').request({ model: 'coder', prompt: 'a' }, 'gpt', false), isStatus(400, 'prompt'));
  });

  it('a complete reply as a text_completion with usage', () => {
    const t = translate(OLLAMA_GENERATE);
    t.request({ model: 'coder', prompt: 'a', suffix: 'c' }, 'm', false);
    const out = JSON.parse(
      t
        .response(
          Buffer.from(JSON.stringify({ model: 'm', response: 'b', done: true, done_reason: 'stop', prompt_eval_count: 4, eval_count: 1 })),
        )
        .toString(),
    );
    assert.equal(out.object, 'text_completion');
    assert.match(out.id, /^cmpl-/);
    assert.equal(out.model, 'coder');
    assert.deepEqual(out.choices, [{ text: 'b', index: 0, logprobs: null, finish_reason: 'stop' }]);
    assert.deepEqual(out.usage, { prompt_tokens: 4, completion_tokens: 1, total_tokens: 5 });
  });

  it('an NDJSON stream as text_completion chunks, finish_reason, the usage chunk when asked, [DONE]', async () => {
    const t = translate(OLLAMA_GENERATE);
    t.request({ model: 'coder', prompt: 'a', stream: true, stream_options: { include_usage: true } }, 'm', true);
    const bytes = ndjson([
      { model: 'm', response: 'Hel', done: false },
      { model: 'm', response: 'lo', done: false },
      { model: 'm', response: '', done: true, done_reason: 'length', prompt_eval_count: 2, eval_count: 2 },
    ]);
    const sse = await collectText(t.stream().attach(Readable.from([bytes.subarray(0, 20), bytes.subarray(20)])));
    const chunks = dataOf(sse);
    assert.ok(sse.endsWith('data: [DONE]\n\n'));
    assert.deepEqual(
      chunks.map((c) => c.choices[0]?.text),
      ['Hel', 'lo', '', undefined],
    );
    assert.ok(chunks.every((c) => c.object === 'text_completion' && c.model === 'coder'));
    assert.equal(chunks[2].choices[0].finish_reason, 'length');
    assert.deepEqual(chunks[3].usage, { prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 });
  });

  it('an {"error"} line or a cut stream ends in OpenAI\'s error event, no [DONE]', async () => {
    for (const objects of [[{ response: 'x', done: false }, { error: 'boom' }], [{ response: 'x', done: false }]]) {
      const t = translate(OLLAMA_GENERATE);
      t.request({ model: 'coder', prompt: 'a', stream: true }, 'm', true);
      const sse = await collectText(t.stream().attach(Readable.from([ndjson(objects)])));
      assert.match(sse, /"error"/);
      assert.doesNotMatch(sse, /\[DONE\]/);
    }
  });
});
