import { PROFILE_KEY_TYPES } from '@switchyard/plugin-sdk';
import type { RouteProfile } from '@switchyard/plugin-sdk';

/**
 * On a translated request, the profile's provider-native keys (any key outside the profile
 * vocabulary: `chat_template_kwargs`, `repetition_penalty`, …) are written verbatim into the
 * body the backend receives, after encoding: defaults where the body has no such field, clamp
 * always (a clamp `null` removes the field). Returns the same object, changed in place.
 */
export function applyNativeProfileKeys(wireBody: Record<string, unknown>, profile: RouteProfile | null): Record<string, unknown> {
  if (!profile) return wireBody;
  for (const [key, value] of Object.entries(profile.defaults ?? {})) {
    if (key in PROFILE_KEY_TYPES || wireBody[key] !== undefined) continue;
    wireBody[key] = structuredClone(value);
  }
  for (const [key, value] of Object.entries(profile.clamp ?? {})) {
    if (key in PROFILE_KEY_TYPES) continue;
    if (value === null) delete wireBody[key];
    else wireBody[key] = structuredClone(value);
  }
  return wireBody;
}
