import type { SystemPrompt } from '@switchyard/plugin-sdk';
import { dropProfileField as drop, type ProfileRun } from '@switchyard/plugin-sdk';

/**
 * The route's system prompt, in the body's own protocol: where it goes is the protocol's dialect's
 * (ProfileDialect `applySystemPrompt`); the kernel records it as applied, or as dropped with the
 * dialect's reason. A protocol whose dialect places none (or that has no dialect) has no system prompt.
 */
export function applySystemPrompt(run: ProfileRun, prompt: SystemPrompt): void {
  const written = run.dialect?.applySystemPrompt?.(run.body, prompt) ?? `${run.protocol} has no system prompt`;
  if (written !== true) return drop(run, 'system_prompt', written);
  run.applied.system_prompt = prompt.mode;
}
