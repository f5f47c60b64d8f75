/**
 * The anthropic plugin's answers to the kernel's protocol questions (ProtocolCodec / ProfileDialect hooks): where a
 * route's system prompt goes in a Messages body, which content blocks are media (auto_route), and the
 * OpenTelemetry gen_ai.operation.name. Each test goes through the codec the plugin registers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SystemPromptMode } from '@switchyard/kernel';
import { anthropicMessagesCodec } from '@switchyard/plugin-anthropic';
import { systemPromptThroughCodec } from '../../../test/dist/helpers/system-prompt-through-codec.js';

const user = { role: 'user', content: 'hi' };
const block = (text: string) => ({ type: 'text', text });

const withPrompt = (body: Record<string, unknown>, mode: SystemPromptMode) => systemPromptThroughCodec(anthropicMessagesCodec, body, mode);

describe('anthropic.messages: the system prompt (ProfileDialect.applySystemPrompt)', () => {
  it('a string system is joined with a blank line (prepend, append); replace sets it', () => {
    assert.equal(withPrompt({ system: 'S', messages: [user] }, 'prepend').body.system, 'P\n\nS');
    assert.equal(withPrompt({ system: 'S', messages: [user] }, 'append').body.system, 'S\n\nP');
    assert.equal(withPrompt({ system: [block('S')], messages: [user] }, 'replace').body.system, 'P');
  });

  it("a list of blocks gets a text block first or last; the caller's blocks are kept, not changed", () => {
    const cached = Object.freeze({ ...block('S'), cache_control: Object.freeze({ type: 'ephemeral' }) });
    const body = Object.freeze({ system: Object.freeze([cached]), messages: [user] });
    const appended = withPrompt(body, 'append');
    assert.deepEqual(appended.body.system, [cached, block('P')]);
    assert.equal((appended.body.system as unknown[])[0], cached);
    assert.deepEqual(withPrompt(body, 'prepend').body.system, [block('P'), cached]);
    assert.equal(appended.applied.system_prompt, 'append');
  });

  it('without a system the text becomes the system', () => {
    const result = withPrompt({ messages: [user] }, 'prepend');
    assert.deepEqual(result.body, { messages: [user], system: 'P' });
    assert.deepEqual(result.dropped, []);
  });
});

describe('anthropic.messages: media content for auto_route (ProtocolCodec.hasMediaContent)', () => {
  const media = (content: unknown) =>
    anthropicMessagesCodec.hasMediaContent?.({ max_tokens: 5, messages: [user, { role: 'user', content }] });

  it('image and document blocks are media, also inside a tool_result', () => {
    assert.equal(
      media([
        { type: 'text', text: 'x' },
        { type: 'image', source: {} },
      ]),
      true,
    );
    assert.equal(media([{ type: 'document', source: { type: 'text', data: 'x' } }]), true);
    assert.equal(media([{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'image', source: {} }] }]), true);
  });

  it('text, a string, tool results of text and other protocols’ part types are not', () => {
    assert.equal(media([{ type: 'text', text: 'image' }]), false);
    assert.equal(media('image'), false);
    assert.equal(media([{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: 'x' }] }]), false);
    assert.equal(media([{ type: 'image_url' }, { type: 'input_image' }]), false);
  });
});

describe('gen_ai.operation.name of Messages (ProtocolCodec.operationName)', () => {
  it('chat', () => assert.equal(anthropicMessagesCodec.operationName, 'chat'));
});
