import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { effortForBudget, profileOf, type AppliedProfile, type Protocol, type ProfileTarget, type RouteProfile } from '@switchyard/kernel';
import { applyProfile } from '../helpers/apply-builtin-profile.js';

/** One SPEC sentence as a test: the caller's body, the route's profile, and what is sent upstream. */
interface Row {
  name: string;
  body: Record<string, unknown>;
  profile: RouteProfile;
  target?: Partial<ProfileTarget>;
  expect: {
    /** The whole body sent upstream. */
    body?: Record<string, unknown>;
    /** The `applied` lists given here must match exactly. */
    applied?: Partial<AppliedProfile>;
    /** Fields reported in `dropped` (none when not given). */
    dropped?: string[];
    /** Fields reported in `adjusted` (none when not given). */
    adjusted?: string[];
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function table(title: string, protocol: Protocol, rows: Row[]): void {
  describe(title, () => {
    for (const row of rows) {
      test(row.name, () => {
        // Frozen inputs: any mutation throws (ESM is strict), so every row also checks purity.
        const body = deepFreeze(structuredClone(row.body));
        const profile = deepFreeze(structuredClone(row.profile));
        const result = applyProfile(body, profile, { protocol, ...row.target });
        if (row.expect.body) assert.deepEqual(result.body, row.expect.body);
        for (const [layer, fields] of Object.entries(row.expect.applied ?? {})) {
          assert.deepEqual(result.applied[layer as keyof AppliedProfile], fields, `applied.${layer}`);
        }
        assert.deepEqual(result.dropped.map((d) => d.field).sort(), [...(row.expect.dropped ?? [])].sort(), 'dropped');
        assert.deepEqual(result.adjusted.map((d) => d.field).sort(), [...(row.expect.adjusted ?? [])].sort(), 'adjusted');
      });
    }
  });
}

const user = { role: 'user', content: 'hi' };
const chat = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ model: 'coder', messages: [user], ...extra });
const claude = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  model: 'coder',
  max_tokens: 16000,
  messages: [user],
  ...extra,
});

table('Profiles: defaults, overlaid by the caller, overlaid by clamp', 'openai.chat', [
  {
    name: 'a default fills a field the caller did not send',
    body: chat(),
    profile: { defaults: { temperature: 0.2 } },
    expect: { body: chat({ temperature: 0.2 }), applied: { defaults: ['temperature'], clamp: [], limits: [] } },
  },
  {
    name: "the caller's field beats a default",
    body: chat({ temperature: 0.9 }),
    profile: { defaults: { temperature: 0.2 } },
    expect: { body: chat({ temperature: 0.9 }), applied: { defaults: [] } },
  },
  {
    name: "a clamp beats the caller's field",
    body: chat({ temperature: 0.9 }),
    profile: { clamp: { temperature: 0.1 } },
    expect: { body: chat({ temperature: 0.1 }), applied: { clamp: ['temperature'] } },
  },
  {
    name: 'a clamp beats a default',
    body: chat(),
    profile: { defaults: { temperature: 0.2 }, clamp: { temperature: 0.1 } },
    expect: { body: chat({ temperature: 0.1 }), applied: { defaults: ['temperature'], clamp: ['temperature'] } },
  },
  {
    name: 'a clamp that does not change the value is not reported as applied',
    body: chat({ temperature: 0.5 }),
    profile: { clamp: { temperature: 0.5 } },
    expect: { body: chat({ temperature: 0.5 }), applied: { clamp: [] } },
  },
  {
    name: "objects merge deeply: a default object fills keys under the caller's object, the caller's keys win",
    body: chat({ chat_template_kwargs: { opts: { b: 3 }, mine: true } }),
    profile: { defaults: { chat_template_kwargs: { opts: { a: 1, b: 2 }, theirs: 'x' } } },
    expect: {
      body: chat({ chat_template_kwargs: { opts: { b: 3, a: 1 }, mine: true, theirs: 'x' } }),
      applied: { defaults: ['chat_template_kwargs'] },
    },
  },
  {
    name: "objects merge deeply: a clamp object overrides keys inside the caller's object and keeps the rest",
    body: chat({ chat_template_kwargs: { opts: { a: 1, b: 2 }, x: 1 } }),
    profile: { clamp: { chat_template_kwargs: { opts: { a: 9 } } } },
    expect: { body: chat({ chat_template_kwargs: { opts: { a: 9, b: 2 }, x: 1 } }), applied: { clamp: ['chat_template_kwargs'] } },
  },
  {
    name: "arrays replace: the caller's array beats a default array (no concatenation)",
    body: chat({ stop: ['c'], stop_token_ids: [3] }),
    profile: { defaults: { stop: ['a', 'b'], stop_token_ids: [1, 2] } },
    expect: { body: chat({ stop: ['c'], stop_token_ids: [3] }), applied: { defaults: [] } },
  },
  {
    name: "arrays replace: a clamp array replaces the caller's array",
    body: chat({ stop: ['a', 'b'] }),
    profile: { clamp: { stop: ['END'] } },
    expect: { body: chat({ stop: ['END'] }), applied: { clamp: ['stop'] } },
  },
  {
    name: "scalars replace: a clamp object replaces the caller's scalar",
    body: chat({ response_format: 'text' }),
    profile: { clamp: { response_format: { type: 'json_object' } } },
    expect: { body: chat({ response_format: { type: 'json_object' } }), applied: { clamp: ['response_format'] } },
  },
  {
    name: "a caller's JSON null counts as not set: the default applies",
    body: chat({ temperature: null, repetition_penalty: null }),
    profile: { defaults: { temperature: 0.2, repetition_penalty: 1.05 } },
    expect: { body: chat({ temperature: 0.2, repetition_penalty: 1.05 }), applied: { defaults: ['temperature', 'repetition_penalty'] } },
  },
  {
    name: "a caller's null inside an object counts as not set: the default's nested value applies",
    body: chat({ chat_template_kwargs: { opts: null, other: 1 } }),
    profile: { defaults: { chat_template_kwargs: { opts: 'x' } } },
    expect: { body: chat({ chat_template_kwargs: { opts: 'x', other: 1 } }) },
  },
  {
    name: "a caller's null in a field the profile touches is not sent",
    body: chat({ max_tokens: null, max_completion_tokens: 100 }),
    profile: { defaults: { max_tokens: 50 } },
    expect: { body: chat({ max_completion_tokens: 100 }), applied: { defaults: [] } },
  },
  {
    name: 'a null in clamp removes the field',
    body: chat({ temperature: 0.7 }),
    profile: { defaults: { temperature: 0.2 }, clamp: { temperature: null } },
    expect: { body: chat(), applied: { defaults: [], clamp: ['temperature'] } },
  },
  {
    name: 'a null in clamp removes a provider-native field',
    body: chat({ repetition_penalty: 1.1 }),
    profile: { clamp: { repetition_penalty: null } },
    expect: { body: chat(), applied: { clamp: ['repetition_penalty'] } },
  },
  {
    name: 'a null inside a clamp object removes that nested field',
    body: chat({ chat_template_kwargs: { foo: 1, bar: 2 } }),
    profile: { clamp: { chat_template_kwargs: { foo: null } } },
    expect: { body: chat({ chat_template_kwargs: { bar: 2 } }), applied: { clamp: ['chat_template_kwargs'] } },
  },
  {
    name: "a null in clamp removes max_tokens whichever field of the slot the caller used (openai.chat's max_completion_tokens)",
    body: chat({ max_completion_tokens: 10 }),
    profile: { clamp: { max_tokens: null } },
    expect: { body: chat(), applied: { clamp: ['max_tokens'] } },
  },
  {
    name: "the caller's keys that are in no profile pass through untouched, unknown fields and nulls included",
    body: chat({
      user: 'u1',
      stream: true,
      logprobs: true,
      x_vendor: { deep: [1, { a: null }] },
      seed: null,
      tools: [{ type: 'function' }],
    }),
    profile: { defaults: { temperature: 0.3 } },
    expect: {
      body: chat({
        user: 'u1',
        stream: true,
        logprobs: true,
        x_vendor: { deep: [1, { a: null }] },
        seed: null,
        tools: [{ type: 'function' }],
        temperature: 0.3,
      }),
    },
  },
  {
    name: 'any other profile key is provider-native and is written verbatim',
    body: chat(),
    profile: { defaults: { repetition_penalty: 1.05, min_p: 0.05, guided_json: { type: 'object' } } },
    expect: {
      body: chat({ repetition_penalty: 1.05, min_p: 0.05, guided_json: { type: 'object' } }),
      applied: { defaults: ['repetition_penalty', 'min_p', 'guided_json'] },
    },
  },
]);

