import type { KernelLogger } from '@switchyard/plugin-sdk';
import { measurementOf } from '../observability/exchange-measurement.js';
import type { Exchange } from '../pipeline/exchange.js';
import type { GatewayRequest } from '../pipeline/gateway-request.js';
import type { GatewayRuntime } from '../pipeline/gateway-runtime.js';
import type { SwitchyardConfig } from '../config/schema/switchyard-config.js';
import type { RouteDecision } from '../router/model-router.js';
import type { AdmissionGate, AdmissionPass } from './admission-gate.js';
import { compileKeyPolicies, type KeyPolicies, type KeyPolicy } from './compile-key-policies.js';
import type { GovernanceStore, KeyLimits, Reservation } from '@switchyard/plugin-sdk';
import { priceUsage, type ModelPrice } from './price-usage.js';
import { modelNotAllowed, overLimit, unpricedModel } from './refuse-admission.js';

/**
 * Client keys (issue #20) at admission: model access (403), rate limits, concurrency and budgets
 * through a GovernanceStore (429), prices on the exchange (journal spend_usd, metrics). Policies
 * are compiled once per configuration, so a reload applies new keys and limits while the store's
 * counters (kept by key name) carry on. Requests that nothing governs cost a property read.
 */
export class GovernanceGate implements AdmissionGate {
  private policies: KeyPolicies | null = null;

  constructor(
    readonly store: GovernanceStore,
    private readonly logger?: KernelLogger,
    /** ms since epoch; tests inject a clock to cross windows and periods. */
    private readonly clock: () => number = Date.now,
  ) {}

  /** The compiled policies of a configuration (recompiled when a reload swapped it). */
  policiesFor(config: SwitchyardConfig): KeyPolicies {
    let p = this.policies;
    if (p === null || p.config !== config) this.policies = p = compileKeyPolicies(config);
    return p;
  }

  /** Whether a client key may use a model name (GET /v1/models); true for keys without `models`. */
  allowsModel(config: SwitchyardConfig, keyId: string | null | undefined, model: string): boolean {
    if (keyId == null) return true;
    const allows = this.policiesFor(config).keys.get(keyId)?.allows;
    return allows ? allows(model) : true;
  }

  admit(req: GatewayRequest, decision: RouteDecision, exchange: Exchange, runtime: GatewayRuntime): Promise<AdmissionPass> | null {
    const p = this.policiesFor(runtime.config);
    if (p.inert) return null;
    const pricing = p.pricing;
    if (pricing) exchange.priceOf = pricing;
    const keyId = req.clientKeyId;
    const policy = keyId != null ? p.keys.get(keyId) : undefined;
    if (policy === undefined) return null;
    if (policy.allows && !policy.allows(decision.clientModel)) throw modelNotAllowed(policy, decision.clientModel);
    const limits = policy.limits;
    if (limits === null) return null;
    const price = pricing?.(decision) ?? null;
    if (limits.budget?.usd !== undefined && price === null) throw unpricedModel(policy, decision.clientModel, decision.realModel);
    // A sub-operation (count_tokens) generates nothing; a generation reserves its max output tokens.
    const outputTokens =
      req.operation !== undefined ? 0 : (runtime.registry.codec(req.protocol)?.maxOutputTokens?.(req.body) ?? p.defaultMaxTokens);
    // Input estimated as a quarter of the request's bytes (docs/governance.md "Reservations").
    const inputTokens = Math.ceil((req.rawBody?.length ?? JSON.stringify(req.body).length) / 4);
    const reservation: Reservation = {
      tokens: inputTokens + outputTokens,
      usd: price ? priceUsage(price, { inputTokens, outputTokens }) : 0,
      model: decision.realModel,
    };
    return this.reserve(req, exchange, runtime, policy, limits, reservation);
  }

  private async reserve(
    req: GatewayRequest,
    exchange: Exchange,
    runtime: GatewayRuntime,
    policy: KeyPolicy,
    limits: KeyLimits,
    reservation: Reservation,
  ): Promise<AdmissionPass> {
    const now = this.clock();
    const admission = await this.store.admit(limits, reservation, now);
    const codec = runtime.registry.codec(req.protocol);
    const headers = codec?.rateLimitHeaders?.(admission.limits, now) ?? {};
    if (!admission.admitted) throw overLimit(policy, admission.refused, admission.retryAfterSeconds, headers, reservation.tokens);
    const ticket = admission.ticket;
    // Settled once the exchange ends (a stream already admitted finishes even if it crosses a limit).
    void measurementOf(exchange)
      .then((m) => {
        const u = m.usage;
        const d = exchange.decision;
        const price: ModelPrice | null = d ? (exchange.priceOf?.(d) ?? null) : null;
        return this.store.settle(
          ticket,
          {
            inputTokens: u?.inputTokens ?? 0,
            outputTokens: u?.outputTokens ?? 0,
            cachedInputTokens: u?.cachedInputTokens ?? 0,
            usd: price ? (u ? priceUsage(price, u) : 0) : null,
          },
          this.clock(),
        );
      })
      .catch((err: unknown) => this.logger?.error({ err, clientKey: policy.name }, 'could not settle a client key request'));
    return { headers };
  }
}
