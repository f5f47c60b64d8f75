import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { claudeModelRules } from '@switchyard/plugin-anthropic';
import { checkAnthropicMessagesRequest } from '@switchyard/testing';
import { json, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';

const user = (content: unknown) => ({ role: 'user', content });
const base = (extra: Record<string, unknown> = {}) => ({
  model: 'claude-sonnet-4-5-20250929',
  max_tokens: 2048,
  messages: [user('hi')],
  ...extra,
});
const toolUse = { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} };
const toolResult = { type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' };
const thinkingBlock = { type: 'thinking', thinking: 'hmm', signature: 'sig' };
const enabled = (budget: number) => ({ thinking: { type: 'enabled', budget_tokens: budget } });

function rejects(body: Record<string, unknown>, pattern: RegExp, opts?: { model?: string; betas?: string[] }): void {
  const message = checkAnthropicMessagesRequest(body, opts);
  assert.ok(message, `expected a rejection matching ${String(pattern)}`);
  assert.match(message, pattern);
}

const passes = (body: Record<string, unknown>, opts?: { model?: string; betas?: string[] }) =>
  assert.equal(checkAnthropicMessagesRequest(body, opts), undefined);

describe('Claude model table (plugins/anthropic claudeModelRules)', () => {
  it('adaptive-only, disabled rejected and sampling removed from Opus 4.7 on; adaptive from 4.6; unknown names permissive', () => {
    const rows: Array<[string, boolean, boolean, boolean]> = [
      // model, adaptiveThinking, adaptiveOnly (= rejects disabled), rejectsSamplingParams
      ['claude-sonnet-4-5-20250929', false, false, false],
      ['claude-3-7-sonnet-20250219', false, false, false],
      ['claude-opus-4-20250514', false, false, false],
      ['claude-opus-4-6', true, false, false],
      ['claude-sonnet-4-6', true, false, false],
      ['claude-opus-4-7', true, true, true],
      ['claude-opus-4-7@20260101', true, true, true],
      ['claude-sonnet-5', true, true, true],
      ['claude-mythos-preview', true, true, true],
    ];
    for (const [model, adaptive, only, sampling] of rows) {
      const r = claudeModelRules(model);
      assert.deepEqual(
        [r.adaptiveThinking, r.adaptiveOnly, r.rejectsDisabledThinking, r.rejectsSamplingParams],
        [adaptive, only, only, sampling],
        model,
      );
    }
    assert.equal(claudeModelRules('claude-x').known, false);
  });
});

describe('strict fake: Anthropic Messages rules', () => {
  it('a valid request passes', () =>
    passes(base({ temperature: 0.5, tools: [{ name: 'get_weather', input_schema: { type: 'object' } }] })));

  it('max_tokens is required', () => {
    const { max_tokens: _m, ...body } = base();
    rejects(body, /max_tokens: Field required/);
  });

  it('messages take only user and assistant roles', () =>
    rejects(base({ messages: [{ role: 'system', content: 'x' }] }), /messages\.0\.role/));

  it('budget_tokens ≥ 1024 and below max_tokens (unless the interleaved-thinking beta is on)', () => {
    rejects(base(enabled(1000)), /greater than or equal to 1024/);
    rejects(base(enabled(2048)), /max_tokens` must be greater than `thinking.budget_tokens/);
    passes(base(enabled(2048)), { betas: ['interleaved-thinking-2025-05-14'] });
    passes(base(enabled(2047)));
  });

  it('adaptive-only models reject type enabled and type disabled; older models reject adaptive', () => {
    rejects(base({ model: 'claude-opus-4-7', ...enabled(1024) }), /"thinking.type.enabled" is not supported/);
    rejects(base({ model: 'claude-opus-4-7', thinking: { type: 'disabled' } }), /"thinking.type.disabled" is not supported/);
    passes(base({ model: 'claude-opus-4-7', thinking: { type: 'adaptive' } }));
    rejects(base({ thinking: { type: 'adaptive' } }), /"thinking.type.adaptive" is not supported/);
    passes(base({ model: 'claude-x', thinking: { type: 'adaptive' } }));
  });

  it('Opus 4.7 and later reject temperature, top_p, top_k', () => {
    rejects(base({ model: 'claude-opus-4-7', temperature: 0.2 }), /`temperature` is deprecated/);
    rejects(base({ model: 'claude-opus-4-7', top_p: 0.9 }), /`top_p` is deprecated/);
    rejects(base({ model: 'claude-opus-4-7', top_k: 5 }), /`top_k` is deprecated/);
    rejects(base({ model: 'whatever', temperature: 0.2 }), /deprecated/, { model: 'claude-opus-4-7' });
  });

  it('with thinking on: no forced tool_choice, temperature only 1, no top_k, top_p from 0.95 to 1', () => {
    const tools = [{ name: 'get_weather', input_schema: { type: 'object' } }];
    rejects(base({ ...enabled(1024), tools, tool_choice: { type: 'any' } }), /tool_choice forces tool use/);
    rejects(base({ ...enabled(1024), tools, tool_choice: { type: 'tool', name: 'get_weather' } }), /tool_choice forces tool use/);
    passes(base({ ...enabled(1024), tools, tool_choice: { type: 'auto' } }));
    rejects(base({ ...enabled(1024), temperature: 0.5 }), /`temperature` may only be set to 1/);
    rejects(base({ ...enabled(1024), top_k: 10 }), /`top_k` must be unset/);
    rejects(base({ ...enabled(1024), top_p: 0.5 }), /`top_p` must be greater than or equal to 0.95/);
    passes(base({ ...enabled(1024), top_p: 0.96, temperature: 1 }));
  });

  it('with thinking on, a final assistant turn with tool_use starts with a thinking block', () => {
    const loop = (assistant: unknown[]) => [user('weather?'), { role: 'assistant', content: assistant }, user([toolResult])];
    rejects(
      base({ ...enabled(1024), messages: loop([toolUse]) }),
      /messages\.1\.content\.0\.type: Expected `thinking` or `redacted_thinking`/,
    );
    passes(base({ ...enabled(1024), messages: loop([thinkingBlock, toolUse]) }));
    passes(base({ ...enabled(1024), messages: loop([{ type: 'redacted_thinking', data: 'x' }, toolUse]) }));
    passes(base({ messages: loop([toolUse]) }));
  });

  it('every tool_use is answered by a tool_result in the next turn; no stray tool_result', () => {
    rejects(
      base({ messages: [user('q'), { role: 'assistant', content: [toolUse] }, user('no result')] }),
      /without `tool_result` blocks immediately after: toolu_1/,
    );
    rejects(base({ messages: [user('q'), { role: 'assistant', content: [toolUse] }] }), /toolu_1/);
    rejects(base({ messages: [user([toolResult])] }), /unexpected `tool_use_id`/);
    passes(base({ messages: [user('q'), { role: 'assistant', content: [toolUse] }, user([toolResult, { type: 'text', text: 'go on' }])] }));
  });

  it('custom tool names match ^[a-zA-Z0-9_-]{1,64}$', () => {
    rejects(base({ tools: [{ name: 'get.weather', input_schema: { type: 'object' } }] }), /tools\.0\.custom\.name/);
    rejects(base({ tools: [{ name: 'x'.repeat(65), input_schema: { type: 'object' } }] }), /tools\.0\.custom\.name/);
    passes(base({ tools: [{ type: 'web_search_20250305', name: 'web_search' }] }));
  });

  it('structured-output schemas: no numeric or length constraints, additionalProperties false on objects', () => {
    const format = (schema: unknown) => ({ output_config: { format: { type: 'json_schema', schema } } });
    const obj = (props: Record<string, unknown>) => ({ type: 'object', properties: props, additionalProperties: false });
    passes(base(format(obj({ a: { type: 'string', format: 'date' }, b: { type: 'array', items: { type: 'integer' }, minItems: 1 } }))));
    rejects(base(format({ type: 'object', properties: {} })), /additionalProperties' must be explicitly set to false/);
    rejects(base(format(obj({ n: { type: 'integer', minimum: 1 } }))), /properties\.n: the `minimum` keyword/);
    rejects(base(format(obj({ s: { type: 'string', maxLength: 3 } }))), /`maxLength`/);
    rejects(base(format(obj({ l: { type: 'array', items: { type: 'string' }, minItems: 2 } }))), /`minItems` values other than 0 and 1/);
    rejects(
      base({ output_format: { type: 'json_schema', schema: obj({ n: { type: 'number', multipleOf: 2 } }) } }),
      /output_format\.schema.*multipleOf/,
    );
    rejects(base({ tools: [{ name: 't', strict: true, input_schema: { type: 'object', properties: {} } }] }), /tools\.0\.input_schema/);
  });
});

describe('strict fake upstream: rejections on the wire', () => {
  let up: FakeUpstream;
  before(async () => {
    up = await startFakeUpstream(json(200, { ok: true }));
  });
  after(() => up.close());

  const post = (path: string, body: unknown) =>
    fetch(`${up.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('/v1/messages: 400 with the Anthropic error shape instead of the scripted answer', async () => {
    const res = await post('/v1/messages', { model: 'claude-sonnet-4-5', messages: [user('hi')] });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } });
    assert.equal((await post('/v1/messages', base())).status, 200);
    assert.equal((await post('/v1/messages/count_tokens', { model: 'claude-sonnet-4-5', messages: [user('hi')] })).status, 200);
  });

  it('Vertex rawPredict: the model comes from the URL', async () => {
    const path = '/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-opus-4-7:streamRawPredict';
    const res = await post(path, { anthropic_version: 'vertex-2023-10-16', max_tokens: 100, temperature: 0.3, messages: [user('hi')] });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /`temperature` is deprecated/);
    const counter = '/v1/projects/p/locations/us-east5/publishers/anthropic/models/count-tokens:rawPredict';
    assert.equal((await post(counter, { model: 'claude-opus-4-7', messages: [user('hi')] })).status, 200);
  });
});
