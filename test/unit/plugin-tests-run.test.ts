/**
 * Issue #16 item 8: each plugin's unit tests live in its own package (`plugins/<name>/test/`) and
 * the README's test command (`npm test`) runs them: every such folder is a TypeScript project the
 * build references, compiled to `plugins/<name>/test-dist/`, which the test script's globs cover.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const readJson = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(REPO, file), 'utf8')) as Record<string, unknown>;

const pluginsWithTests = readdirSync(path.join(REPO, 'plugins')).filter((p) =>
  readdirSync(path.join(REPO, 'plugins', p)).includes('test')
    ? readdirSync(path.join(REPO, 'plugins', p, 'test')).some((f) => f.endsWith('.test.ts'))
    : false,
);

describe("plugins' own tests run with npm test (issue #16)", () => {
  it('the plugins hold their unit tests', () => {
    assert.ok(pluginsWithTests.length >= 7, pluginsWithTests.join(', '));
  });

  it('npm test runs the compiled tests of every plugin', () => {
    const script = (readJson('package.json').scripts as Record<string, string>).test!;
    assert.match(script, /^tsc -b tsconfig\.build\.json && node --test /);
    assert.ok(script.includes("'plugins/*/test-dist/**/*.test.js'"), script);
    assert.ok(script.includes("'examples/*/test-dist/**/*.test.js'"), script);
    const refs = (readJson('tsconfig.build.json').references as { path: string }[]).map((r) => r.path);
    assert.ok(refs.includes('examples/plugin-ndjson/test'), 'the example plugin of the README is built and tested');
  });

  for (const plugin of pluginsWithTests) {
    it(`plugins/${plugin}/test is a project the build references, compiled to plugins/${plugin}/test-dist`, () => {
      const dir = `plugins/${plugin}/test`;
      assert.ok(existsSync(path.join(REPO, dir, 'tsconfig.json')));
      const options = readJson(`${dir}/tsconfig.json`).compilerOptions as Record<string, string>;
      assert.equal(path.resolve(REPO, dir, options.outDir!), path.join(REPO, 'plugins', plugin, 'test-dist'));
      const refs = (readJson('tsconfig.build.json').references as { path: string }[]).map((r) => r.path);
      assert.ok(refs.includes(dir), `${dir} missing from tsconfig.build.json`);
    });
  }
});
