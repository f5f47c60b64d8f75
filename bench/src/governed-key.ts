/**
 * Issue #20: a Switchyard target whose requests carry a client key with every limit on (models,
 * rpm, tpm, max_concurrency, a tokens and a usd budget, a price), all too high to refuse anything,
 * so the bench measures what admission, the reservation and the settlement cost per request
 * against the same gateway with no keys (`--keys none,limited`).
 */

/** `none`: the plain Switchyard target; `limited`: one more target whose requests use a fully limited key. */
export type KeysMode = 'none' | 'limited';

const BENCH_KEY = 'sk-bench-client-key-0000000000000001';

/** The headers the load generator and the preflight send with a target's requests. */
export const GOVERNED_KEY_HEADERS: Readonly<Record<string, string>> = { authorization: `Bearer ${BENCH_KEY}` };

/** The key with every limit on, as a `server.api_keys` entry. */
export function governedKeyEntry(): object {
  return {
    name: 'bench',
    key: BENCH_KEY,
    models: ['bench*'],
    rpm: 100_000_000,
    tpm: 1_000_000_000_000,
    max_concurrency: 100_000,
    budget: { tokens: 1_000_000_000_000, usd: 1_000_000_000, period: 'month' },
  };
}

/** A price for the upstream's model, so every request is priced and counts against the usd budget. */
export function benchPricing(upstreamModel: string): object {
  return { [upstreamModel]: { input: 1, output: 2, cached_input: 0.5 } };
}
