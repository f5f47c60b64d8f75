import { joinPromptText, ownField as own, type JsonObject, type SystemPrompt } from '@switchyard/plugin-sdk';

/**
 * The route's system prompt in an `anthropic.messages` body (ProfileDialect `applySystemPrompt`): the top-level
 * `system`, a string or a list of text blocks (https://docs.anthropic.com/en/api/messages, `system`). A string is
 * joined with a blank line; a list gets a text block first (`prepend`) or last (`append`), the caller's blocks
 * (and their `cache_control`) kept as they are; `replace` sets it to the text.
 */
export function applyAnthropicSystemPrompt(body: JsonObject, prompt: SystemPrompt): true {
  const system = own(body, 'system');
  if (prompt.mode !== 'replace' && Array.isArray(system) && system.length > 0) {
    const block = { type: 'text', text: prompt.text };
    body.system = prompt.mode === 'prepend' ? [block, ...system] : [...system, block];
  } else {
    body.system = joinPromptText(system, prompt.text, prompt.mode);
  }
  return true;
}
