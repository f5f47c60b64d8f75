import type { LimitBound, Profile } from '../config/schema/route-config.js';
import type { Protocol } from '../protocol.js';
import type { JsonObject } from './json-values.js';
import type { ProfileDialect } from './profile-dialect.js';
import type { AppliedProfile, ProfileNote, ThinkingTarget } from './profile-types.js';

/** The state of one `applyProfile` call, shared by its steps. */
export interface ProfileRun {
  /** The caller's body, never modified. */
  readonly original: JsonObject;
  /** The body being built: a shallow copy of the caller's; nested objects are replaced, never mutated. */
  readonly body: JsonObject;
  readonly protocol: Protocol;
  /** The protocol's profile rules (its codec's `profile`); undefined: none. */
  readonly dialect: ProfileDialect | undefined;
  readonly thinking: ThinkingTarget;
  readonly modelFamily: string | undefined;
  readonly defaults: Profile;
  readonly clamp: Profile;
  readonly limits: Record<string, LimitBound>;
  readonly applied: AppliedProfile;
  readonly dropped: ProfileNote[];
  readonly adjusted: ProfileNote[];
  /** Top-level body fields the defaults or the clamp wrote (the caller did not send them as they are). */
  readonly written: Set<string>;
  /** Whether the profile (a default the caller did not override, or the clamp) turned thinking on. */
  profileTurnedThinkingOn: boolean;
}

function addOnce(list: string[], field: string): void {
  if (!list.includes(field)) list.push(field);
}

export function markApplied(run: ProfileRun, layer: 'defaults' | 'clamp' | 'limits', field: string): void {
  addOnce(run.applied[layer], field);
}

/** A field the profile set was not sent after all: it is not reported as applied. */
export function unmark(run: ProfileRun, key: string): void {
  for (const layer of ['defaults', 'clamp', 'limits'] as const) {
    const at = run.applied[layer].indexOf(key);
    if (at >= 0) run.applied[layer].splice(at, 1);
  }
}

function note(list: ProfileNote[], field: string, reason: string): void {
  if (!list.some((n) => n.field === field && n.reason === reason)) list.push({ field, reason });
}

export function drop(run: ProfileRun, field: string, reason: string): void {
  note(run.dropped, field, reason);
}

export function adjust(run: ProfileRun, field: string, reason: string): void {
  note(run.adjusted, field, reason);
}
