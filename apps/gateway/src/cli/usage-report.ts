import { parseArgs } from 'node:util';
import type { UsageReport } from '../governance/build-usage-report.js';
import { readUsageStore } from './read-usage-store.js';

export interface UsageCommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

const DEFAULT_URL = 'http://127.0.0.1:4000';
const TIMEOUT_MS = 10_000;

export function usageCommandText(): string {
  return `Usage: switchyard usage [--url URL] [--admin-key KEY] [--json]
       switchyard usage --store FILE [--json]

Asks a running gateway's admin endpoint (GET /admin/usage) for the usage of every client key in
its current budget period: per key and model, requests, tokens and spend, and each limit with
what is left and when it resets. Printed as tables, or as JSON with --json.
With --store, reads the gateway's usage file (governance.store_path) instead, without the
gateway: every key and period the file holds (no limits: they are in the configuration).

  --url URL         the gateway's API address (default ${DEFAULT_URL})
  --admin-key KEY   a key of server.admin_keys (prefer the SWITCHYARD_ADMIN_KEY variable:
                    a flag shows in the process list)
  --store FILE      read the usage file instead of asking a gateway
  --json            print the report as JSON
`;
}

/** Rows as aligned columns: `left` columns padded right, the others (numbers) padded left. */
function formatColumns(header: readonly string[], rows: readonly string[][], left: ReadonlySet<number>): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all.map((row) =>
    row
      .map((c, i) => (left.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** Dollars with the digits a small amount needs: $12.50, $0.0175, $0.000042. */
const usd = (n: number): string => `$${n.toFixed(n === 0 || Math.abs(n) >= 1 ? 2 : Math.abs(n) >= 0.01 ? 4 : 6)}`;

/** The report as two tables: usage per key and model (with each key's total), then limits. */
export function formatUsageReport(report: UsageReport): string {
  const what = report.mode === 'store' ? 'Usage per budget period in the store' : 'Usage in the current budget period';
  const lines = [`${what} (mode: ${report.mode}, at ${report.generated_at})`, ''];
  if (report.keys.length === 0)
    return `${lines[0]}\n\n${report.mode === 'store' ? 'The store holds no usage.' : 'No client keys are configured.'}\n`;
  const usageRows: string[][] = [];
  for (const k of report.keys) {
    for (const m of k.models) {
      usageRows.push([
        k.key,
        k.period,
        m.model,
        String(m.requests),
        String(m.input_tokens),
        String(m.output_tokens),
        String(m.cached_input_tokens),
        usd(m.usd),
      ]);
    }
    const t = k.totals;
    usageRows.push([
      k.key,
      k.period,
      '(total)',
      String(t.requests),
      String(t.input_tokens),
      String(t.output_tokens),
      String(t.cached_input_tokens),
      usd(t.usd),
    ]);
  }
  lines.push(...formatColumns(['KEY', 'PERIOD', 'MODEL', 'REQUESTS', 'INPUT', 'OUTPUT', 'CACHED', 'SPEND'], usageRows, new Set([0, 1, 2])));
  const limitRows = report.keys.flatMap((k) =>
    k.limits.map((l) => {
      const n = (v: number): string => (l.limit === 'budget_usd' ? usd(v) : String(v));
      return [k.key, l.limit, n(l.used), n(l.max), n(l.remaining), l.reset_at];
    }),
  );
  lines.push('');
  if (report.mode === 'store') lines.push('Limits are not in the store: ask a running gateway (switchyard usage --url) for what is left.');
  else if (limitRows.length === 0) lines.push('No limits are configured.');
  else lines.push(...formatColumns(['KEY', 'LIMIT', 'USED', 'MAX', 'REMAINING', 'RESETS AT'], limitRows, new Set([0, 1, 5])));
  return `${lines.join('\n')}\n`;
}

/** The error message of an OpenAI error envelope, else the body's start. */
function errorMessage(text: string): string {
  try {
    const m = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    if (typeof m === 'string') return m;
  } catch {
    // not JSON
  }
  return text.slice(0, 200);
}

/** `switchyard usage`: exit 0 with the report, 1 when the gateway cannot be asked or refuses, 2 on bad usage. */
export async function runUsageCommand(argv: readonly string[], io: UsageCommandIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        url: { type: 'string' },
        'admin-key': { type: 'string' },
        store: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (err) {
    io.stderr.write(`switchyard: ${(err as Error).message}\n\n${usageCommandText()}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(usageCommandText());
    return 0;
  }
  if (values.store !== undefined) {
    if (values.url !== undefined || values['admin-key'] !== undefined) {
      io.stderr.write(`switchyard: --store reads a file; it takes no --url or --admin-key\n\n${usageCommandText()}`);
      return 2;
    }
    let report: UsageReport;
    try {
      report = readUsageStore(values.store);
    } catch (err) {
      io.stderr.write(`switchyard: ${(err as Error).message}\n`);
      return 1;
    }
    io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatUsageReport(report));
    return 0;
  }
  const adminKey = values['admin-key'] ?? io.env.SWITCHYARD_ADMIN_KEY;
  if (!adminKey) {
    io.stderr.write(`switchyard: usage needs an admin key: set SWITCHYARD_ADMIN_KEY (or pass --admin-key)\n`);
    return 2;
  }
  let url: URL;
  try {
    url = new URL('/admin/usage', values.url ?? DEFAULT_URL);
  } catch {
    io.stderr.write(`switchyard: --url: not a URL: ${values.url}\n`);
    return 2;
  }
  let res: Response;
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${adminKey}` }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
    io.stderr.write(`switchyard: cannot reach the gateway at ${url.origin}: ${cause}\n`);
    return 1;
  }
  const text = await res.text();
  if (res.status !== 200) {
    io.stderr.write(`switchyard: ${url.origin}/admin/usage answered ${res.status}: ${errorMessage(text)}\n`);
    return 1;
  }
  let report: UsageReport;
  try {
    report = JSON.parse(text) as UsageReport;
  } catch {
    io.stderr.write(`switchyard: ${url.origin}/admin/usage did not answer JSON\n`);
    return 1;
  }
  io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatUsageReport(report));
  return 0;
}