table('Profiles: limits bound the numeric fields the merged request carries', 'openai.chat', [
  {
    name: 'a value above the maximum is clamped to the maximum, not rejected',
    body: chat({ max_tokens: 50000 }),
    profile: { limits: { max_tokens: { max: 32768 } } },
    expect: { body: chat({ max_tokens: 32768 }), applied: { limits: ['max_tokens'] } },
  },
  {
    name: 'a value below the minimum is clamped to the minimum',
    body: chat({ temperature: 0.05 }),
    profile: { limits: { temperature: { min: 0.1, max: 1.2 } } },
    expect: { body: chat({ temperature: 0.1 }), applied: { limits: ['temperature'] } },
  },
  {
    name: 'a value in range is left alone and not reported',
    body: chat({ temperature: 0.7 }),
    profile: { limits: { temperature: { min: 0, max: 1.2 } } },
    expect: { body: chat({ temperature: 0.7 }), applied: { limits: [] } },
  },
  {
    name: 'an absent field is not added',
    body: chat(),
    profile: { limits: { temperature: { min: 0.5 }, max_tokens: { min: 10 } } },
    expect: { body: chat(), applied: { limits: [] } },
  },
  {
    name: 'limits bound a default too (they apply to the merged request)',
    body: chat(),
    profile: { defaults: { max_tokens: 100000 }, limits: { max_tokens: { max: 32768 } } },
    expect: { body: chat({ max_tokens: 32768 }), applied: { defaults: ['max_tokens'], limits: ['max_tokens'] } },
  },
  {
    name: 'limits bound a clamp too (they come last)',
    body: chat(),
    profile: { clamp: { temperature: 2 }, limits: { temperature: { max: 1.2 } } },
    expect: { body: chat({ temperature: 1.2 }), applied: { clamp: ['temperature'], limits: ['temperature'] } },
  },
  {
    name: "a limit on max_tokens bounds the caller's max_completion_tokens",
    body: chat({ max_completion_tokens: 99999 }),
    profile: { limits: { max_tokens: { max: 32768 } } },
    expect: { body: chat({ max_completion_tokens: 32768 }), applied: { limits: ['max_tokens'] } },
  },
  {
    name: 'a limit on a whole-number field bounds it to a whole number',
    body: chat({ max_tokens: 500, top_k: 1 }),
    profile: { limits: { max_tokens: { max: 100.5 }, top_k: { min: 2.5 } } },
    expect: { body: chat({ max_tokens: 100, top_k: 3 }), applied: { limits: ['max_tokens', 'top_k'] } },
  },
  {
    name: 'a non-numeric value is not bounded',
    body: chat({ temperature: 'hot' }),
    profile: { limits: { temperature: { max: 1 } } },
    expect: { body: chat({ temperature: 'hot' }), applied: { limits: [] } },
  },
]);

table('Profiles: one vocabulary, mapped per protocol — openai.chat', 'openai.chat', [
  {
    name: 'a default max_tokens is written as max_tokens',
    body: chat(),
    profile: { defaults: { max_tokens: 1000 } },
    expect: { body: chat({ max_tokens: 1000 }), applied: { defaults: ['max_tokens'] } },
  },
  {
    name: "a caller's max_completion_tokens occupies the same slot and beats a default max_tokens (no max_tokens is added)",
    body: chat({ max_completion_tokens: 200 }),
    profile: { defaults: { max_tokens: 1000 } },
    expect: { body: chat({ max_completion_tokens: 200 }), applied: { defaults: [] } },
  },
  {
    name: "a clamp on max_tokens applies to the caller's max_completion_tokens",
    body: chat({ max_completion_tokens: 200 }),
    profile: { clamp: { max_tokens: 100 } },
    expect: { body: chat({ max_completion_tokens: 100 }), applied: { clamp: ['max_tokens'] } },
  },
  {
    name: 'with thinking target reasoning_effort (OpenAI proper) a default max_tokens is written as max_completion_tokens',
    body: chat(),
    profile: { defaults: { max_tokens: 1000 } },
    target: { thinking: 'reasoning_effort' },
    expect: { body: chat({ max_completion_tokens: 1000 }), applied: { defaults: ['max_tokens'] } },
  },
  {
    name: "with thinking target reasoning_effort the caller's max_tokens still beats a default",
    body: chat({ max_tokens: 10 }),
    profile: { defaults: { max_tokens: 1000 } },
    target: { thinking: 'reasoning_effort' },
    expect: { body: chat({ max_tokens: 10 }) },
  },
  {
    name: 'the other vocabulary keys keep their names',
    body: chat(),
    profile: { defaults: { temperature: 0.1, top_p: 0.9, top_k: 20, stop: 'X', seed: 7, presence_penalty: 0.5, frequency_penalty: 0.25 } },
    expect: { body: chat({ temperature: 0.1, top_p: 0.9, top_k: 20, stop: 'X', seed: 7, presence_penalty: 0.5, frequency_penalty: 0.25 }) },
  },
  {
    name: 'applied lists fields in the profile vocabulary, not the protocol field written',
    body: chat(),
    profile: { defaults: { max_tokens: 1000 }, clamp: { max_tokens: 500 } },
    target: { thinking: 'reasoning_effort' },
    expect: { body: chat({ max_completion_tokens: 500 }), applied: { defaults: ['max_tokens'], clamp: ['max_tokens'] } },
  },
]);

