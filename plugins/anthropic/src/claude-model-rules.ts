/**
 * What each Claude model accepts, where models differ: which thinking forms, and whether the sampling
 * parameters are still taken. Used by the anthropic.messages encoder (to send only what the model takes)
 * and by the strict fake upstream in @switchyard/testing (to reject what the real API rejects).
 *
 * Sources:
 * - https://platform.claude.com/docs/en/build-with-claude/adaptive-thinking and
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-adaptive-thinking.html :
 *   adaptive thinking is supported on Opus 4.6, Sonnet 4.6 and later; Opus 4.7, the Mythos models and
 *   Fable 5 support only adaptive thinking — `thinking.type: "enabled"` and `thinking.type: "disabled"`
 *   return 400 there; older models (Sonnet 4.5, Opus 4.5, …) do not support adaptive thinking.
 * - https://platform.claude.com/docs/en/about-claude/models/migration-guide#migrating-to-claude-opus-4-7 :
 *   from Opus 4.7 on, setting `temperature`, `top_p` or `top_k` to a non-default value returns 400.
 */
export interface ClaudeModelRules {
  /** Whether the model was recognised (a version, or a named family); unknown names get the permissive rules. */
  readonly known: boolean;
  /** `thinking: {type: adaptive}` is accepted (Claude 4.6 and later). */
  readonly adaptiveThinking: boolean;
  /** Only adaptive thinking: `{type: enabled, budget_tokens}` is rejected (Claude 4.7 and later). */
  readonly adaptiveOnly: boolean;
  /** `thinking: {type: disabled}` is rejected (the adaptive-only models; off is `thinking` left out). */
  readonly rejectsDisabledThinking: boolean;
  /** `temperature` / `top_p` / `top_k` are rejected (Claude 4.7 and later). */
  readonly rejectsSamplingParams: boolean;
}

const CLAUDE_VERSION = /claude-(?:(?:opus|sonnet|haiku|mythos|fable)-)?(\d+)(?:[-.](\d{1,2})(?!\d))?/i;
/** Families newer than 4.7 named without a version (`claude-mythos-preview`). */
const UNVERSIONED_NEW_FAMILY = /claude-(?:mythos|fable)(?:-|$)/i;

const PERMISSIVE: ClaudeModelRules = {
  known: false,
  adaptiveThinking: false,
  adaptiveOnly: false,
  rejectsDisabledThinking: false,
  rejectsSamplingParams: false,
};

function rulesForVersion(major: number, minor: number): ClaudeModelRules {
  const atLeast = (ma: number, mi: number) => major > ma || (major === ma && minor >= mi);
  const newest = atLeast(4, 7);
  return {
    known: true,
    adaptiveThinking: atLeast(4, 6),
    adaptiveOnly: newest,
    rejectsDisabledThinking: newest,
    rejectsSamplingParams: newest,
  };
}

/**
 * The rules for a model name as Anthropic or Vertex spell it (`claude-opus-4-7`, `claude-opus-4-7@20260101`,
 * `claude-sonnet-4-5-20250929`, `claude-3-7-sonnet-20250219` (3.7), `claude-opus-4-20250514` (4.0),
 * `claude-mythos-preview`). Names it cannot read get permissive rules (`known: false`).
 */
export function claudeModelRules(model: string | undefined): ClaudeModelRules {
  if (!model) return PERMISSIVE;
  const match = CLAUDE_VERSION.exec(model);
  if (match) return rulesForVersion(Number(match[1]), match[2] === undefined ? 0 : Number(match[2]));
  if (UNVERSIONED_NEW_FAMILY.test(model)) return rulesForVersion(Number.POSITIVE_INFINITY, 0);
  return PERMISSIVE;
}
