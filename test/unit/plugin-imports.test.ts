/**
 * Issue #16 item 5: a plugin is written against `@switchyard/plugin-sdk` alone. Every import in
 * plugins/<name>/src (and the example plugins' src) names the SDK, a Node built-in, a relative file,
 * another plugin package (a plugin that reuses another protocol's codec) or a package the plugin
 * itself declares in its package.json; never the kernel, the gateway or NestJS.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * The module specifiers of static imports, re-exports, side-effect imports and dynamic imports
 * (`from` and `import` as keywords only: `Buffer.from('error')` is a call, not an import).
 */
export function importSpecifiers(source: string): string[] {
  const specs: string[] = [];
  for (const m of source.matchAll(/(?<![.\w$])(?:from\s*['"]([^'"]+)['"]|import\s*\(?\s*['"]([^'"]+)['"])/g)) specs.push((m[1] ?? m[2])!);
  return specs;
}

/** The package a bare specifier names (`@scope/name` or `name`), null for relative and `node:` ones. */
function packageOf(spec: string): string | null {
  if (spec.startsWith('.') || spec.startsWith('node:')) return null;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The imports of `sources` (file → text) that a plugin declaring `declared` may not make. */
export function offendingImports(sources: Record<string, string>, declared: ReadonlySet<string>): string[] {
  const offenders: string[] = [];
  for (const [file, text] of Object.entries(sources)) {
    for (const spec of importSpecifiers(text)) {
      const pkg = packageOf(spec);
      if (pkg === null || pkg === '@switchyard/plugin-sdk') continue;
      const foreign = pkg.startsWith('@switchyard/') ? !pkg.startsWith('@switchyard/plugin-') : pkg.startsWith('@nestjs/');
      if (foreign || !declared.has(pkg)) offenders.push(`${file}: ${spec}`);
    }
  }
  return offenders;
}

function pluginOffenders(pluginDir: string): string[] {
  const manifest = JSON.parse(readFileSync(path.join(pluginDir, 'package.json'), 'utf8')) as Record<
    string,
    Record<string, string> | undefined
  >;
  const declared = new Set(Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies }));
  const src = path.join(pluginDir, 'src');
  const sources: Record<string, string> = {};
  for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
    sources[path.relative(REPO, path.join(src, file))] = readFileSync(path.join(src, file), 'utf8');
  }
  return offendingImports(sources, declared);
}

const pluginDirs = [
  ...readdirSync(path.join(REPO, 'plugins')).map((p) => path.join(REPO, 'plugins', p)),
  ...readdirSync(path.join(REPO, 'examples'))
    .filter((e) => e.startsWith('plugin-'))
    .map((e) => path.join(REPO, 'examples', e)),
];

describe('plugins import only @switchyard/plugin-sdk (issue #16)', () => {
  it('reads every kind of import', () => {
    assert.deepEqual(
      importSpecifiers(
        `import a from 'a';\nimport type { B } from "@s/b";\nexport * from './c.js';\nimport 'd';\nconst e = await import('e');\nconst f = Buffer.from('message_delta');`,
      ),
      ['a', '@s/b', './c.js', 'd', 'e'],
    );
  });

  it('flags the kernel, the gateway, Nest (even when declared) and undeclared packages; allows the SDK, Node, relative files and declared packages', () => {
    const declared = new Set(['@switchyard/kernel', '@nestjs/common', 'undici', '@switchyard/plugin-anthropic']);
    const sources = {
      'ok.ts': `import { x } from '@switchyard/plugin-sdk';\nimport { y } from '@switchyard/plugin-sdk/testing';\nimport { z } from 'undici';\nimport { a } from '@switchyard/plugin-anthropic';\nimport { b } from './b.js';\nimport { c } from 'node:fs';`,
      'bad.ts': `import { GatewayPipeline } from '@switchyard/kernel';\nimport { Injectable } from '@nestjs/common';\nimport { createSwitchyard } from '@switchyard/gateway';\nimport { parse } from 'yaml';`,
    };
    assert.deepEqual(offendingImports(sources, declared), [
      'bad.ts: @switchyard/kernel',
      'bad.ts: @nestjs/common',
      'bad.ts: @switchyard/gateway',
      'bad.ts: yaml',
    ]);
  });

  for (const dir of pluginDirs) {
    it(`${path.relative(REPO, dir)}/src imports the SDK, Node, its own files and its declared dependencies only`, () => {
      assert.deepEqual(pluginOffenders(dir), []);
    });
  }
});