table('Profiles: one vocabulary, mapped per protocol — openai.completions', 'openai.completions', [
  {
    name: 'openai.completions uses the same names',
    body: { model: 'coder', prompt: 'def f(', suffix: ')' },
    profile: { defaults: { max_tokens: 64, stop: ['\n'], seed: 1, top_k: 5, presence_penalty: 0.1, frequency_penalty: 0.2 } },
    expect: {
      body: {
        model: 'coder',
        prompt: 'def f(',
        suffix: ')',
        max_tokens: 64,
        stop: ['\n'],
        seed: 1,
        top_k: 5,
        presence_penalty: 0.1,
        frequency_penalty: 0.2,
      },
    },
  },
  {
    name: 'openai.completions has no system prompt: not applied, reported dropped',
    body: { model: 'coder', prompt: 'x' },
    profile: { system_prompt: { mode: 'prepend', text: 'S' } },
    expect: { body: { model: 'coder', prompt: 'x' }, applied: { system_prompt: undefined }, dropped: ['system_prompt'] },
  },
]);

table('Profiles: one vocabulary, mapped per protocol — anthropic.messages', 'anthropic.messages', [
  {
    name: 'max_tokens → max_tokens, top_k → top_k, stop → stop_sequences (a string becomes a list)',
    body: { model: 'coder', messages: [user] },
    profile: { defaults: { max_tokens: 1000, top_k: 40, stop: 'END', temperature: 0.5, top_p: 0.9 } },
    expect: {
      body: { model: 'coder', messages: [user], max_tokens: 1000, top_k: 40, stop_sequences: ['END'], temperature: 0.5, top_p: 0.9 },
    },
  },
  {
    name: 'a list stop is written as stop_sequences as it is',
    body: claude(),
    profile: { defaults: { stop: ['A', 'B'] } },
    expect: { body: claude({ stop_sequences: ['A', 'B'] }), applied: { defaults: ['stop'] } },
  },
  {
    name: "the caller's stop_sequences beats a default stop",
    body: claude({ stop_sequences: ['mine'] }),
    profile: { defaults: { stop: 'END' } },
    expect: { body: claude({ stop_sequences: ['mine'] }), applied: { defaults: [] } },
  },
  {
    name: "a clamp stop replaces the caller's stop_sequences",
    body: claude({ stop_sequences: ['mine'] }),
    profile: { clamp: { stop: 'END' } },
    expect: { body: claude({ stop_sequences: ['END'] }), applied: { clamp: ['stop'] } },
  },
  {
    name: 'seed, presence_penalty and frequency_penalty have no equivalent: not written, reported in dropped',
    body: claude(),
    profile: { defaults: { seed: 1, presence_penalty: 0.1 }, clamp: { frequency_penalty: 0.2 } },
    expect: { body: claude(), applied: { defaults: [], clamp: [] }, dropped: ['seed', 'presence_penalty', 'frequency_penalty'] },
  },
  {
    name: 'a limit on max_tokens bounds max_tokens',
    body: claude({ max_tokens: 64000 }),
    profile: { limits: { max_tokens: { max: 8192 } } },
    expect: { body: claude({ max_tokens: 8192 }), applied: { limits: ['max_tokens'] } },
  },
]);

table('Profiles: one vocabulary, mapped per protocol — openai.responses', 'openai.responses', [
  {
    name: 'max_tokens → max_output_tokens; temperature and top_p keep their names',
    body: { model: 'coder', input: 'hi' },
    profile: { defaults: { max_tokens: 1000, temperature: 0.2, top_p: 0.8 } },
    expect: {
      body: { model: 'coder', input: 'hi', max_output_tokens: 1000, temperature: 0.2, top_p: 0.8 },
      applied: { defaults: ['max_tokens', 'temperature', 'top_p'] },
    },
  },
  {
    name: "a caller's max_output_tokens beats a default max_tokens; a limit on max_tokens bounds it",
    body: { model: 'coder', input: 'hi', max_output_tokens: 90000 },
    profile: { defaults: { max_tokens: 1000 }, limits: { max_tokens: { max: 32768 } } },
    expect: { body: { model: 'coder', input: 'hi', max_output_tokens: 32768 }, applied: { defaults: [], limits: ['max_tokens'] } },
  },
  {
    name: 'stop, top_k, seed and the penalties have no equivalent: dropped and reported',
    body: { model: 'coder', input: 'hi' },
    profile: { defaults: { stop: 'x', top_k: 1, seed: 2, presence_penalty: 0.1, frequency_penalty: 0.1 } },
    expect: { body: { model: 'coder', input: 'hi' }, dropped: ['stop', 'top_k', 'seed', 'presence_penalty', 'frequency_penalty'] },
  },
]);

table('Profiles: one vocabulary, mapped per protocol — openai.embeddings', 'openai.embeddings', [
  {
    name: 'vocabulary keys do not apply (dropped, reported); provider-native keys are still written',
    body: { model: 'embedder', input: ['a'] },
    profile: {
      defaults: { temperature: 0.2, max_tokens: 10, enable_thinking: true, dimensions: 256 },
      clamp: { encoding_format: 'float' },
    },
    expect: {
      body: { model: 'embedder', input: ['a'], dimensions: 256, encoding_format: 'float' },
      applied: { defaults: ['dimensions'], clamp: ['encoding_format'] },
      dropped: ['temperature', 'max_tokens', 'enable_thinking'],
    },
  },
]);

