/**
 * A translated request's profile thinking keys, applied to the decoded IR (applyIrThinkingProfile): the budget
 * reaches the backend's encoder as a number; defaults < the caller (native fields or its own top-level
 * enable_thinking) < clamp; limits bound the budget.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyIrThinkingProfile, type AppliedProfile, type IrRequest, type RouteProfile } from '@switchyard/kernel';

function run(profile: RouteProfile, thinking?: IrRequest['thinking'], callerBody: Record<string, unknown> = {}) {
  const ir: IrRequest = { model: 'm', system: [], messages: [], stream: false, ...(thinking ? { thinking } : {}) };
  const applied: AppliedProfile = { defaults: [], clamp: [], limits: [] };
  applyIrThinkingProfile(ir, profile, callerBody, applied);
  return { thinking: ir.thinking, applied };
}

describe('profile thinking keys on the IR (translated requests)', () => {
  it('defaults {enable_thinking: true, thinking_budget: 2048} → budgetTokens 2048 exactly', () => {
    const r = run({ defaults: { enable_thinking: true, thinking_budget: 2048 } });
    assert.deepEqual(r.thinking, { enabled: true, budgetTokens: 2048 });
    assert.deepEqual(r.applied.defaults, ['enable_thinking', 'thinking_budget']);
  });

  it('enable_thinking without a budget is the medium effort; false is off', () => {
    assert.deepEqual(run({ defaults: { enable_thinking: true } }).thinking, { enabled: true, effort: 'medium' });
    assert.deepEqual(run({ defaults: { enable_thinking: false } }).thinking, { enabled: false });
  });

  it("the caller's native thinking beats a default; a default budget fills thinking on without an amount", () => {
    assert.deepEqual(run({ defaults: { enable_thinking: false } }, { enabled: true, effort: 'high' }).thinking, {
      enabled: true,
      effort: 'high',
    });
    assert.deepEqual(run({ defaults: { thinking_budget: 3000 } }, { enabled: true }).thinking, { enabled: true, budgetTokens: 3000 });
  });

  it("the caller's own top-level enable_thinking (and thinking_budget) beats defaults {enable_thinking: false}", () => {
    assert.deepEqual(run({ defaults: { enable_thinking: false } }, undefined, { enable_thinking: true }).thinking, { enabled: true });
    assert.deepEqual(run({ defaults: { enable_thinking: false } }, undefined, { enable_thinking: true, thinking_budget: 5000 }).thinking, {
      enabled: true,
      budgetTokens: 5000,
    });
  });

  it('the clamp beats the caller; a clamp budget replaces an effort; null removes thinking', () => {
    assert.deepEqual(run({ clamp: { enable_thinking: false } }, undefined, { enable_thinking: true }).thinking, { enabled: false });
    const budget = run({ clamp: { enable_thinking: true, thinking_budget: 2048 } }, { enabled: true, effort: 'high' });
    assert.deepEqual(budget.thinking, { enabled: true, budgetTokens: 2048 });
    assert.deepEqual(budget.applied.clamp, ['thinking_budget']);
    assert.equal(run({ clamp: { enable_thinking: null } }, { enabled: true }).thinking, undefined);
  });

  it('limits.thinking_budget bounds the budget', () => {
    const r = run({ defaults: { enable_thinking: true, thinking_budget: 20000 }, limits: { thinking_budget: { max: 4000 } } });
    assert.deepEqual(r.thinking, { enabled: true, budgetTokens: 4000 });
    assert.deepEqual(r.applied.limits, ['thinking_budget']);
  });

  it('a profile without thinking keys leaves the IR alone', () => {
    assert.deepEqual(run({ defaults: { temperature: 0.2 } }, { enabled: true, effort: 'low' }).thinking, { enabled: true, effort: 'low' });
    assert.equal(run({ defaults: { temperature: 0.2 } }).thinking, undefined);
  });
});
