import type { SystemPromptMode } from '../config/schema/route-config.js';

const SEPARATOR = '\n\n';

/**
 * A route's system prompt joined with instructions a body already carries as one string (ProfileDialect
 * `applySystemPrompt`): `prepend` and `append` join them with a blank line, `replace` (or an absent or empty
 * existing text, or one that is not a string) gives the prompt's text alone.
 */
export function joinPromptText(existing: unknown, text: string, mode: SystemPromptMode): string {
  if (mode === 'replace' || typeof existing !== 'string' || existing === '') return text;
  return mode === 'prepend' ? text + SEPARATOR + existing : existing + SEPARATOR + text;
}
