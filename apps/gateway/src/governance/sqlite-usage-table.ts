import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';

/** One key's usage of one model in one budget period. */
export interface UsageRow {
  model: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  usd: number;
}

/**
 * Budget counters on disk with Node's built-in node:sqlite (issue #20), so a monthly budget
 * survives a restart: one row per key, period and model, added to as requests settle. Writes are
 * synchronous (WAL journal), each a single upsert.
 */
export class SqliteUsageTable {
  private readonly db: DatabaseSync;
  private readonly upsert: StatementSync;
  private readonly select: StatementSync;

  constructor(file: string) {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    // Several processes may share the file (workers, a restart overlapping a shutdown): wait briefly for its lock.
    this.db = new DatabaseSync(file, { timeout: 1000 });
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS usage (
        key_id TEXT NOT NULL, period TEXT NOT NULL, model TEXT NOT NULL,
        requests INTEGER NOT NULL, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
        cached_input_tokens INTEGER NOT NULL, usd REAL NOT NULL,
        PRIMARY KEY (key_id, period, model))`,
    );
    this.upsert = this.db.prepare(
      `INSERT INTO usage VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key_id, period, model) DO UPDATE SET requests = requests + excluded.requests,
         input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
         cached_input_tokens = cached_input_tokens + excluded.cached_input_tokens, usd = usd + excluded.usd`,
    );
    this.select = this.db.prepare(
      'SELECT model, requests, input_tokens, output_tokens, cached_input_tokens, usd FROM usage WHERE key_id = ? AND period = ?',
    );
  }

  add(keyId: string, period: string, row: UsageRow): void {
    this.upsert.run(keyId, period, row.model, row.requests, row.inputTokens, row.outputTokens, row.cachedInputTokens, row.usd);
  }

  read(keyId: string, period: string): UsageRow[] {
    return this.select.all(keyId, period).map((r) => ({
      model: String(r.model),
      requests: Number(r.requests),
      inputTokens: Number(r.input_tokens),
      outputTokens: Number(r.output_tokens),
      cachedInputTokens: Number(r.cached_input_tokens),
      usd: Number(r.usd),
    }));
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
