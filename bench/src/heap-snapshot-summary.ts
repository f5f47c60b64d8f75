/**
 * What a heap holds, by constructor, and what grew between two heap snapshots (issue #19: what
 * each open stream holds):
 *
 *   node bench/dist/heap-snapshot-summary.js before.heapsnapshot after.heapsnapshot [--per 500] [--top 40]
 *
 * Sums each node's self size and count by its type and name (the constructor for objects, the
 * kind for closures, strings, code …) in both snapshots and prints the largest differences; with
 * `--per N`, also per one of N (e.g. per open stream). With one snapshot, prints its own totals.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

interface Bucket {
  count: number;
  bytes: number;
}

/** Self size and count per `type:name` (names of closures, strings and code are grouped by type). */
export function summarise(snapshot: Snapshot): Map<string, Bucket> {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = [fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')];
  const out = new Map<string, Bucket>();
  const nodes = snapshot.nodes;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]!]!;
    const name = snapshot.strings[nodes[i + nameAt]!]!;
    // Strings and numbers are named by their value: group them by type only.
    const key =
      type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'number'
        ? type
        : type === 'closure'
          ? `closure ${name || '(anonymous)'}`
          : `${type}:${name.length > 60 ? name.slice(0, 57) + '…' : name}`;
    const b = out.get(key) ?? { count: 0, bytes: 0 };
    b.count++;
    b.bytes += nodes[i + sizeAt]!;
    out.set(key, b);
  }
  return out;
}

const read = (path: string): Map<string, Bucket> => summarise(JSON.parse(readFileSync(path, 'utf8')) as Snapshot);

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { per: { type: 'string' }, top: { type: 'string', default: '40' } },
  });
  if (positionals.length < 1 || positionals.length > 2)
    throw new Error('usage: heap-snapshot-summary.js before.heapsnapshot [after.heapsnapshot]');
  const top = Number(values.top);
  const per = values.per ? Number(values.per) : undefined;
  const a = read(positionals[0]!);
  const b = positionals[1] ? read(positionals[1]) : new Map<string, Bucket>();
  const keys = new Set([...a.keys(), ...b.keys()]);
  const rows = [...keys].map((k) => {
    const x = a.get(k) ?? { count: 0, bytes: 0 };
    const y = b.get(k) ?? { count: 0, bytes: 0 };
    return positionals[1] ? { k, count: y.count - x.count, bytes: y.bytes - x.bytes } : { k, ...x };
  });
  rows.sort((p, q) => Math.abs(q.bytes) - Math.abs(p.bytes));
  const total = rows.reduce((s, r) => s + r.bytes, 0);
  const totalCount = rows.reduce((s, r) => s + r.count, 0);
  const perCols = (bytes: number, count: number) => (per ? `\t${(bytes / per).toFixed(0)} B\t${(count / per).toFixed(2)}` : '');
  process.stdout.write(
    `${positionals[1] ? 'difference' : 'total'}: ${(total / 1024).toFixed(0)} KiB in ${totalCount} objects${perCols(total, totalCount)}\n`,
  );
  process.stdout.write(`bytes\tcount${per ? '\tbytes per\tcount per' : ''}\ttype:name\n`);
  for (const r of rows.slice(0, top)) process.stdout.write(`${r.bytes}\t${r.count}${perCols(r.bytes, r.count)}\t${r.k}\n`);
}

main();
