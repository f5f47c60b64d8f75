import { isPlainObject, ownField as own, type JsonObject, type SystemPrompt } from '@switchyard/plugin-sdk';

/**
 * A system or developer message (chat `messages`, Responses `input`): the caller's instructions
 * (https://platform.openai.com/docs/api-reference/chat/create, `messages`).
 */
export const isOpenAIInstruction = (item: unknown): boolean => isPlainObject(item) && (item.role === 'system' || item.role === 'developer');

const notInstruction = (item: unknown): boolean => !isOpenAIInstruction(item);

/**
 * The route's system prompt in an `openai.chat` body (ProfileDialect `applySystemPrompt`): `prepend` puts a new
 * system message first (before any existing system message); `append` puts it right after the leading run of
 * system/developer messages (first when there is none), so it comes after the caller's instructions and before
 * the conversation; `replace` removes every system and developer message and puts the new one first. Only the
 * `messages` array is copied, never the messages.
 */
export function applyOpenAIChatSystemPrompt(body: JsonObject, prompt: SystemPrompt): true | string {
  const messages = own(body, 'messages');
  if (!Array.isArray(messages)) return 'the request has no messages list';
  const message = { role: 'system', content: prompt.text };
  if (prompt.mode === 'prepend') body.messages = [message, ...messages];
  else if (prompt.mode === 'replace') body.messages = [message, ...messages.filter(notInstruction)];
  else {
    let at = 0;
    while (at < messages.length && isOpenAIInstruction(messages[at])) at++;
    body.messages = messages.toSpliced(at, 0, message);
  }
  return true;
}
