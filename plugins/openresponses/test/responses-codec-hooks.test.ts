/**
 * The openresponses plugin's answers to the kernel's protocol questions (ProtocolCodec / ProfileDialect hooks):
 * where a route's system prompt goes in a Responses body, which input content is media (auto_route), and the
 * OpenTelemetry gen_ai.operation.name. Each test goes through the codec the plugin registers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SystemPromptMode } from '@switchyard/kernel';
import { openaiResponsesCodec } from '@switchyard/plugin-openresponses';
import { systemPromptThroughCodec } from '../../../test/dist/helpers/system-prompt-through-codec.js';

const user = { role: 'user', content: 'hi' };

const withPrompt = (body: Record<string, unknown>, mode: SystemPromptMode) => systemPromptThroughCodec(openaiResponsesCodec, body, mode);

describe('openai.responses: the system prompt (ProfileDialect.applySystemPrompt)', () => {
  it('instructions are joined with a blank line, or set when there are none', () => {
    assert.equal(withPrompt({ instructions: 'S', input: 'hi' }, 'prepend').body.instructions, 'P\n\nS');
    assert.equal(withPrompt({ instructions: 'S', input: 'hi' }, 'append').body.instructions, 'S\n\nP');
    const result = withPrompt({ input: 'hi' }, 'append');
    assert.deepEqual(result.body, { input: 'hi', instructions: 'P' });
    assert.equal(result.applied.system_prompt, 'append');
  });

  it('replace sets the instructions and takes system and developer messages out of the input list (a new list)', () => {
    const input = Object.freeze([{ role: 'developer', content: 'D' }, user, { role: 'system', content: 'S' }]);
    const result = withPrompt(Object.freeze({ instructions: 'S', input }), 'replace');
    assert.deepEqual(result.body, { instructions: 'P', input: [user] });
    assert.equal(input.length, 3);
  });

  it('prepend and append leave the input list as it is (the same list)', () => {
    const input = [{ role: 'system', content: 'S' }, user];
    assert.equal(withPrompt({ input }, 'prepend').body.input, input);
  });
});

describe('openai.responses: media content for auto_route (ProtocolCodec.hasMediaContent)', () => {
  const media = (input: unknown) => openaiResponsesCodec.hasMediaContent?.({ model: 'm', input });

  for (const type of ['input_image', 'input_file', 'input_audio']) {
    it(`an ${type} part of an input message is media`, () =>
      assert.equal(media([user, { role: 'user', content: [{ type: 'input_text', text: 'x' }, { type }] }]), true));
  }

  it('a string input, text parts and chat-style part types are not', () => {
    assert.equal(media('input_image'), false);
    assert.equal(media([{ role: 'user', content: [{ type: 'input_text', text: 'input_image' }] }]), false);
    assert.equal(media([{ role: 'user', content: [{ type: 'image_url' }, { type: 'image' }] }]), false);
  });
});

describe('gen_ai.operation.name of Responses (ProtocolCodec.operationName)', () => {
  it('chat', () => assert.equal(openaiResponsesCodec.operationName, 'chat'));
});
