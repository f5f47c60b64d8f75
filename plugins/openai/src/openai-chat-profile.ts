import {
  directSlot,
  dropProfileField,
  effortForBudget,
  effortMeansOn,
  isObject,
  ownField as own,
  type FieldKey,
  type Json,
  type ProfileDialect,
  type ProfileRun,
  type ThinkingForm,
  type ThinkingTarget,
  type VocabularySlot,
} from '@switchyard/plugin-sdk';
import { applyOpenAIChatSystemPrompt } from './apply-openai-chat-system-prompt.js';

/**
 * The route profile's rules for `openai.chat` and `openai.completions` bodies (ProtocolCodec.profile). Thinking
 * has three forms, chosen by the backend's `thinking` setting:
 * - `chat_template_kwargs` (vLLM/SGLang, the default): `chat_template_kwargs.enable_thinking`; no budget key.
 * - `reasoning_effort` (OpenAI): `reasoning_effort`, the budget picks the effort; off is `minimal`.
 * - `none`: nothing is written.
 */

const objectOr = (value: unknown): Json => (isObject(value) ? value : {});
const bool = (value: unknown) => (typeof value === 'boolean' ? value : undefined);
const kwargsThinking = (body: Json) => bool(own(objectOr(own(body, 'chat_template_kwargs')), 'enable_thinking'));

const NO_BUDGET_KEY = 'chat_template_kwargs has no standard thinking budget key (vLLM/SGLang)';
const THINKING_NONE = 'the backend has thinking: none';

/** Thinking on/off as `reasoning_effort` or `chat_template_kwargs.enable_thinking` say (the effort first). */
function readChatThinking(body: Json): boolean | undefined {
  return effortMeansOn(own(body, 'reasoning_effort')) ?? kwargsThinking(body);
}

/**
 * Removes the native thinking fields other than `keep` that disagree with `on` (all of them when `on` is
 * undefined), reporting each removed value as dropped with `why`. Returns whether a set value was removed.
 */
function removeChatThinking(run: ProfileRun, keep: ThinkingTarget | null, on: boolean | undefined, why: string): boolean {
  const body = run.body;
  let removed = false;
  const effort = effortMeansOn(own(body, 'reasoning_effort'));
  if (keep !== 'reasoning_effort' && Object.hasOwn(body, 'reasoning_effort') && (on === undefined || effort !== on)) {
    if (effort !== undefined) dropProfileField(run, 'reasoning_effort', why);
    removed ||= effort !== undefined;
    delete body.reasoning_effort;
  }
  const kwargs = own(body, 'chat_template_kwargs');
  if (keep !== 'chat_template_kwargs' && isObject(kwargs) && Object.hasOwn(kwargs, 'enable_thinking')) {
    const flag = bool(kwargs.enable_thinking);
    if (on === undefined || flag !== on) {
      const { enable_thinking: _removed, ...rest } = kwargs;
      if (Object.keys(rest).length > 0) body.chat_template_kwargs = rest;
      else delete body.chat_template_kwargs;
      if (flag !== undefined) dropProfileField(run, 'chat_template_kwargs.enable_thinking', why);
      removed ||= flag !== undefined;
    }
  }
  return removed;
}

const FORMS: Readonly<Record<ThinkingTarget, ThinkingForm>> = {
  chat_template_kwargs: {
    noBudget: NO_BUDGET_KEY,
    read: kwargsThinking,
    write(run, on) {
      run.body.chat_template_kwargs = { ...objectOr(own(run.body, 'chat_template_kwargs')), enable_thinking: on };
    },
    removeOthers: (run, on, why) => removeChatThinking(run, 'chat_template_kwargs', on, why),
  },
  reasoning_effort: {
    read: (body) => effortMeansOn(own(body, 'reasoning_effort')),
    write(run, on, budget) {
      run.body.reasoning_effort = on ? effortForBudget(budget) : 'minimal';
    },
    removeOthers: (run, on, why) => removeChatThinking(run, 'reasoning_effort', on, why),
  },
  none: {
    unexpressed: THINKING_NONE,
    noBudget: THINKING_NONE,
    read: readChatThinking,
    write: () => undefined,
    removeOthers: (run, on, why) => removeChatThinking(run, null, on, why),
  },
};

/** A budget applies to thinking on as `reasoning_effort` (the effort it picks); `chat_template_kwargs` takes none. */
function setChatThinkingBudget(run: ProfileRun, budget: number): boolean {
  if (effortMeansOn(own(run.body, 'reasoning_effort')) !== true) {
    dropProfileField(run, 'thinking_budget', NO_BUDGET_KEY);
    return false;
  }
  const effort = effortForBudget(budget);
  if (run.body.reasoning_effort === effort) return false;
  run.body.reasoning_effort = effort;
  return true;
}

/**
 * A translated `openai.chat` body says thinking as `reasoning_effort`; the backend's `thinking` setting may want
 * vLLM/SGLang `chat_template_kwargs.enable_thinking` (the default), OpenAI `reasoning_effort` (whose reasoning
 * models also take `max_completion_tokens` rather than `max_tokens`), or nothing. Changes the body in place.
 */
export function adaptOpenAIChatThinking(body: Record<string, unknown>, dialect: ThinkingTarget | undefined): void {
  const effort = body.reasoning_effort;
  switch (dialect ?? 'chat_template_kwargs') {
    case 'chat_template_kwargs':
      if (typeof effort === 'string') {
        const kwargs = typeof body.chat_template_kwargs === 'object' && body.chat_template_kwargs !== null ? body.chat_template_kwargs : {};
        body.chat_template_kwargs = { ...kwargs, enable_thinking: effort !== 'minimal' && effort !== 'none' };
        delete body.reasoning_effort;
      }
      return;
    case 'none':
      delete body.reasoning_effort;
      return;
    case 'reasoning_effort':
      if (body.max_tokens !== undefined && body.max_completion_tokens === undefined) {
        body.max_completion_tokens = body.max_tokens;
        delete body.max_tokens;
      }
      return;
  }
}

/** Thinking rules shared by both body kinds. */
const chatThinking: Omit<ProfileDialect, 'slot'> = {
  readThinking: readChatThinking,
  thinkingForm: (run) => FORMS[run.thinking],
  setThinkingBudget: setChatThinkingBudget,
  removeThinking: (run) => removeChatThinking(run, null, undefined, 'removed by clamp enable_thinking: null'),
};

const CHAT_MAX_TOKENS = ['max_tokens', 'max_completion_tokens'] as const;

/**
 * openai.chat: the vocabulary's own names; `max_tokens` shares its slot with `max_completion_tokens` and is
 * written as `max_completion_tokens` for OpenAI proper (thinking `reasoning_effort`).
 */
function chatSlot(key: FieldKey, thinking: ThinkingTarget): VocabularySlot {
  if (key !== 'max_tokens') return directSlot(key);
  return directSlot(thinking === 'reasoning_effort' ? 'max_completion_tokens' : 'max_tokens', CHAT_MAX_TOKENS);
}

export const openaiChatProfile: ProfileDialect = {
  ...chatThinking,
  slot: chatSlot,
  adaptThinking: adaptOpenAIChatThinking,
  applySystemPrompt: applyOpenAIChatSystemPrompt,
};

/** openai.completions: the vocabulary's own names; a prompt has no place for a system prompt (no `applySystemPrompt`). */
export const openaiCompletionsProfile: ProfileDialect = { ...chatThinking, slot: (key) => directSlot(key) };
