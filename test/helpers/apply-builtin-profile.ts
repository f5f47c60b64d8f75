/**
 * `applyProfile` as the gateway calls it: with the ProfileDialect the built-in plugins' codec for the target's
 * protocol carries (ProtocolCodec.profile), unless the target names one.
 */
import {
  applyProfile as applyKernelProfile,
  PluginRegistry,
  type ProfileResult,
  type ProfileTarget,
  type RouteProfile,
} from '@switchyard/kernel';
import anthropic from '@switchyard/plugin-anthropic';
import openai from '@switchyard/plugin-openai';
import openresponses from '@switchyard/plugin-openresponses';

export const builtinCodecs = new PluginRegistry().register(openai).register(anthropic).register(openresponses);

export function applyProfile(body: Record<string, unknown>, profile: RouteProfile, target: ProfileTarget): ProfileResult {
  return applyKernelProfile(body, profile, { dialect: builtinCodecs.codec(target.protocol)?.profile, ...target });
}
