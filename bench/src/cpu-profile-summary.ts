/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): the functions with the most self time, and self
 * time per package, and the heaviest call stacks leading to chosen functions.
 * CLI: node bench/dist/cpu-profile-summary.js FILE.cpuprofile [TOP] [--callers name1,name2]
 */
import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  where: string;
  ms: number;
  pct: number;
}

/** `node_modules/@scope/pkg/…` → `@scope/pkg`; the repo's own files → their workspace dir; node internals → `node:`. */
export function packageOf(url: string): string {
  if (!url) return '(native/VM)';
  if (url.startsWith('node:')) return 'node: (core)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + '/node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const m = /\/(apps|libs|plugins)\/([^/]+)\//.exec(url);
  return m ? `switchyard ${m[1]}/${m[2]}` : url;
}

function shortWhere(url: string, line: number): string {
  if (!url) return '';
  const nm = url.lastIndexOf('/node_modules/');
  const short = nm >= 0 ? url.slice(nm + '/node_modules/'.length) : url.replace(/^file:\/\/.*?\/(apps|libs|plugins)\//, '$1/');
  return `${short}:${line + 1}`;
}

export function summarise(profile: CpuProfile, top = 15): { total: number; functions: SelfTime[]; packages: SelfTime[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const fns = new Map<string, SelfTime>();
  const pkgs = new Map<string, SelfTime>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const f = byId.get(id)!.callFrame;
    const name = f.functionName || '(anonymous)';
    if (name === '(idle)') continue;
    total += us;
    const where = shortWhere(f.url, f.lineNumber);
    const key = `${name} ${where}`;
    const fn = fns.get(key) ?? { name, where, ms: 0, pct: 0 };
    fn.ms += us / 1000;
    fns.set(key, fn);
    const pkg = packageOf(f.url);
    const p = pkgs.get(pkg) ?? { name: pkg, where: '', ms: 0, pct: 0 };
    p.ms += us / 1000;
    pkgs.set(pkg, p);
  }
  const rank = (m: Map<string, SelfTime>, n: number) =>
    [...m.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, n)
      .map((s) => ({ ...s, pct: (s.ms * 100_000) / total }));
  return { total: total / 1000, functions: rank(fns, top), packages: rank(pkgs, top) };
}

export function formatSummary(file: string, top = 15): string {
  const s = summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, top);
  const lines = [
    `${file}: ${s.total.toFixed(0)} ms of non-idle samples`,
    '',
    `| self ms | % | function | where |`,
    `| ---: | ---: | --- | --- |`,
  ];
  for (const f of s.functions) lines.push(`| ${f.ms.toFixed(0)} | ${f.pct.toFixed(1)} | \`${f.name}\` | ${f.where} |`);
  lines.push('', `| self ms | % | package |`, `| ---: | ---: | --- |`);
  for (const p of s.packages) lines.push(`| ${p.ms.toFixed(0)} | ${p.pct.toFixed(1)} | ${p.name} |`);
  return lines.join('\n');
}

/** The heaviest stacks (up to `depth` callers) in which `name` itself was on CPU. */
export function callersOf(profile: CpuProfile, name: string, top = 5, depth = 8): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stacks = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!)!;
    if ((node.callFrame.functionName || '(anonymous)') !== name) continue;
    const chain: string[] = [];
    for (let p = parent.get(node.id); p !== undefined && chain.length < depth; p = parent.get(p)) {
      const f = byId.get(p)!.callFrame;
      chain.push(`${f.functionName || '(anonymous)'} ${shortWhere(f.url, f.lineNumber)}`);
    }
    const key = chain.join(' ← ');
    stacks.set(key, (stacks.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const lines = [...stacks]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, us]) => `- ${(us / 1000).toFixed(0)} ms: ${name} ← ${k}`);
  return [`Callers of \`${name}\`:`, ...lines].join('\n');
}

function isMain(): boolean {
  try {
    return !!process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (isMain()) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--callers');
  const callers = at >= 0 ? (args.splice(at, 2)[1] ?? '').split(',').filter(Boolean) : [];
  const [file, top] = args;
  if (!file) {
    process.stderr.write('Usage: node bench/dist/cpu-profile-summary.js FILE.cpuprofile [TOP] [--callers name1,name2]\n');
    process.exit(2);
  }
  process.stdout.write(formatSummary(file, top ? Number(top) : 15) + '\n');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  for (const name of callers) process.stdout.write('\n' + callersOf(profile, name) + '\n');
}
