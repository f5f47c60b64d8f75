import { applyProfile, type ProfileResult, type Protocol, type ProtocolCodec, type SystemPromptMode } from '@switchyard/kernel';

/** A route profile of only `system_prompt: {mode, text: 'P'}` applied to `body` with the dialect a client protocol's codec carries. */
export function systemPromptThroughCodec(codec: ProtocolCodec, body: Record<string, unknown>, mode: SystemPromptMode): ProfileResult {
  return applyProfile(body, { system_prompt: { mode, text: 'P' } }, { protocol: codec.protocol as Protocol, dialect: codec.profile });
}
