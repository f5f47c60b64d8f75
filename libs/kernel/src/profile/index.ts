export { applyProfile } from './apply-profile.js';
export { profileOf } from './profile-of.js';
export {
  ANTHROPIC_DEFAULT_THINKING_BUDGET,
  ANTHROPIC_MIN_THINKING_BUDGET,
  effortForBudget,
  requiresAdaptiveThinking,
  type ThinkingEffort,
} from './thinking-effort.js';
export type { AppliedProfile, ProfileNote, ProfileResult, ProfileTarget, RouteProfile, ThinkingTarget } from './profile-types.js';
export { applyNativeProfileKeys } from './apply-native-profile-keys.js';
export { applyIrThinkingProfile, withoutThinkingKeys } from './apply-ir-thinking-profile.js';
