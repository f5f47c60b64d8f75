/**
 * The anthropic.messages profile rules live in the anthropic plugin (issue #16 item 3): which models take only
 * adaptive thinking, and the dialect the anthropic.messages codec carries (also when Vertex registers it).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyProfile as applyKernelProfile, PluginRegistry } from '@switchyard/kernel';
import anthropic, {
  ANTHROPIC_DEFAULT_THINKING_BUDGET,
  anthropicMessagesCodec,
  anthropicMessagesProfile,
  requiresAdaptiveThinking,
} from '@switchyard/plugin-anthropic';
import vertex from '@switchyard/plugin-vertex';
import { applyProfile } from '../../../test/dist/helpers/apply-builtin-profile.js';

describe('Profiles: thinking helpers', () => {
  const models: [string | undefined, boolean][] = [
    ['claude-opus-4-7', true],
    ['claude-opus-4-8@20260101', true],
    ['claude-sonnet-5', true],
    ['anthropic.claude-opus-4-7-v1:0', true],
    ['claude-opus-4-6', false],
    ['claude-sonnet-4-5-20250929', false],
    ['claude-opus-4-20250514', false],
    ['claude-3-7-sonnet-20250219', false],
    ['Qwen/Qwen3-8B', false],
    [undefined, false],
    // One reading of model names for the encoder and the profile (claudeModelRules): the unversioned new families too.
    ['claude-mythos-preview', true],
  ];
  for (const [model, adaptive] of models) {
    test(`${model} ${adaptive ? 'requires' : 'does not require'} adaptive thinking`, () =>
      assert.equal(requiresAdaptiveThinking(model), adaptive));
  }
});

describe('the anthropic.messages ProfileDialect', () => {
  const body = { model: 'm', max_tokens: 8000, messages: [{ role: 'user', content: 'hi' }] };

  test('the codec carries it, and so does the registry when the Vertex plugin registers the codec for Claude on Vertex', () => {
    assert.equal(anthropicMessagesCodec.profile, anthropicMessagesProfile);
    assert.equal(new PluginRegistry().register(vertex).codec('anthropic.messages')?.profile, anthropicMessagesProfile);
    assert.equal(new PluginRegistry().register(anthropic).register(vertex).codec('anthropic.messages')?.profile, anthropicMessagesProfile);
  });

  test('a model that takes only adaptive thinking (claude-mythos-preview) gets {type: adaptive} plus an effort from the profile', () => {
    const result = applyProfile(
      body,
      { defaults: { enable_thinking: true, thinking_budget: 2000 } },
      {
        protocol: 'anthropic.messages',
        modelFamily: 'claude-mythos-preview',
      },
    );
    assert.deepEqual(result.body.thinking, { type: 'adaptive' });
    assert.deepEqual(result.body.output_config, { effort: 'medium' });
  });

  test('without the dialect the kernel writes no Anthropic field: thinking and stop are reported as not sent', () => {
    const profile = { defaults: { enable_thinking: true, stop: 'x' } };
    const withDialect = applyKernelProfile(body, profile, { protocol: 'anthropic.messages', dialect: anthropicMessagesProfile });
    assert.deepEqual(withDialect.body.thinking, { type: 'enabled', budget_tokens: ANTHROPIC_DEFAULT_THINKING_BUDGET });
    assert.deepEqual(withDialect.body.stop_sequences, ['x']);
    const without = applyKernelProfile(body, profile, { protocol: 'anthropic.messages' });
    assert.deepEqual(without.body, body);
    assert.deepEqual(without.dropped, [
      { field: 'stop', reason: 'anthropic.messages has no equivalent field' },
      { field: 'enable_thinking', reason: 'anthropic.messages has no thinking control' },
    ]);
  });
});