table('Profiles: enable_thinking is never sent as-is — openai.chat', 'openai.chat', [
  {
    name: 'target chat_template_kwargs (the default): enable_thinking → chat_template_kwargs.enable_thinking',
    body: chat(),
    profile: { defaults: { enable_thinking: true } },
    expect: { body: chat({ chat_template_kwargs: { enable_thinking: true } }), applied: { defaults: ['enable_thinking'] } },
  },
  {
    name: "target chat_template_kwargs: deep-merged with the caller's chat_template_kwargs",
    body: chat({ chat_template_kwargs: { custom: 'x' } }),
    profile: { defaults: { enable_thinking: false } },
    target: { thinking: 'chat_template_kwargs' },
    expect: { body: chat({ chat_template_kwargs: { custom: 'x', enable_thinking: false } }) },
  },
  {
    name: "target chat_template_kwargs: deep-merged with the profile's own chat_template_kwargs",
    body: chat(),
    profile: { defaults: { enable_thinking: true, chat_template_kwargs: { mode: 'code' } } },
    expect: {
      body: chat({ chat_template_kwargs: { mode: 'code', enable_thinking: true } }),
      applied: { defaults: ['chat_template_kwargs', 'enable_thinking'] },
    },
  },
  {
    name: 'target chat_template_kwargs: thinking_budget is not written (no standard key), reported dropped',
    body: chat(),
    profile: { defaults: { enable_thinking: true, thinking_budget: 2048 } },
    expect: {
      body: chat({ chat_template_kwargs: { enable_thinking: true } }),
      applied: { defaults: ['enable_thinking'] },
      dropped: ['thinking_budget'],
    },
  },
  {
    name: 'target reasoning_effort: enable_thinking true → reasoning_effort medium',
    body: chat(),
    profile: { defaults: { enable_thinking: true } },
    target: { thinking: 'reasoning_effort' },
    expect: { body: chat({ reasoning_effort: 'medium' }), applied: { defaults: ['enable_thinking'] } },
  },
  {
    name: 'target reasoning_effort: enable_thinking false → reasoning_effort minimal',
    body: chat(),
    profile: { defaults: { enable_thinking: false } },
    target: { thinking: 'reasoning_effort' },
    expect: { body: chat({ reasoning_effort: 'minimal' }) },
  },
  {
    name: 'target reasoning_effort: thinking_budget 1024 → low',
    body: chat(),
    profile: { defaults: { enable_thinking: true, thinking_budget: 1024 } },
    target: { thinking: 'reasoning_effort' },
    expect: { body: chat({ reasoning_effort: 'low' }), applied: { defaults: ['enable_thinking', 'thinking_budget'] } },
  },
  {
    name: 'target reasoning_effort: thinking_budget 8192 → medium',
    body: chat(),
    profile: { defaults: { enable_thinking: true, thinking_budget: 8192 } },
    target: { thinking: 'reasoning_effort' },
    expect: { body: chat({ reasoning_effort: 'medium' }) },
  },
  {
    name: 'target reasoning_effort: thinking_budget above 8192 → high',
    body: chat(),
    profile: { defaults: { enable_thinking: true, thinking_budget: 8193 } },
    target: { thinking: 'reasoning_effort' },
    expect: { body: chat({ reasoning_effort: 'high' }) },
  },
  {
    name: 'target reasoning_effort: a limit on thinking_budget bounds the budget before it picks the effort',
    body: chat(),
    profile: { defaults: { enable_thinking: true, thinking_budget: 20000 }, limits: { thinking_budget: { max: 4000 } } },
    target: { thinking: 'reasoning_effort' },
    expect: { body: chat({ reasoning_effort: 'medium' }), applied: { limits: ['thinking_budget'] } },
  },
  {
    name: 'target none: nothing is written; enable_thinking and thinking_budget are reported dropped',
    body: chat(),
    profile: { defaults: { enable_thinking: true, thinking_budget: 2048 } },
    target: { thinking: 'none' },
    expect: { body: chat(), applied: { defaults: [] }, dropped: ['enable_thinking', 'thinking_budget'] },
  },
  {
    name: "a caller's reasoning_effort beats a default enable_thinking",
    body: chat({ reasoning_effort: 'low' }),
    profile: { defaults: { enable_thinking: false } },
    expect: { body: chat({ reasoning_effort: 'low' }), applied: { defaults: [] } },
  },
  {
    name: "a caller's chat_template_kwargs.enable_thinking beats a default enable_thinking",
    body: chat({ chat_template_kwargs: { enable_thinking: false } }),
    profile: { defaults: { enable_thinking: true } },
    target: { thinking: 'reasoning_effort' },
    expect: { body: chat({ chat_template_kwargs: { enable_thinking: false } }), applied: { defaults: [] } },
  },
  {
    name: "a caller's reasoning_effort beats a default thinking_budget",
    body: chat({ reasoning_effort: 'low' }),
    profile: { defaults: { enable_thinking: true, thinking_budget: 20000 } },
    target: { thinking: 'reasoning_effort' },
    expect: { body: chat({ reasoning_effort: 'low' }), applied: { defaults: [] } },
  },
  {
    name: "a clamp of enable_thinking overrides the caller's chat_template_kwargs.enable_thinking",
    body: chat({ chat_template_kwargs: { enable_thinking: false, x: 1 } }),
    profile: { clamp: { enable_thinking: true } },
    expect: { body: chat({ chat_template_kwargs: { enable_thinking: true, x: 1 } }), applied: { clamp: ['enable_thinking'] } },
  },
  {
    name: "a clamp of enable_thinking overrides the caller's reasoning_effort (target reasoning_effort)",
    body: chat({ reasoning_effort: 'high' }),
    profile: { clamp: { enable_thinking: false } },
    target: { thinking: 'reasoning_effort' },
    expect: { body: chat({ reasoning_effort: 'minimal' }), applied: { clamp: ['enable_thinking'] } },
  },
  {
    name: "a clamp of enable_thinking removes the caller's native field in the other form when it disagrees",
    body: chat({ reasoning_effort: 'high' }),
    profile: { clamp: { enable_thinking: false } },
    expect: {
      body: chat({ chat_template_kwargs: { enable_thinking: false } }),
      applied: { clamp: ['enable_thinking'] },
      dropped: ['reasoning_effort'],
    },
  },
  {
    name: 'a clamp of enable_thinking beats a default and the caller (clamp always wins)',
    body: chat({ chat_template_kwargs: { enable_thinking: true } }),
    profile: { defaults: { enable_thinking: true }, clamp: { enable_thinking: false } },
    expect: { body: chat({ chat_template_kwargs: { enable_thinking: false } }), applied: { defaults: [], clamp: ['enable_thinking'] } },
  },
  {
    name: "a clamp of enable_thinking that agrees with the caller keeps the caller's effort",
    body: chat({ reasoning_effort: 'high' }),
    profile: { clamp: { enable_thinking: true } },
    target: { thinking: 'reasoning_effort' },
    expect: { body: chat({ reasoning_effort: 'high' }), applied: { clamp: [] } },
  },
  {
    name: 'a clamp of thinking_budget sets the effort of thinking the caller turned on',
    body: chat({ reasoning_effort: 'low' }),
    profile: { clamp: { thinking_budget: 20000 } },
    target: { thinking: 'reasoning_effort' },
    expect: { body: chat({ reasoning_effort: 'high' }), applied: { clamp: ['thinking_budget'] } },
  },
  {
    name: "a clamp enable_thinking: null removes the caller's native thinking fields",
    body: chat({ reasoning_effort: 'high', chat_template_kwargs: { enable_thinking: true, x: 1 } }),
    profile: { clamp: { enable_thinking: null } },
    expect: {
      body: chat({ chat_template_kwargs: { x: 1 } }),
      applied: { clamp: ['enable_thinking'] },
      dropped: ['reasoning_effort', 'chat_template_kwargs.enable_thinking'],
    },
  },
  {
    name: "target none: a clamp still removes the caller's native thinking fields that disagree with it",
    body: chat({ reasoning_effort: 'high' }),
    profile: { clamp: { enable_thinking: false } },
    target: { thinking: 'none' },
    expect: { body: chat(), applied: { clamp: ['enable_thinking'] }, dropped: ['enable_thinking', 'reasoning_effort'] },
  },
  {
    name: "a caller's own top-level enable_thinking is a caller field: it beats defaults {enable_thinking: false}",
    body: chat({ enable_thinking: true }),
    profile: { defaults: { enable_thinking: false } },
    expect: { body: chat({ chat_template_kwargs: { enable_thinking: true } }) },
  },
  {
    name: "a caller's own top-level enable_thinking: the clamp still beats it",
    body: chat({ enable_thinking: true }),
    profile: { defaults: { enable_thinking: true }, clamp: { enable_thinking: false } },
    expect: { body: chat({ chat_template_kwargs: { enable_thinking: false } }), applied: { clamp: ['enable_thinking'] } },
  },
]);

