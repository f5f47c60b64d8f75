import type { RouteConfig } from '@switchyard/plugin-sdk';
import type { RouteProfile } from '@switchyard/plugin-sdk';

const hasKeys = (value: object | undefined): value is object => value !== undefined && Object.keys(value).length > 0;

/**
 * The profile part of a route, or null when the route has none (no defaults, clamp, limits or system prompt),
 * so callers skip `applyProfile` entirely.
 */
export function profileOf(route: Pick<RouteConfig, 'defaults' | 'clamp' | 'limits' | 'system_prompt'>): RouteProfile | null {
  const { defaults, clamp, limits, system_prompt } = route;
  if (!hasKeys(defaults) && !hasKeys(clamp) && !hasKeys(limits) && !system_prompt) return null;
  const profile: RouteProfile = {};
  if (hasKeys(defaults)) profile.defaults = defaults;
  if (hasKeys(clamp)) profile.clamp = clamp;
  if (hasKeys(limits)) profile.limits = limits;
  if (system_prompt) profile.system_prompt = { mode: system_prompt.mode, text: system_prompt.text };
  return profile;
}
