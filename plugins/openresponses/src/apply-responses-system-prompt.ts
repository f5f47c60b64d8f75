import { isOpenAIInstruction } from '@switchyard/plugin-openai';
import { joinPromptText, ownField as own, type JsonObject, type SystemPrompt } from '@switchyard/plugin-sdk';

const notInstruction = (item: unknown): boolean => !isOpenAIInstruction(item);

/**
 * The route's system prompt in an `openai.responses` body (ProfileDialect `applySystemPrompt`): `instructions`,
 * joined with a blank line (https://platform.openai.com/docs/api-reference/responses/create, `instructions`);
 * `replace` sets it and also removes the system and developer messages of an `input` list, which would still
 * instruct the model.
 */
export function applyResponsesSystemPrompt(body: JsonObject, prompt: SystemPrompt): true {
  body.instructions = joinPromptText(own(body, 'instructions'), prompt.text, prompt.mode);
  const input = own(body, 'input');
  if (prompt.mode === 'replace' && Array.isArray(input) && input.some(isOpenAIInstruction)) body.input = input.filter(notInstruction);
  return true;
}
