import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adaptThinkingDialect } from '@switchyard/kernel';
import { builtinCodecs } from '../helpers/apply-builtin-profile.js';

/** The kernel calls the hook of the wire protocol's codec (ProtocolCodec.profile.adaptThinking). */
const chat = builtinCodecs.codec('openai.chat');

describe('a translated openai.chat body takes the backend thinking dialect', () => {
  it('chat_template_kwargs (vLLM/SGLang, the default): reasoning_effort becomes chat_template_kwargs.enable_thinking', () => {
    const on: Record<string, unknown> = { reasoning_effort: 'high', chat_template_kwargs: { x: 1 } };
    adaptThinkingDialect(on, chat, undefined);
    assert.deepEqual(on, { chat_template_kwargs: { x: 1, enable_thinking: true } });
    const off: Record<string, unknown> = { reasoning_effort: 'minimal' };
    adaptThinkingDialect(off, chat, 'chat_template_kwargs');
    assert.deepEqual(off, { chat_template_kwargs: { enable_thinking: false } });
  });

  it('none: no thinking field is sent', () => {
    const b: Record<string, unknown> = { reasoning_effort: 'medium', max_tokens: 5 };
    adaptThinkingDialect(b, chat, 'none');
    assert.deepEqual(b, { max_tokens: 5 });
  });

  it('reasoning_effort (OpenAI): kept, and max_tokens becomes max_completion_tokens', () => {
    const b: Record<string, unknown> = { reasoning_effort: 'low', max_tokens: 100 };
    adaptThinkingDialect(b, chat, 'reasoning_effort');
    assert.deepEqual(b, { reasoning_effort: 'low', max_completion_tokens: 100 });
  });

  it('other wire protocols are left alone', () => {
    const b: Record<string, unknown> = { reasoning_effort: 'low' };
    adaptThinkingDialect(b, builtinCodecs.codec('anthropic.messages'), 'chat_template_kwargs');
    assert.deepEqual(b, { reasoning_effort: 'low' });
  });
});