table('Profiles: enable_thinking is never sent as-is — openai.completions', 'openai.completions', [
  {
    name: 'openai.completions expresses enable_thinking like openai.chat (chat_template_kwargs)',
    body: { model: 'coder', prompt: 'x' },
    profile: { defaults: { enable_thinking: false } },
    expect: { body: { model: 'coder', prompt: 'x', chat_template_kwargs: { enable_thinking: false } } },
  },
  {
    name: 'openai.completions expresses enable_thinking like openai.chat (reasoning_effort)',
    body: { model: 'coder', prompt: 'x' },
    profile: { defaults: { enable_thinking: true } },
    target: { thinking: 'reasoning_effort' },
    expect: { body: { model: 'coder', prompt: 'x', reasoning_effort: 'medium' } },
  },
]);

table('Profiles: enable_thinking is never sent as-is — anthropic.messages', 'anthropic.messages', [
  {
    name: 'enable_thinking → thinking {type: enabled, budget_tokens: thinking_budget}',
    body: claude(),
    profile: { defaults: { enable_thinking: true, thinking_budget: 8000 } },
    expect: {
      body: claude({ thinking: { type: 'enabled', budget_tokens: 8000 } }),
      applied: { defaults: ['enable_thinking', 'thinking_budget'] },
    },
  },
  {
    name: 'without a thinking_budget the budget is 4096',
    body: claude(),
    profile: { defaults: { enable_thinking: true } },
    expect: { body: claude({ thinking: { type: 'enabled', budget_tokens: 4096 } }), applied: { defaults: ['enable_thinking'] } },
  },
  {
    name: 'a budget below 1024 is raised to 1024',
    body: claude(),
    profile: { defaults: { enable_thinking: true, thinking_budget: 500 } },
    expect: { body: claude({ thinking: { type: 'enabled', budget_tokens: 1024 } }), adjusted: ['thinking_budget'] },
  },
  {
    name: 'a budget not below max_tokens is lowered to max_tokens - 1',
    body: claude({ max_tokens: 3000 }),
    profile: { defaults: { enable_thinking: true, thinking_budget: 8000 } },
    expect: { body: claude({ max_tokens: 3000, thinking: { type: 'enabled', budget_tokens: 2999 } }), adjusted: ['thinking_budget'] },
  },
  {
    name: 'the budget fits under max_tokens after limits bound max_tokens',
    body: claude({ max_tokens: 64000 }),
    profile: { defaults: { enable_thinking: true, thinking_budget: 10000 }, limits: { max_tokens: { max: 8192 } } },
    expect: {
      body: claude({ max_tokens: 8192, thinking: { type: 'enabled', budget_tokens: 8191 } }),
      applied: { limits: ['max_tokens'] },
      adjusted: ['thinking_budget'],
    },
  },
  {
    name: 'max_tokens too small to fit a 1024 budget: thinking is not enabled and why is reported in dropped',
    body: claude({ max_tokens: 1024, temperature: 0.3 }),
    profile: { defaults: { enable_thinking: true } },
    expect: { body: claude({ max_tokens: 1024, temperature: 0.3 }), applied: { defaults: [] }, dropped: ['enable_thinking'] },
  },
  {
    name: 'enable_thinking false → thinking {type: disabled}',
    body: claude(),
    profile: { defaults: { enable_thinking: false } },
    expect: { body: claude({ thinking: { type: 'disabled' } }) },
  },
  {
    name: 'with thinking on, temperature and top_k are not sent (reported dropped)',
    body: claude({ temperature: 0.7 }),
    profile: { defaults: { enable_thinking: true, top_k: 40 } },
    expect: {
      body: claude({ thinking: { type: 'enabled', budget_tokens: 4096 } }),
      applied: { defaults: ['enable_thinking'] },
      dropped: ['temperature', 'top_k'],
    },
  },
  {
    name: 'with thinking on, top_p below 0.95 is not sent; from 0.95 to 1 it is (Anthropic accepts that range)',
    body: claude({ top_p: 0.5 }),
    profile: { clamp: { enable_thinking: true } },
    expect: { body: claude({ thinking: { type: 'enabled', budget_tokens: 4096 } }), dropped: ['top_p'] },
  },
  {
    name: 'with thinking on, a top_p of 0.95 is kept',
    body: claude({ top_p: 0.95 }),
    profile: { clamp: { enable_thinking: true } },
    expect: { body: claude({ top_p: 0.95, thinking: { type: 'enabled', budget_tokens: 4096 } }) },
  },
  {
    name: 'with thinking on, a forced tool_choice {type: any} becomes {type: auto}',
    body: claude({ tools: [{ name: 't' }], tool_choice: { type: 'any' } }),
    profile: { defaults: { enable_thinking: true } },
    expect: {
      body: claude({ tools: [{ name: 't' }], tool_choice: { type: 'auto' }, thinking: { type: 'enabled', budget_tokens: 4096 } }),
      dropped: ['tool_choice'],
    },
  },
  {
    name: 'with thinking on, a forced tool_choice {type: tool} becomes {type: auto}, other options kept',
    body: claude({ tools: [{ name: 't' }], tool_choice: { type: 'tool', name: 't', disable_parallel_tool_use: true } }),
    profile: { defaults: { enable_thinking: true } },
    expect: {
      body: claude({
        tools: [{ name: 't' }],
        tool_choice: { type: 'auto', disable_parallel_tool_use: true },
        thinking: { type: 'enabled', budget_tokens: 4096 },
      }),
      dropped: ['tool_choice'],
    },
  },
  {
    name: "a caller's native thinking beats a default enable_thinking (and the caller's temperature stays)",
    body: claude({ thinking: { type: 'disabled' }, temperature: 0.7 }),
    profile: { defaults: { enable_thinking: true } },
    expect: { body: claude({ thinking: { type: 'disabled' }, temperature: 0.7 }), applied: { defaults: [] } },
  },
  {
    name: 'when the caller turned thinking on, the profile does not add temperature; fields only the caller set are theirs',
    body: claude({ thinking: { type: 'enabled', budget_tokens: 2000 }, top_k: 5 }),
    profile: { defaults: { temperature: 0.3 } },
    expect: {
      body: claude({ thinking: { type: 'enabled', budget_tokens: 2000 }, top_k: 5 }),
      applied: { defaults: [] },
      dropped: ['temperature'],
    },
  },
  {
    name: "a default thinking_budget fills the caller's enabled thinking that has no budget_tokens",
    body: claude({ thinking: { type: 'enabled' } }),
    profile: { defaults: { thinking_budget: 2048 } },
    expect: { body: claude({ thinking: { type: 'enabled', budget_tokens: 2048 } }), applied: { defaults: ['thinking_budget'] } },
  },
  {
    name: "a clamp of enable_thinking overrides the caller's {type: disabled}",
    body: claude({ thinking: { type: 'disabled' }, temperature: 1 }),
    profile: { clamp: { enable_thinking: true, thinking_budget: 2048 } },
    expect: {
      body: claude({ thinking: { type: 'enabled', budget_tokens: 2048 } }),
      applied: { clamp: ['enable_thinking', 'thinking_budget'] },
      dropped: ['temperature'],
    },
  },
  {
    name: "a clamp of enable_thinking: false overrides the caller's enabled thinking",
    body: claude({ thinking: { type: 'enabled', budget_tokens: 2000 } }),
    profile: { clamp: { enable_thinking: false } },
    expect: { body: claude({ thinking: { type: 'disabled' } }), applied: { clamp: ['enable_thinking'] } },
  },
  {
    name: "a clamp of thinking_budget replaces the budget of the caller's thinking",
    body: claude({ thinking: { type: 'enabled', budget_tokens: 12000 } }),
    profile: { clamp: { thinking_budget: 2000 } },
    expect: { body: claude({ thinking: { type: 'enabled', budget_tokens: 2000 } }), applied: { clamp: ['thinking_budget'] } },
  },
  {
    name: "a clamp of enable_thinking with a thinking_budget sets the budget of the caller's thinking that is already on",
    body: claude({ thinking: { type: 'enabled', budget_tokens: 12000 } }),
    profile: { clamp: { enable_thinking: true, thinking_budget: 3000 } },
    expect: { body: claude({ thinking: { type: 'enabled', budget_tokens: 3000 } }), applied: { clamp: ['thinking_budget'] } },
  },
  {
    name: 'a default thinking_budget alone does not turn thinking on',
    body: claude(),
    profile: { defaults: { thinking_budget: 2048 } },
    expect: { body: claude(), applied: { defaults: [] } },
  },
  {
    name: "a limit on thinking_budget bounds the caller's thinking.budget_tokens",
    body: claude({ thinking: { type: 'enabled', budget_tokens: 12000 } }),
    profile: { limits: { thinking_budget: { max: 8000 } } },
    expect: { body: claude({ thinking: { type: 'enabled', budget_tokens: 8000 } }), applied: { limits: ['thinking_budget'] } },
  },
  {
    name: 'Claude 4.7 and later: adaptive thinking with an effort (output_config.effort)',
    body: claude({ temperature: 0.5 }),
    profile: { defaults: { enable_thinking: true, thinking_budget: 20000 } },
    target: { modelFamily: 'claude-opus-4-7' },
    expect: {
      body: claude({ thinking: { type: 'adaptive' }, output_config: { effort: 'high' } }),
      applied: { defaults: ['enable_thinking', 'thinking_budget'] },
      dropped: ['temperature'],
    },
  },
  {
    name: "adaptive thinking keeps the caller's output_config.effort",
    body: claude({ output_config: { effort: 'low', format: { type: 'json_schema' } } }),
    profile: { clamp: { enable_thinking: true } },
    target: { modelFamily: 'claude-sonnet-5' },
    expect: {
      body: claude({ thinking: { type: 'adaptive' }, output_config: { effort: 'low', format: { type: 'json_schema' } } }),
      applied: { clamp: ['enable_thinking'] },
    },
  },
  {
    name: 'adaptive-only models: enable_thinking false is expressed by leaving thinking out (reported)',
    body: claude({ thinking: { type: 'adaptive' } }),
    profile: { clamp: { enable_thinking: false } },
    target: { modelFamily: 'claude-opus-4-8@20260101' },
    expect: { body: claude(), applied: { clamp: ['enable_thinking'] }, dropped: ['enable_thinking'] },
  },
  {
    name: "a caller's own top-level enable_thinking / thinking_budget beat defaults {enable_thinking: false}; written as Anthropic's thinking",
    body: claude({ enable_thinking: true, thinking_budget: 2048 }),
    profile: { defaults: { enable_thinking: false } },
    expect: { body: claude({ thinking: { type: 'enabled', budget_tokens: 2048 } }) },
  },
]);

