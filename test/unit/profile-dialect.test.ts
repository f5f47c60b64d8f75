/**
 * The kernel's profile merge knows no protocol's vocabulary or thinking fields (issue #16 item 3): it asks the ProfileDialect the
 * protocol's codec carries (ProtocolCodec.profile) where the vocabulary lives and how thinking is said, and
 * keeps the order defaults < caller < clamp, limits, then the dialect's fit.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  applyProfile,
  directSlot,
  dropProfileField,
  isObject,
  type Json,
  type ProfileDialect,
  type ThinkingForm,
} from '@switchyard/kernel';
import { builtinCodecs } from '../helpers/apply-builtin-profile.js';

/** A made-up dialect: `max_tokens` is `max_new_tokens`, thinking is `think: {on, budget}`, `seed` has no field. */
const THINK: ThinkingForm = {
  read: (body) => (isObject(body.think) && typeof body.think.on === 'boolean' ? body.think.on : undefined),
  write(run, on, budget) {
    run.body.think = on && budget !== undefined ? { on, budget } : { on };
  },
};
const acme: ProfileDialect = {
  slot: (key) => (key === 'max_tokens' ? directSlot('max_new_tokens') : key === 'seed' ? null : directSlot(key)),
  readThinking: (body: Json) => THINK.read(body),
  thinkingForm: () => THINK,
  setThinkingBudget(run, budget) {
    if (!isObject(run.body.think) || run.body.think.budget === budget) return false;
    run.body.think = { ...run.body.think, budget };
    return true;
  },
  removeThinking(run) {
    const had = run.body.think !== undefined;
    delete run.body.think;
    return had;
  },
  fit(run) {
    if (typeof run.body.max_new_tokens === 'number' && run.body.max_new_tokens > 100) {
      run.body.max_new_tokens = 100;
      dropProfileField(run, 'max_tokens', 'acme takes at most 100');
    }
  },
};
const chat = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

describe('applyProfile with a ProfileDialect', () => {
  test("the dialect's slots and thinking form are written; defaults < caller < clamp still hold", () => {
    const profile = {
      defaults: { max_tokens: 50, temperature: 0.2, seed: 7, enable_thinking: true, thinking_budget: 3000 },
      clamp: { temperature: 0.5 },
      limits: { thinking_budget: { max: 2000 } },
    };
    const result = applyProfile({ ...chat, temperature: 0.9 }, profile, { protocol: 'openai.chat', dialect: acme });
    assert.deepEqual(result.body, { ...chat, temperature: 0.5, max_new_tokens: 50, think: { on: true, budget: 2000 } });
    assert.deepEqual(result.applied, {
      defaults: ['max_tokens', 'enable_thinking', 'thinking_budget'],
      clamp: ['temperature'],
      limits: ['thinking_budget'],
    });
    assert.deepEqual(result.dropped, [{ field: 'seed', reason: 'openai.chat has no equivalent field' }]);
  });

  test("the caller's own thinking field beats a default; a clamp beats it; a clamp null removes it", () => {
    const caller = { ...chat, think: { on: false } };
    assert.deepEqual(applyProfile(caller, { defaults: { enable_thinking: true } }, { protocol: 'openai.chat', dialect: acme }).body.think, {
      on: false,
    });
    assert.deepEqual(applyProfile(caller, { clamp: { enable_thinking: true } }, { protocol: 'openai.chat', dialect: acme }).body.think, {
      on: true,
    });
    assert.equal(
      applyProfile(caller, { clamp: { enable_thinking: null } }, { protocol: 'openai.chat', dialect: acme }).body.think,
      undefined,
    );
  });

  test("the dialect's fit runs after limits", () => {
    const result = applyProfile(
      chat,
      { defaults: { max_tokens: 500 }, limits: { max_tokens: { max: 400 } } },
      { protocol: 'openai.chat', dialect: acme },
    );
    assert.equal(result.body.max_new_tokens, 100);
    assert.deepEqual(result.applied.limits, ['max_tokens']);
    assert.deepEqual(result.dropped, [{ field: 'max_tokens', reason: 'acme takes at most 100' }]);
  });

  test("the system prompt goes where the dialect's applySystemPrompt puts it; its reason when it cannot; without the hook it is dropped", () => {
    const prompt = { system_prompt: { mode: 'append' as const, text: 'P' } };
    const placing: ProfileDialect = {
      ...acme,
      applySystemPrompt: (body, { mode, text }) => (Array.isArray(body.turns) ? ((body.preamble = `${mode}:${text}`), true) : 'no turns'),
    };
    const placed = applyProfile({ ...chat, turns: [] }, prompt, { protocol: 'openai.chat', dialect: placing });
    assert.equal(placed.body.preamble, 'append:P');
    assert.equal(placed.applied.system_prompt, 'append');
    assert.deepEqual(placed.dropped, []);
    const refused = applyProfile(chat, prompt, { protocol: 'openai.chat', dialect: placing });
    assert.deepEqual(refused.body, chat);
    assert.equal(refused.applied.system_prompt, undefined);
    assert.deepEqual(refused.dropped, [{ field: 'system_prompt', reason: 'no turns' }]);
    for (const dialect of [acme, undefined]) {
      const result = applyProfile(chat, prompt, { protocol: 'openai.chat', dialect });
      assert.deepEqual(result.body, chat, 'the kernel writes no system prompt of its own');
      assert.equal(result.applied.system_prompt, undefined);
      assert.deepEqual(result.dropped, [{ field: 'system_prompt', reason: 'openai.chat has no system prompt' }]);
    }
  });

  test('the built-in client protocols carry their dialect; embeddings have none (no vocabulary, no thinking)', () => {
    for (const protocol of ['openai.chat', 'openai.completions', 'openai.responses', 'anthropic.messages'] as const) {
      assert.ok(builtinCodecs.codec(protocol)?.profile, protocol);
    }
    assert.equal(builtinCodecs.codec('openai.embeddings')?.profile, undefined);
  });
});
