/**
 * A small parser for the Prometheus text exposition format (what the gateway's metrics port
 * serves), for tests that assert series names, labels and values exactly as scraped.
 *
 *   const scrape = await scrapeMetrics(gw.metricsUrl);
 *   scrape.value('switchyard_requests_total', { gen_ai_request_model: 'mock', http_response_status_code: '200' });
 */

/** One sample line: `name{labels} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A metric family from its `# TYPE` / `# HELP` / `# UNIT` lines. */
export interface Family {
  name: string;
  type: string;
  help: string;
  unit: string;
}

export interface Scrape {
  readonly text: string;
  readonly samples: Sample[];
  /** Families by name (from `# TYPE`). */
  readonly families: Map<string, Family>;
  /** Every distinct sample name (`…_bucket`, `…_sum`, `…_count`, `…_total`, gauges), sorted. */
  seriesNames(): string[];
  /** Samples named `name` whose labels include every entry of `match`. */
  find(name: string, match?: Record<string, string>): Sample[];
  /** The single sample named `name` matching `match` exactly on those labels (throws if none or several). */
  one(name: string, match?: Record<string, string>): Sample;
  /** The value of `one(name, match)`, or undefined when there is no such sample (throws if several). */
  value(name: string, match?: Record<string, string>): number | undefined;
}

function unescapeLabel(v: string): string {
  return v.replace(/\\(["\\n])/g, (_m, c: string) => (c === 'n' ? '\n' : c));
}

function parseLabels(body: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;
  let at = 0;
  while (at < body.length) {
    re.lastIndex = at;
    const m = re.exec(body);
    if (!m) throw new Error(`cannot parse labels in: ${line}`);
    labels[m[1]!] = unescapeLabel(m[2]!);
    at = re.lastIndex;
  }
  return labels;
}

function parseValue(v: string): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  if (v === 'NaN') return NaN;
  return Number(v);
}

export function parsePrometheusText(text: string): Scrape {
  const samples: Sample[] = [];
  const families = new Map<string, Family>();
  const family = (name: string): Family => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, type: 'untyped', help: '', unit: '' }));
    return f;
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const m = /^#\s+(TYPE|HELP|UNIT)\s+(\S+)\s*(.*)$/.exec(line);
      if (!m) continue;
      const f = family(m[2]!);
      if (m[1] === 'TYPE') f.type = m[3]!;
      else if (m[1] === 'HELP') f.help = m[3]!;
      else f.unit = m[3]!;
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/.exec(line);
    if (!m) throw new Error(`cannot parse sample line: ${line}`);
    samples.push({ name: m[1]!, labels: m[2] ? parseLabels(m[2], line) : {}, value: parseValue(m[3]!) });
  }
  const matches = (s: Sample, name: string, match: Record<string, string>) =>
    s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v);
  const scrape: Scrape = {
    text,
    samples,
    families,
    seriesNames: () => [...new Set(samples.map((s) => s.name))].sort(),
    find: (name, match = {}) => samples.filter((s) => matches(s, name, match)),
    one(name, match = {}) {
      const found = scrape.find(name, match);
      if (found.length !== 1) {
        throw new Error(
          `expected exactly one ${name} sample matching ${JSON.stringify(match)}, found ${found.length}:\n` +
            (found.length ? found : scrape.find(name)).map((s) => `  ${JSON.stringify(s.labels)} ${s.value}`).join('\n'),
        );
      }
      return found[0]!;
    },
    value(name, match = {}) {
      const found = scrape.find(name, match);
      if (found.length > 1) scrape.one(name, match);
      return found[0]?.value;
    },
  };
  return scrape;
}

/** GETs `${metricsUrl}/metrics` and parses it. */
export async function scrapeMetrics(metricsUrl: string, path = '/metrics'): Promise<Scrape> {
  const res = await fetch(`${metricsUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
  if (res.status !== 200) throw new Error(`GET ${metricsUrl}${path} → ${res.status}`);
  return parsePrometheusText(await res.text());
}

/** Labels minus the exporter's own scope labels (`otel_scope_name`, `otel_scope_version`, …). */
export function withoutScope(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (!k.startsWith('otel_scope_')) out[k] = v;
  return out;
}
