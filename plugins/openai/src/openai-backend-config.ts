import { BackendConfig, THINKING_DIALECTS, type ThinkingDialect } from '@switchyard/plugin-sdk';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';

/**
 * `type: openai` backend keys: BackendConfig's plus how the server takes thinking on and off
 * (OpenAI-compatible servers disagree) and whether it can count tokens.
 */
export class OpenAIBackendConfig extends BackendConfig {
  static readonly keyDescriptions = {
    thinking: 'How enable_thinking is expressed: chat_template_kwargs (vLLM/SGLang, default) | reasoning_effort (OpenAI) | none.',
    tokenize:
      "The server has vLLM's POST /tokenize (at its root, base_url without /v1); /v1/messages/count_tokens is answered with it (else a 400).",
  };

  /** How thinking is switched (the kernel reads it with thinkingDialectOf): vLLM/SGLang kwargs by default. */
  @IsOptional()
  @IsIn(THINKING_DIALECTS)
  thinking?: ThinkingDialect;

  /** The server has vLLM's POST /tokenize (at its root); /v1/messages/count_tokens is answered with it. */
  @IsBoolean()
  tokenize = false;
}
