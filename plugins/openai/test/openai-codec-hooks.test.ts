/**
 * The openai plugin's answers to the kernel's protocol questions (ProtocolCodec / ProfileDialect hooks): where a
 * route's system prompt goes in a chat body, which chat content is media (auto_route), and each endpoint's
 * OpenTelemetry gen_ai.operation.name. Each test goes through the codec the plugin registers, so it fails
 * when the hook is taken off it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SystemPromptMode } from '@switchyard/kernel';
import plugin, { openaiChatCodec } from '@switchyard/plugin-openai';
import { systemPromptThroughCodec } from '../../../test/dist/helpers/system-prompt-through-codec.js';

const codec = (protocol: string) => plugin.codecs!.find((c) => c.protocol === protocol)!;
const sys = (content: string) => ({ role: 'system', content });
const dev = (content: string) => ({ role: 'developer', content });
const user = { role: 'user', content: 'hi' };

const withPrompt = (protocol: string, body: Record<string, unknown>, mode: SystemPromptMode) =>
  systemPromptThroughCodec(codec(protocol), body, mode);

describe('openai.chat: the system prompt (ProfileDialect.applySystemPrompt)', () => {
  it('prepend: a system message first; the caller body and its messages array are not changed', () => {
    const messages = Object.freeze([sys('S'), user]);
    const body = Object.freeze({ model: 'm', messages });
    const result = withPrompt('openai.chat', body, 'prepend');
    assert.deepEqual(result.body.messages, [sys('P'), sys('S'), user]);
    assert.equal(result.applied.system_prompt, 'prepend');
    assert.equal((result.body.messages as unknown[])[1], messages[0], 'the messages themselves are not copied');
  });

  it('append: after the leading system and developer messages, before the conversation', () => {
    const result = withPrompt('openai.chat', { messages: [sys('S'), dev('D'), user, sys('late')] }, 'append');
    assert.deepEqual(result.body.messages, [sys('S'), dev('D'), sys('P'), user, sys('late')]);
  });

  it('replace: every system and developer message goes, one system message first', () => {
    const result = withPrompt('openai.chat', { messages: [sys('S'), user, dev('D')] }, 'replace');
    assert.deepEqual(result.body.messages, [sys('P'), user]);
    assert.equal(result.applied.system_prompt, 'replace');
  });

  it("a body without a messages list: not applied, the dialect's reason in dropped", () => {
    const result = withPrompt('openai.chat', { model: 'm' }, 'prepend');
    assert.deepEqual(result.body, { model: 'm' });
    assert.equal(result.applied.system_prompt, undefined);
    assert.deepEqual(result.dropped, [{ field: 'system_prompt', reason: 'the request has no messages list' }]);
  });

  it('openai.completions has a profile but no place for a system prompt: dropped', () => {
    assert.equal(codec('openai.completions').profile?.applySystemPrompt, undefined);
    const result = withPrompt('openai.completions', { prompt: 'x' }, 'append');
    assert.deepEqual(result.body, { prompt: 'x' });
    assert.deepEqual(result.dropped, [{ field: 'system_prompt', reason: 'openai.completions has no system prompt' }]);
  });
});

describe('openai.chat: media content for auto_route (ProtocolCodec.hasMediaContent)', () => {
  const media = (body: Record<string, unknown>) => openaiChatCodec.hasMediaContent?.(body);
  const parts = (...types: string[]) => ({ messages: [user, { role: 'user', content: types.map((type) => ({ type })) }] });

  for (const type of ['image_url', 'input_audio', 'file', 'video_url', 'video', 'audio']) {
    it(`a ${type} content part is media`, () => assert.equal(media(parts('text', type)), true));
  }

  it('text parts, string content, a media word in text, or no messages list are not', () => {
    assert.equal(media(parts('text', 'text')), false);
    assert.equal(media({ messages: [{ role: 'user', content: 'see image_url' }] }), false);
    assert.equal(media({ messages: [{ role: 'user', content: [{ type: 'text', text: 'image_url' }] }] }), false);
    assert.equal(media({ prompt: 'x' }), false);
  });

  it("other protocols' part types are not this protocol's media", () => {
    assert.equal(media(parts('image', 'document', 'input_image')), false);
  });

  it('completions and embeddings bodies carry no media parts (no hook)', () => {
    assert.equal(codec('openai.completions').hasMediaContent, undefined);
    assert.equal(codec('openai.embeddings').hasMediaContent, undefined);
  });
});

describe('gen_ai.operation.name of the OpenAI endpoints (ProtocolCodec.operationName)', () => {
  it('chat completions: chat; completions: text_completion; embeddings: embeddings', () => {
    assert.equal(codec('openai.chat').operationName, 'chat');
    assert.equal(codec('openai.completions').operationName, 'text_completion');
    assert.equal(codec('openai.embeddings').operationName, 'embeddings');
  });
});
