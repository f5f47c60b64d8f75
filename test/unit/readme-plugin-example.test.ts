/**
 * README "Writing a provider plugin" cannot rot: the example plugin it walks through
 * (examples/plugin-ndjson, compiled and tested by `npm test`) is shown there file by file, and
 * every shown file must be the repository's file, byte for byte; its imports come from the SDK.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const EXAMPLE_SRC = path.join(REPO, 'examples/plugin-ndjson/src');

/** The README's "Writing a provider plugin" section (up to the next `## ` heading). */
function pluginSection(): string {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Writing a provider plugin\n');
  assert.ok(start >= 0, 'README has a "Writing a provider plugin" section');
  const next = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, next < 0 ? undefined : next);
}

/** The `ts` code blocks of a Markdown text, each as its exact text. */
export function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

describe('README "Writing a provider plugin" shows the compiled, tested example plugin', () => {
  it('reads code blocks exactly', () => {
    assert.deepEqual(tsBlocks('x\n```ts\nconst a = 1;\n\nlet b;\n```\n```yaml\nk: v\n```\n```ts\nz\n```\n'), [
      'const a = 1;\n\nlet b;\n',
      'z\n',
    ]);
  });

  const section = pluginSection();
  const blocks = tsBlocks(section);
  for (const file of readdirSync(EXAMPLE_SRC).filter((f) => f.endsWith('.ts'))) {
    it(`examples/plugin-ndjson/src/${file} is in the section verbatim, introduced by its path`, () => {
      const source = readFileSync(path.join(EXAMPLE_SRC, file), 'utf8');
      assert.ok(blocks.includes(source), `README's block for src/${file} differs from the file: copy the file into the README`);
      assert.ok(section.includes(`\`src/${file}\`:\n\n\`\`\`ts\n${source}`), `README names src/${file} above its block`);
    });
  }

  it('the section imports the contract from @switchyard/plugin-sdk, never from the kernel', () => {
    const imports = [...section.matchAll(/from '(@switchyard\/[^'/]+)/g)].map((m) => m[1]);
    assert.ok(imports.includes('@switchyard/plugin-sdk'), imports.join(', '));
    assert.ok(!imports.includes('@switchyard/kernel'), imports.join(', '));
  });
});