table('Profiles: enable_thinking is never sent as-is — openai.responses', 'openai.responses', [
  {
    name: "enable_thinking → reasoning.effort, deep-merged with the caller's reasoning object",
    body: { model: 'coder', input: 'hi', reasoning: { summary: 'auto' } },
    profile: { defaults: { enable_thinking: true } },
    expect: {
      body: { model: 'coder', input: 'hi', reasoning: { summary: 'auto', effort: 'medium' } },
      applied: { defaults: ['enable_thinking'] },
    },
  },
  {
    name: 'enable_thinking false → reasoning.effort minimal',
    body: { model: 'coder', input: 'hi' },
    profile: { defaults: { enable_thinking: false } },
    expect: { body: { model: 'coder', input: 'hi', reasoning: { effort: 'minimal' } } },
  },
  {
    name: 'the effort comes from thinking_budget like reasoning_effort',
    body: { model: 'coder', input: 'hi' },
    profile: { defaults: { enable_thinking: true, thinking_budget: 512 } },
    expect: { body: { model: 'coder', input: 'hi', reasoning: { effort: 'low' } } },
  },
  {
    name: "a caller's reasoning.effort beats a default enable_thinking",
    body: { model: 'coder', input: 'hi', reasoning: { effort: 'high' } },
    profile: { defaults: { enable_thinking: false } },
    expect: { body: { model: 'coder', input: 'hi', reasoning: { effort: 'high' } }, applied: { defaults: [] } },
  },
  {
    name: "a clamp of enable_thinking overrides the caller's reasoning.effort",
    body: { model: 'coder', input: 'hi', reasoning: { effort: 'high', summary: 'auto' } },
    profile: { clamp: { enable_thinking: false } },
    expect: {
      body: { model: 'coder', input: 'hi', reasoning: { effort: 'minimal', summary: 'auto' } },
      applied: { clamp: ['enable_thinking'] },
    },
  },
]);

