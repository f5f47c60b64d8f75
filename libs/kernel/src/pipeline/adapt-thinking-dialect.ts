import type { ThinkingDialect } from '../config/schema/backend-config.js';

/**
 * A translated `openai.chat` body says thinking as `reasoning_effort`; an OpenAI-compatible backend
 * may want another dialect (its `thinking` setting): vLLM/SGLang `chat_template_kwargs.enable_thinking`
 * (the default), OpenAI `reasoning_effort` (whose reasoning models also take `max_completion_tokens`
 * rather than `max_tokens`), or nothing. Changes the body in place.
 */
export function adaptThinkingDialect(body: Record<string, unknown>, wire: string, dialect: ThinkingDialect | undefined): void {
  if (wire !== 'openai.chat') return;
  const effort = body.reasoning_effort;
  switch (dialect ?? 'chat_template_kwargs') {
    case 'chat_template_kwargs':
      if (typeof effort === 'string') {
        const kwargs = typeof body.chat_template_kwargs === 'object' && body.chat_template_kwargs !== null ? body.chat_template_kwargs : {};
        body.chat_template_kwargs = { ...kwargs, enable_thinking: effort !== 'minimal' && effort !== 'none' };
        delete body.reasoning_effort;
      }
      return;
    case 'none':
      delete body.reasoning_effort;
      return;
    case 'reasoning_effort':
      if (body.max_tokens !== undefined && body.max_completion_tokens === undefined) {
        body.max_completion_tokens = body.max_tokens;
        delete body.max_tokens;
      }
      return;
  }
}
