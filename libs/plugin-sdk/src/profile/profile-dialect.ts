import type { JsonObject } from './json-values.js';
import type { FieldKey, VocabularySlot } from './map-profile-vocabulary.js';
import type { ProfileRun } from './profile-run.js';
import type { SystemPrompt, ThinkingTarget } from './profile-types.js';

/**
 * How one body form says `enable_thinking` / `thinking_budget` (a protocol may have several: a chat body's
 * `reasoning_effort` or `chat_template_kwargs`, a model that takes only adaptive thinking). The kernel decides
 * what the profile wants (defaults < caller < clamp); the form writes it in the body.
 */
export interface ThinkingForm {
  /** Why thinking cannot be said in this form at all (reported for both keys); absent: it can. */
  readonly unexpressed?: string;
  /** Why a thinking budget cannot be said (a form with an on/off switch only); absent: the form takes one, as tokens or as the effort it picks. */
  readonly noBudget?: string;
  /** Thinking on/off as this form's own field says (what a clamp must make true); undefined when the field is not set. */
  read(body: JsonObject): boolean | undefined;
  /** Writes thinking on/off (and a budget when on) in this form into `run.body`, merging with the objects already there. */
  write(run: ProfileRun, on: boolean, budget: number | undefined): void;
  /** Whether the body's thinking is on in this form without an amount, so a default `thinking_budget` fills it in. */
  lacksBudget?(body: JsonObject): boolean;
  /**
   * Removes the protocol's other native thinking fields that disagree with `on` (each one reported as dropped
   * with `why`), so one request does not say thinking twice. Returns whether one was removed.
   */
  removeOthers?(run: ProfileRun, on: boolean, why: string): boolean;
}

/**
 * The profile rules of one wire protocol (ProtocolCodec.profile), owned by the plugin of that protocol: where the
 * profile vocabulary's keys live in its body, how its body says thinking, and what makes a shaped body valid
 * for it. The kernel merges `defaults < caller < clamp`, applies `limits` and the system prompt, and calls
 * these for the native fields. A protocol without one gets no vocabulary field and no thinking (each reported
 * in `dropped`); the profile's provider-native keys still pass verbatim.
 */
export interface ProfileDialect {
  /** The body field(s) a vocabulary key (not a thinking key) occupies for a backend of `thinking`; null: no equivalent. */
  slot(key: FieldKey, thinking: ThinkingTarget): VocabularySlot | null;
  /** Thinking on/off as any of the protocol's native thinking fields in `body` says; undefined when none is set. */
  readThinking(body: JsonObject): boolean | undefined;
  /** The form thinking takes in this request (`run.thinking`: the backend's `thinking` setting; `run.modelFamily`: the real model). */
  thinkingForm(run: ProfileRun): ThinkingForm;
  /** Applies a budget to thinking that is already on, in whatever native form the body carries it. Returns whether it changed. */
  setThinkingBudget(run: ProfileRun, budget: number): boolean;
  /** Removes every native thinking field (a clamp `enable_thinking: null`). Returns whether a set value was removed. */
  removeThinking(run: ProfileRun): boolean;
  /** Bounds a budget the body carries in tokens by `limits.thinking_budget` (use `boundValue`); absent: the budget is an effort, bounded before it was picked. */
  limitThinkingBudget?(run: ProfileRun): void;
  /** Last, after `limits`: changes what the protocol would reject in the shaped body (reporting each change in `adjusted` or `dropped`). */
  fit?(run: ProfileRun): void;
  /**
   * A body translated into this protocol, in the backend's `thinking` dialect (its configured setting;
   * undefined: the default): changes the body in place. Absent: the encoder's form is sent as it is.
   */
  adaptThinking?(body: Record<string, unknown>, dialect: ThinkingTarget | undefined): void;
  /**
   * Writes the route's system prompt where this protocol's body carries the caller's instructions, as
   * `prompt.mode` says (before, after or instead of them; `joinPromptText` joins two texts). `body` is the
   * run's copy: replace the arrays and objects that change, never change them. Returns `true` when written,
   * else why it cannot be (the kernel reports it in `dropped`). Called last, after `fit`, once per request.
   * Absent: the protocol has no system prompt (reported in `dropped`).
   */
  applySystemPrompt?(body: JsonObject, prompt: SystemPrompt): true | string;
}

/** The form of a protocol without a ProfileDialect: thinking cannot be said. */
function unsupportedForm(run: ProfileRun): ThinkingForm {
  const reason = `${run.protocol} has no thinking control`;
  return { unexpressed: reason, noBudget: reason, read: () => undefined, write: () => undefined };
}

/** The thinking form of this run: its dialect's, else one that says thinking cannot be expressed. */
export function thinkingFormOf(run: ProfileRun): ThinkingForm {
  return run.dialect?.thinkingForm(run) ?? unsupportedForm(run);
}

/** Where a vocabulary key lives in this run's body, or null when its protocol has no equivalent (or no dialect). */
export function slotOf(run: ProfileRun, key: FieldKey): VocabularySlot | null {
  return run.dialect?.slot(key, run.thinking) ?? null;
}