const sys = (content: string) => ({ role: 'system', content });
const dev = (content: string) => ({ role: 'developer', content });
const said = (content: string) => ({ role: 'assistant', content });
const mine = { role: 'system', content: 'P' };

table('Profiles: system_prompt — openai.chat', 'openai.chat', [
  {
    name: 'prepend: a new system message comes first, before any existing system message',
    body: { messages: [sys('S'), user] },
    profile: { system_prompt: { mode: 'prepend', text: 'P' } },
    expect: { body: { messages: [mine, sys('S'), user] }, applied: { system_prompt: 'prepend' } },
  },
  {
    name: 'append: the new system message comes right after the leading system/developer messages, before the conversation',
    body: { messages: [sys('S'), dev('D'), user, said('a')] },
    profile: { system_prompt: { mode: 'append', text: 'P' } },
    expect: { body: { messages: [sys('S'), dev('D'), mine, user, said('a')] }, applied: { system_prompt: 'append' } },
  },
  {
    name: 'append: with no leading system or developer message it comes first',
    body: { messages: [user, sys('late')] },
    profile: { system_prompt: { mode: 'append', text: 'P' } },
    expect: { body: { messages: [mine, user, sys('late')] } },
  },
  {
    name: 'append: a system message later in the conversation does not move it',
    body: { messages: [sys('S'), user, sys('late'), said('a')] },
    profile: { system_prompt: { mode: 'append', text: 'P' } },
    expect: { body: { messages: [sys('S'), mine, user, sys('late'), said('a')] } },
  },
  {
    name: 'replace: all system AND developer messages are removed and one system message comes first',
    body: { messages: [sys('S'), dev('D'), user, sys('late'), dev('late'), said('a')] },
    profile: { system_prompt: { mode: 'replace', text: 'P' } },
    expect: { body: { messages: [mine, user, said('a')] }, applied: { system_prompt: 'replace' } },
  },
  {
    name: 'a body without a messages list gets no system prompt (reported)',
    body: { model: 'x' },
    profile: { system_prompt: { mode: 'prepend', text: 'P' } },
    expect: { body: { model: 'x' }, applied: { system_prompt: undefined }, dropped: ['system_prompt'] },
  },
]);

const block = (text: string) => ({ type: 'text', text });
table('Profiles: system_prompt — anthropic.messages', 'anthropic.messages', [
  {
    name: 'prepend to a string system joins with a blank line',
    body: { system: 'S', messages: [user] },
    profile: { system_prompt: { mode: 'prepend', text: 'P' } },
    expect: { body: { system: 'P\n\nS', messages: [user] }, applied: { system_prompt: 'prepend' } },
  },
  {
    name: 'append to a string system joins with a blank line',
    body: { system: 'S', messages: [user] },
    profile: { system_prompt: { mode: 'append', text: 'P' } },
    expect: { body: { system: 'S\n\nP', messages: [user] } },
  },
  {
    name: 'prepend to a list of blocks adds a text block first',
    body: { system: [block('S')], messages: [user] },
    profile: { system_prompt: { mode: 'prepend', text: 'P' } },
    expect: { body: { system: [block('P'), block('S')], messages: [user] } },
  },
  {
    name: 'append to a list of blocks adds a text block last',
    body: { system: [{ ...block('S'), cache_control: { type: 'ephemeral' } }], messages: [user] },
    profile: { system_prompt: { mode: 'append', text: 'P' } },
    expect: { body: { system: [{ ...block('S'), cache_control: { type: 'ephemeral' } }, block('P')], messages: [user] } },
  },
  {
    name: 'with no system the text becomes the system',
    body: { messages: [user] },
    profile: { system_prompt: { mode: 'append', text: 'P' } },
    expect: { body: { messages: [user], system: 'P' } },
  },
  {
    name: 'replace sets the system',
    body: { system: [block('S')], messages: [user] },
    profile: { system_prompt: { mode: 'replace', text: 'P' } },
    expect: { body: { system: 'P', messages: [user] }, applied: { system_prompt: 'replace' } },
  },
]);

