import { existsSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import type { UsageReport, UsageReportKey } from '../governance/build-usage-report.js';

/**
 * The usage a gateway persisted in its `governance.store_path` file (node:sqlite, table `usage`:
 * one row per key, budget period and model), read-only and without the gateway running, as a
 * UsageReport with one entry per key and period (`mode: store`). The file holds no limits: they
 * are in the configuration (ask a running gateway for what is left).
 */
export function readUsageStore(file: string, nowMs = Date.now()): UsageReport {
  if (!existsSync(file)) throw new Error(`no usage store at ${file} (governance.store_path of the gateway's configuration)`);
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(file, { readOnly: true });
  } catch (err) {
    throw new Error(`cannot open ${file} as a usage store: ${(err as Error).message}`, { cause: err });
  }
  try {
    let rows: Array<Record<string, unknown>>;
    try {
      rows = db
        .prepare(
          'SELECT key_id, period, model, requests, input_tokens, output_tokens, cached_input_tokens, usd FROM usage ORDER BY key_id, period DESC, model',
        )
        .all();
    } catch (err) {
      throw new Error(`${file} is not a Switchyard usage store: ${(err as Error).message}`, { cause: err });
    }
    const keys = new Map<string, UsageReportKey>();
    for (const r of rows) {
      const id = `${String(r.key_id)}\u0000${String(r.period)}`;
      let k = keys.get(id);
      if (!k) {
        k = {
          key: String(r.key_id),
          metadata: {},
          period: String(r.period),
          limits: [],
          models: [],
          totals: { requests: 0, input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, usd: 0 },
        };
        keys.set(id, k);
      }
      const m = {
        model: String(r.model),
        requests: Number(r.requests),
        input_tokens: Number(r.input_tokens),
        output_tokens: Number(r.output_tokens),
        cached_input_tokens: Number(r.cached_input_tokens),
        usd: Math.round(Number(r.usd) * 1e6) / 1e6,
      };
      k.models.push(m);
      k.totals.requests += m.requests;
      k.totals.input_tokens += m.input_tokens;
      k.totals.output_tokens += m.output_tokens;
      k.totals.cached_input_tokens += m.cached_input_tokens;
      k.totals.usd = Math.round((k.totals.usd + m.usd) * 1e6) / 1e6;
    }
    return { mode: 'store', generated_at: new Date(nowMs).toISOString(), keys: [...keys.values()] };
  } finally {
    db.close();
  }
}
