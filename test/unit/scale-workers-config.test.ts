/**
 * Issue #18 item 1, settings: `server.workers` / `--workers` (auto or a whole number ≥ 1, clear
 * errors naming the key otherwise) and how `auto` counts cores, honouring a cgroup CPU quota
 * (cgroup v2 `cpu.max`, v1 `cpu.cfs_quota_us`), read here from fake file contents.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildConfig, ConfigError, UsageError } from '@switchyard/kernel';
import { parse } from 'yaml';
import { builtinRegistry } from '../helpers/builtin-registry.js';

type CountModule = typeof import('../../apps/gateway/src/cluster/count-workers.js');
type CliModule = typeof import('../../apps/gateway/src/cli/parse-cli-args.js');
const { availableCores, cpusFromCpuMax, workerCount } = (await import(
  new URL('../../../apps/gateway/dist/cluster/count-workers.js', import.meta.url).href
)) as CountModule;
const { parseCliArgs } = (await import(new URL('../../../apps/gateway/dist/cli/parse-cli-args.js', import.meta.url).href)) as CliModule;

const build = (yaml: string) => buildConfig(parse(yaml), { source: 'cfg.yaml', baseDir: '.', env: {}, registry: builtinRegistry() });
const BACKEND = 'backends: [{ id: m, type: mock, models: ["*"] }]\n';

async function rejection(yaml: string): Promise<string> {
  try {
    await build(yaml);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message;
  }
  return assert.fail('expected the configuration to be rejected');
}

test('server.workers: 1 by default; auto and whole numbers accepted', async () => {
  assert.equal((await build(BACKEND)).config.server.workers, 1);
  assert.equal((await build(`server: { workers: auto }\n${BACKEND}`)).config.server.workers, 'auto');
  assert.equal((await build(`server: { workers: 4 }\n${BACKEND}`)).config.server.workers, 4);
});

test('server.workers: 0, negative, fractional or a word are errors naming the key', async () => {
  for (const [value, shown] of [
    ['0', '0'],
    ['-2', '-2'],
    ['1.5', '1.5'],
    ['all', '"all"'],
  ] as const) {
    const message = await rejection(`server: { workers: ${value} }\n${BACKEND}`);
    assert.match(
      message,
      new RegExp(
        `server\\.workers: must be "auto" or a whole number of worker processes, at least 1 \\(got ${shown.replace('.', '\\.')}\\)`,
      ),
    );
  }
});

test('--workers: auto or N beats the file; 0, negative or a word are usage errors naming the flag', () => {
  assert.equal(parseCliArgs(['--workers', 'auto']).workers, 'auto');
  assert.equal(parseCliArgs(['--workers=3']).workers, 3);
  for (const bad of ['0', '-1', 'two', '1.5']) {
    assert.throws(
      () => parseCliArgs([`--workers=${bad}`]),
      (err: unknown) => err instanceof UsageError && /^--workers must be "auto" or a whole number/.test(err.message),
    );
  }
});

test('cgroup v2 cpu.max: a quota caps the cores, "max" is no quota, fractions round down (at least 1)', () => {
  assert.equal(cpusFromCpuMax('200000 100000\n'), 2);
  assert.equal(cpusFromCpuMax('max 100000\n'), null);
  assert.equal(cpusFromCpuMax('150000 100000'), 1);
  assert.equal(cpusFromCpuMax('50000 100000'), 1);
  assert.equal(cpusFromCpuMax('400000 100000'), 4);
  assert.equal(cpusFromCpuMax('garbage'), null);
});

test('auto: the CPUs the process may use, capped by the cgroup quota (v2, else v1)', () => {
  const files = (map: Record<string, string>) => (p: string) => {
    if (p in map) return map[p]!;
    throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
  };
  assert.equal(availableCores({ cores: () => 8, readFile: files({ '/sys/fs/cgroup/cpu.max': '200000 100000' }) }), 2);
  assert.equal(availableCores({ cores: () => 8, readFile: files({ '/sys/fs/cgroup/cpu.max': 'max 100000' }) }), 8);
  assert.equal(availableCores({ cores: () => 2, readFile: files({ '/sys/fs/cgroup/cpu.max': '800000 100000' }) }), 2);
  assert.equal(
    availableCores({
      cores: () => 16,
      readFile: files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '300000', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000' }),
    }),
    3,
  );
  assert.equal(availableCores({ cores: () => 6, readFile: files({}) }), 6);
  assert.equal(workerCount('auto', { cores: () => 8, readFile: files({ '/sys/fs/cgroup/cpu.max': '300000 100000' }) }), 3);
  assert.equal(workerCount(5, { cores: () => 1, readFile: files({}) }), 5);
});
