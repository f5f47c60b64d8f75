import {
  directSlot,
  effortForBudget,
  effortMeansOn,
  isObject,
  ownField as own,
  type FieldKey,
  type Json,
  type ProfileDialect,
  type ThinkingForm,
  type VocabularySlot,
} from '@switchyard/plugin-sdk';
import { applyResponsesSystemPrompt } from './apply-responses-system-prompt.js';

const objectOr = (value: unknown): Json => (isObject(value) ? value : {});
const readEffortThinking = (body: Json) => effortMeansOn(own(objectOr(own(body, 'reasoning')), 'effort'));

/** `reasoning.effort`: the budget picks the effort; off is `minimal`. */
const REASONING_EFFORT: ThinkingForm = {
  read: readEffortThinking,
  write(run, on, budget) {
    run.body.reasoning = { ...objectOr(own(run.body, 'reasoning')), effort: on ? effortForBudget(budget) : 'minimal' };
  },
};

/** `max_tokens` → `max_output_tokens`; temperature and top_p as they are; no stop, top_k, seed or penalties. */
function responsesSlot(key: FieldKey): VocabularySlot | null {
  switch (key) {
    case 'max_tokens':
      return directSlot('max_output_tokens');
    case 'temperature':
    case 'top_p':
      return directSlot(key);
    default:
      return null;
  }
}

/** The route profile's rules for `openai.responses` bodies (ProtocolCodec.profile). */
export const openaiResponsesProfile: ProfileDialect = {
  slot: responsesSlot,
  readThinking: readEffortThinking,
  thinkingForm: () => REASONING_EFFORT,
  setThinkingBudget(run, budget) {
    const reasoning = objectOr(own(run.body, 'reasoning'));
    const effort = effortForBudget(budget);
    if (reasoning.effort === effort) return false;
    run.body.reasoning = { ...reasoning, effort };
    return true;
  },
  /** A clamp `enable_thinking: null` removes `reasoning.effort` (and `reasoning` when nothing else is left in it). */
  removeThinking(run) {
    const reasoning = own(run.body, 'reasoning');
    if (!isObject(reasoning) || !Object.hasOwn(reasoning, 'effort')) return false;
    const { effort, ...rest } = reasoning;
    if (Object.keys(rest).length > 0) run.body.reasoning = rest;
    else delete run.body.reasoning;
    return effort !== null;
  },
  applySystemPrompt: applyResponsesSystemPrompt,
};
