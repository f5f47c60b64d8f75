/**
 * Issue #16 item 5: a plugin author depends on one small package, `@switchyard/plugin-sdk`, whose
 * dependency tree holds no NestJS. The walk follows each package.json's `dependencies`,
 * `optionalDependencies` and `peerDependencies`, resolving each name the way Node does (the
 * nearest `node_modules` from the depending package up), and fails on any `@nestjs/*` package or
 * on the kernel (which is built on Nest). The built-in plugins and `@switchyard/testing` are held to
 * the same rule; the kernel itself must show up as Nest-based, or the walk proves nothing.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** The directory of package `name` as Node resolves it from `fromDir`, or null when it is not installed. */
function resolvePackageDir(name: string, fromDir: string): string | null {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return realpathSync(candidate);
    if (path.dirname(dir) === dir) return null;
  }
}

const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;

/** Every package reachable from `startDir`'s dependencies, each as the chain that reached it (`a > b > c`). */
export function dependencyChains(startDir: string): Map<string, string> {
  const chains = new Map<string, string>();
  const start = readManifest(startDir);
  const queue: { dir: string; chain: string }[] = [{ dir: startDir, chain: start.name }];
  const seen = new Set<string>([startDir]);
  while (queue.length > 0) {
    const { dir, chain } = queue.shift()!;
    const m = readManifest(dir);
    const names = Object.keys({ ...m.dependencies, ...m.optionalDependencies, ...m.peerDependencies });
    for (const name of names) {
      const depDir = resolvePackageDir(name, dir);
      if (depDir === null) continue; // an optional or peer dependency that is not installed
      if (!chains.has(name)) chains.set(name, `${chain} > ${name}`);
      if (!seen.has(depDir)) {
        seen.add(depDir);
        queue.push({ dir: depDir, chain: `${chain} > ${name}` });
      }
    }
  }
  return chains;
}

/** The chains that reach NestJS or the kernel. */
function nestChains(startDir: string): string[] {
  return [...dependencyChains(startDir)].filter(([name]) => name.startsWith('@nestjs/') || name === '@switchyard/kernel').map(([, c]) => c);
}

/** The SDK, the test helpers, every plugin package and the example plugins. */
const NEST_FREE = [
  'libs/plugin-sdk',
  'libs/testing',
  ...readdirSync(path.join(REPO, 'plugins')).map((p) => `plugins/${p}`),
  ...readdirSync(path.join(REPO, 'examples'))
    .filter((e) => e.startsWith('plugin-'))
    .map((e) => `examples/${e}`),
];

describe('@switchyard/plugin-sdk: no NestJS in a plugin’s dependency tree (issue #16)', () => {
  it('the walk finds Nest under the kernel (so it can find it anywhere)', () => {
    const chains = nestChains(path.join(REPO, 'libs/kernel'));
    assert.ok(
      chains.some((c) => c.includes('@nestjs/common')),
      chains.join('\n'),
    );
  });

  it('the SDK depends on no kernel', () => {
    assert.ok(!dependencyChains(path.join(REPO, 'libs/plugin-sdk')).has('@switchyard/kernel'));
  });

  for (const dir of NEST_FREE) {
    it(`${dir}: no @nestjs/* package and no kernel in its dependency tree`, () => {
      assert.deepEqual(nestChains(path.join(REPO, dir)), []);
    });
  }
});