table('Profiles: system_prompt — openai.responses', 'openai.responses', [
  {
    name: 'prepend joins with the instructions string',
    body: { instructions: 'S', input: 'hi' },
    profile: { system_prompt: { mode: 'prepend', text: 'P' } },
    expect: { body: { instructions: 'P\n\nS', input: 'hi' } },
  },
  {
    name: 'append joins after the instructions string',
    body: { instructions: 'S', input: 'hi' },
    profile: { system_prompt: { mode: 'append', text: 'P' } },
    expect: { body: { instructions: 'S\n\nP', input: 'hi' } },
  },
  {
    name: 'with no instructions the text becomes the instructions',
    body: { input: 'hi' },
    profile: { system_prompt: { mode: 'prepend', text: 'P' } },
    expect: { body: { input: 'hi', instructions: 'P' } },
  },
  {
    name: 'replace sets the instructions and removes system and developer items from the input list',
    body: { instructions: 'S', input: [dev('D'), user, sys('S2')] },
    profile: { system_prompt: { mode: 'replace', text: 'P' } },
    expect: { body: { instructions: 'P', input: [user] }, applied: { system_prompt: 'replace' } },
  },
]);

table('Profiles: system_prompt — openai.embeddings', 'openai.embeddings', [
  {
    name: 'openai.embeddings has no system prompt: not applied, reported dropped',
    body: { input: 'x' },
    profile: { system_prompt: { mode: 'replace', text: 'P' } },
    expect: { body: { input: 'x' }, dropped: ['system_prompt'] },
  },
]);

describe('Profiles: purity and cost', () => {
  const everything: RouteProfile = {
    defaults: {
      temperature: 0.2,
      max_tokens: 16384,
      enable_thinking: true,
      thinking_budget: 2048,
      chat_template_kwargs: { a: { b: 1 } },
      stop: 'X',
    },
    clamp: { top_p: 0.5, repetition_penalty: null, chat_template_kwargs: { a: { c: null } } },
    limits: { max_tokens: { max: 8192 }, temperature: { min: 0, max: 1 } },
    system_prompt: { mode: 'replace', text: 'P' },
  };
  const bodies: Record<Protocol, Record<string, unknown>> = {
    'openai.chat': chat({
      temperature: null,
      max_completion_tokens: 99999,
      chat_template_kwargs: { a: { c: 2, d: 3 } },
      repetition_penalty: 1.2,
      messages: [sys('S'), user],
    }),
    'openai.completions': { model: 'm', prompt: 'p', max_tokens: 5 },
    'openai.embeddings': { model: 'm', input: 'x' },
    'openai.responses': { model: 'm', input: [dev('D'), user], reasoning: { summary: 'auto' }, instructions: 'I' },
    'anthropic.messages': claude({ thinking: { type: 'enabled' }, system: [block('S')], tool_choice: { type: 'any' }, temperature: 0.3 }),
  };

  for (const [protocol, body] of Object.entries(bodies) as [Protocol, Record<string, unknown>][]) {
    test(`the caller's body and the profile are not mutated (${protocol})`, () => {
      const bodyBefore = structuredClone(body);
      const profileBefore = structuredClone(everything);
      const result = applyProfile(body, everything, { protocol, thinking: 'reasoning_effort' });
      assert.notEqual(result.body, body);
      assert.deepEqual(body, bodyBefore);
      assert.deepEqual(everything, profileBefore);
    });
  }

  test('the body sent upstream shares no object with the profile (changing it later cannot change the configuration)', () => {
    const profile: RouteProfile = {
      defaults: { chat_template_kwargs: { a: { b: 1 } }, stop: ['x'] },
      clamp: { guided: { schema: { type: 'object' } } },
    };
    const before = structuredClone(profile);
    const { body } = applyProfile(chat(), profile, { protocol: 'openai.chat' });
    (body.chat_template_kwargs as { a: { b: number } }).a.b = 2;
    (body.stop as string[]).push('y');
    (body.guided as { schema: Record<string, unknown> }).schema.type = 'array';
    assert.deepEqual(profile, before);
  });

  test('messages are not copied without a system prompt; fields no profile touches keep their identity', () => {
    const body = chat({ tools: [{ type: 'function', function: { name: 'f' } }], metadata: { a: 1 } });
    const result = applyProfile(body, { defaults: { temperature: 0.1 }, limits: { max_tokens: { max: 1 } } }, { protocol: 'openai.chat' });
    assert.equal(result.body.messages, body.messages);
    assert.equal(result.body.tools, body.tools);
    assert.equal(result.body.metadata, body.metadata);
  });

  test('a system prompt copies only the messages array, never the messages in it', () => {
    const body = chat({ messages: [sys('S'), user, said('a')] });
    const result = applyProfile(body, { system_prompt: { mode: 'append', text: 'P' } }, { protocol: 'openai.chat' });
    const before = body.messages as unknown[];
    const after = result.body.messages as unknown[];
    assert.notEqual(after, before);
    assert.equal(after[0], before[0]);
    assert.equal(after[2], before[1]);
    assert.equal(after[3], before[2]);
  });

  test("the caller's key order is kept (a default filling a caller's null keeps its place); new fields come after", () => {
    const body = { model: 'm', temperature: null, messages: [user], zeta: 1, alpha: 2 };
    const result = applyProfile(body, { defaults: { temperature: 0.2, max_tokens: 10 }, clamp: { zeta: 5 } }, { protocol: 'openai.chat' });
    assert.deepEqual(Object.keys(result.body), ['model', 'temperature', 'messages', 'zeta', 'alpha', 'max_tokens']);
  });
});

describe('Profiles: profileOf', () => {
  test('a route without defaults, clamp, limits or system_prompt has no profile (callers skip the work)', () => {
    assert.equal(profileOf({}), null);
    assert.equal(profileOf({ defaults: {}, clamp: {}, limits: {} }), null);
  });

  test('a route with a profile returns just its parts', () => {
    const route = {
      virtual_model: 'coder',
      backend: 'local',
      defaults: { temperature: 0.2 },
      system_prompt: { mode: 'append' as const, text: 'P' },
    };
    assert.deepEqual(profileOf(route), { defaults: { temperature: 0.2 }, system_prompt: { mode: 'append', text: 'P' } });
    assert.deepEqual(profileOf({ clamp: { temperature: null } }), { clamp: { temperature: null } });
    assert.deepEqual(profileOf({ limits: { max_tokens: { max: 1 } } }), { limits: { max_tokens: { max: 1 } } });
  });
});

describe('Profiles: thinking helpers', () => {
  const cases: [number | undefined, string][] = [
    [undefined, 'medium'],
    [1, 'low'],
    [1024, 'low'],
    [1025, 'medium'],
    [8192, 'medium'],
    [8193, 'high'],
  ];
  for (const [budget, effort] of cases) {
    test(`a thinking_budget of ${budget} picks effort ${effort}`, () => assert.equal(effortForBudget(budget), effort));
  }
});
