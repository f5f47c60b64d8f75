import type { IrUsage } from '@switchyard/plugin-sdk';
import type { PriceConfig } from '@switchyard/plugin-sdk';
import type { SwitchyardConfig } from '../config/schema/switchyard-config.js';
import type { RouteDecision } from '../router/model-router.js';

/** USD per million tokens of one model (issue #20). */
export interface ModelPrice {
  input: number;
  output: number;
  cachedInput: number;
}

/** The price of where a request went, or null when that model has no price. */
export type PriceLookup = (decision: RouteDecision) => ModelPrice | null;

const toPrice = (p: PriceConfig): ModelPrice => ({ input: p.input, output: p.output, cachedInput: p.cached_input ?? p.input });

/**
 * The configuration's prices: a route's `price` for its virtual model (for an auto route, the
 * auto route's own price when the chosen virtual model has none), else `pricing` of the real
 * model the request went to. Null when nothing is priced.
 */
export function compilePricing(config: SwitchyardConfig): PriceLookup | null {
  const byRoute = new Map<string, ModelPrice>();
  for (const r of config.routes) if (r.price) byRoute.set(r.virtual_model, toPrice(r.price));
  const byModel = new Map<string, ModelPrice>();
  for (const [model, p] of Object.entries(config.pricing ?? {})) byModel.set(model, toPrice(p));
  if (byRoute.size === 0 && byModel.size === 0) return null;
  return (d) =>
    (d.virtualModel !== null ? byRoute.get(d.virtualModel) : undefined) ??
    (d.autoRoute ? byRoute.get(d.autoRoute.virtualModel) : undefined) ??
    byModel.get(d.realModel) ??
    null;
}

/**
 * What a usage costs at a price, USD. Cached input tokens (part of `inputTokens`) are priced at
 * `cachedInput`; the rest of the input at `input`; output at `output`.
 */
export function priceUsage(price: ModelPrice, usage: Pick<IrUsage, 'inputTokens' | 'outputTokens' | 'cachedInputTokens'>): number {
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  return ((usage.inputTokens - cached) * price.input + cached * price.cachedInput + usage.outputTokens * price.output) / 1_000_000;
}
