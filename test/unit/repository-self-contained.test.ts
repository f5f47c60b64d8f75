/**
 * A fresh clone with nothing beside it must pass the test suite: nothing in the repository may
 * read a folder outside it (such as a `shared` checkout one level up). Recorded fixtures live in
 * the plugins' own `test/fixtures/`, the contract in docs/SPEC.md.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** `..` + separator + `shared`, spelt so that this file does not match itself. */
const OUTSIDE = new RegExp(['\\.\\.', 'shared\\b'].join('[/\\\\]'));

function trackedFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' });
  return out.split('\0').filter((f) => f !== '' && !f.endsWith('.md') && f !== 'package-lock.json');
}

describe('the repository is self-contained', () => {
  it('no tracked source, script or config file refers to a shared folder beside the clone', (t) => {
    if (!existsSync(path.join(REPO_ROOT, '.git'))) return t.skip('not a git checkout');
    const offenders = trackedFiles().filter((file) => {
      const full = path.join(REPO_ROOT, file);
      return existsSync(full) && OUTSIDE.test(readFileSync(full, 'latin1'));
    });
    assert.deepEqual(offenders, []);
  });

  it('the contract and every recorded fixture folder are in the repository', () => {
    assert.ok(existsSync(path.join(REPO_ROOT, 'docs', 'SPEC.md')));
    for (const [plugin, folder] of [
      ['anthropic', 'anthropic'],
      ['openai', 'openai-chat'],
      ['openai', 'openai-completions'],
      ['openresponses', 'openresponses'],
      ['vertex', 'gemini'],
    ] as const) {
      const dir = path.join(REPO_ROOT, 'plugins', plugin, 'test', 'fixtures');
      assert.ok(existsSync(path.join(dir, folder)), `${plugin}/test/fixtures/${folder}`);
      assert.match(readFileSync(path.join(dir, 'NOTICE'), 'utf8'), /Apache License, Version 2\.0/);
    }
  });
});
