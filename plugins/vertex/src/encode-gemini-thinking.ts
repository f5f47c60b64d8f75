import { effortForBudget, type CodecContext, type IrThinking } from '@switchyard/plugin-sdk';
import type { Json } from './gemini-json.js';
import { geminiModelFamily, isGemini3OrLater, type GeminiModelFamily } from './gemini-models.js';

/** `thinkingBudget` for an effort on Gemini 2.x (no budget given). */
const EFFORT_BUDGETS = { minimal: 128, low: 1024, medium: 8192, high: 24576 } as const;

/** Gemini 2.x thinking budget bounds per tier ([min when on, max]); pro cannot turn thinking off. */
function budgetRange(family: GeminiModelFamily): { min: number; max: number; canDisable: boolean } {
  switch (family.tier) {
    case 'pro':
      return { min: 128, max: 32768, canDisable: false };
    case 'flash-lite':
      return { min: 512, max: 24576, canDisable: true };
    default:
      return { min: 1, max: 24576, canDisable: true };
  }
}

type Level = 'minimal' | 'low' | 'medium' | 'high';

/** Levels a Gemini 3 model takes: 3.0 Pro only low and high; Flash and later Pro models minimal (Flash) to high. */
function fitLevel(level: Level, family: GeminiModelFamily): Level {
  const pro = family.tier === 'pro';
  if (pro && level === 'minimal') return 'low';
  if (pro && family.major === 3 && (family.minor ?? 0) === 0 && level === 'medium') return 'high';
  return level;
}

/**
 * The IR's thinking as Gemini's `generationConfig.thinkingConfig` (SPEC §2), per model family:
 * Gemini 3 and later take `thinkingLevel` (from the effort, else from the budget; off is the
 * lowest level the model has: minimal on Flash, low on Pro), Gemini 2.x `thinkingBudget` (the
 * budget bounded to the model's range, else from the effort, else -1 for dynamic; off is 0, or
 * the minimum on Pro, which cannot turn thinking off). `includeThoughts: true` whenever thinking
 * is on, so reasoning comes back as thought parts. Gemini 1.x has no thinking: dropped.
 */
export function encodeGeminiThinking(thinking: IrThinking | undefined, model: string, ctx: CodecContext): Json | undefined {
  if (!thinking) return undefined;
  const family = geminiModelFamily(model);
  if (family.major !== undefined && family.major < 2) {
    ctx.dropped(`thinking (${model} has no thinking)`);
    return undefined;
  }
  if (isGemini3OrLater(family)) {
    if (!thinking.enabled) return { thinkingLevel: fitLevel(family.tier === 'pro' ? 'low' : 'minimal', family) };
    const level: Level = thinking.effort ?? (thinking.budgetTokens !== undefined ? effortForBudget(thinking.budgetTokens) : 'high');
    return { thinkingLevel: fitLevel(level, family), includeThoughts: true };
  }
  const range = budgetRange(family);
  if (!thinking.enabled) {
    if (range.canDisable) return { thinkingBudget: 0 };
    ctx.dropped(`thinking off (${model} cannot turn thinking off; its minimum budget ${range.min} is sent)`);
    return { thinkingBudget: range.min };
  }
  let budget: number;
  if (thinking.budgetTokens !== undefined) budget = Math.min(range.max, Math.max(range.min, Math.round(thinking.budgetTokens)));
  else if (thinking.effort !== undefined) budget = Math.min(range.max, Math.max(range.min, EFFORT_BUDGETS[thinking.effort]));
  else budget = -1;
  return { thinkingBudget: budget, includeThoughts: true };
}
