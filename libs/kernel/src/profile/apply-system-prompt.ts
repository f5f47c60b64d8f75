import type { SystemPromptMode } from '@switchyard/plugin-sdk';
import { isPlainObject, ownField as own } from '@switchyard/plugin-sdk';
import { dropProfileField as drop, type ProfileRun } from '@switchyard/plugin-sdk';

export interface SystemPrompt {
  mode: SystemPromptMode;
  text: string;
}

const SEPARATOR = '\n\n';

/** A system or developer message (Chat `messages`, Responses `input`): the caller's instructions. */
const isInstruction = (item: unknown) => isPlainObject(item) && (item.role === 'system' || item.role === 'developer');

/** Text joined the way `prepend` / `append` join strings; an empty or absent existing text is just replaced. */
function joinText(existing: unknown, text: string, mode: SystemPromptMode): string {
  if (mode === 'replace' || typeof existing !== 'string' || existing === '') return text;
  return mode === 'prepend' ? text + SEPARATOR + existing : existing + SEPARATOR + text;
}

/**
 * The route's system prompt, in the body's own protocol:
 * - openai.chat: `prepend` puts a new system message first (before any existing system message); `append` puts
 *   it right after the leading run of system/developer messages (first when there is none), so it comes after
 *   the caller's instructions and before the conversation; `replace` removes every system and developer message
 *   and puts the new one first. Only the `messages` array is copied, never the messages.
 * - anthropic.messages: top-level `system`; a string is joined with "\n\n", a list of blocks gets a text block
 *   first (prepend) or last (append); `replace` sets it to the text.
 * - openai.responses: `instructions`, joined with "\n\n"; `replace` sets it and removes system and developer
 *   items from an `input` list.
 * - openai.completions, openai.embeddings: no system prompt (reported in `dropped`).
 */
export function applySystemPrompt(run: ProfileRun, prompt: SystemPrompt): void {
  const body = run.body;
  const { mode, text } = prompt;
  switch (run.protocol) {
    case 'openai.chat': {
      const messages = own(body, 'messages');
      if (!Array.isArray(messages)) return drop(run, 'system_prompt', 'the request has no messages list');
      const message = { role: 'system', content: text };
      if (mode === 'prepend') body.messages = [message, ...messages];
      else if (mode === 'replace') body.messages = [message, ...messages.filter((m) => !isInstruction(m))];
      else {
        let at = 0;
        while (at < messages.length && isInstruction(messages[at])) at++;
        body.messages = messages.toSpliced(at, 0, message);
      }
      break;
    }
    case 'anthropic.messages': {
      const system = own(body, 'system');
      if (mode !== 'replace' && Array.isArray(system) && system.length > 0) {
        const block = { type: 'text', text };
        body.system = mode === 'prepend' ? [block, ...system] : [...system, block];
      } else {
        body.system = joinText(system, text, mode);
      }
      break;
    }
    case 'openai.responses': {
      body.instructions = joinText(own(body, 'instructions'), text, mode);
      const input = own(body, 'input');
      if (mode === 'replace' && Array.isArray(input) && input.some(isInstruction))
        body.input = input.filter((item) => !isInstruction(item));
      break;
    }
    case 'openai.completions':
    case 'openai.embeddings':
      return drop(run, 'system_prompt', `${run.protocol} has no system prompt`);
  }
  run.applied.system_prompt = mode;
}
