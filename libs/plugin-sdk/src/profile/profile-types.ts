import type { LimitBound, Profile, SystemPromptMode } from '../config/schema/route-config.js';
import type { ThinkingDialect } from '../config/schema/backend-config.js';
import type { Protocol } from '../protocol.js';
import type { ProfileDialect } from './profile-dialect.js';

/**
 * How an `openai.chat` / `openai.completions` body expresses `enable_thinking`: the backend's `thinking`
 * setting (default `chat_template_kwargs`). Protocols with a single thinking form ignore it.
 */
export type ThinkingTarget = ThinkingDialect;

/** A route's `system_prompt` (SPEC §2 profiles): the text, and whether it goes before, after or instead of the caller's. */
export interface SystemPrompt {
  mode: SystemPromptMode;
  text: string;
}

/** The profile part of a route: what `applyProfile` needs, nothing else. */
export interface RouteProfile {
  defaults?: Profile;
  clamp?: Profile;
  limits?: Record<string, LimitBound>;
  system_prompt?: SystemPrompt;
}

/** Where the body goes: its protocol (the ingress protocol) and, for chat-style bodies, the thinking form. */
export interface ProfileTarget {
  protocol: Protocol;
  /** Defaults to `chat_template_kwargs`. */
  thinking?: ThinkingTarget;
  /**
   * The real model's name or family (`claude-opus-4-7`, `claude-sonnet-4-5@20250929`), for a dialect whose
   * thinking form depends on the model (models that accept only adaptive thinking).
   */
  modelFamily?: string;
  /** The protocol's profile rules (its codec's `profile`). Absent: no vocabulary field and no thinking is sent (each reported in `dropped`). */
  dialect?: ProfileDialect;
}

/** Which fields (profile vocabulary, or the native key) each layer actually set or changed: for the journal. */
export interface AppliedProfile {
  defaults: string[];
  clamp: string[];
  limits: string[];
  /** The system prompt mode, when the system prompt was applied. */
  system_prompt?: SystemPromptMode;
}

/** A field the profile could not send as configured, or changed to fit the protocol, and why. */
export interface ProfileNote {
  field: string;
  reason: string;
}

export interface ProfileResult {
  body: Record<string, unknown>;
  applied: AppliedProfile;
  /** Profile fields (or fields they conflict with) that were not sent, and why: for a debug log. */
  dropped: ProfileNote[];
  /** Values changed so the request is valid for the protocol (e.g. a thinking budget lowered below max_tokens). */
  adjusted: ProfileNote[];
}
