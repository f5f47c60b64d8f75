/**
 * `plugins:` entries resolve the way Node users expect: package names from the configuration
 * file's folder (then the working directory, then next to the gateway), paths relative to the
 * configuration file, a path naming a package folder through its package.json, and a failure
 * that says where it looked.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pluginSpecifier } from '@switchyard/kernel';

const root = mkdtempSync(path.join(tmpdir(), 'switchyard-plugins-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Writes a package folder with the given manifest and an entry file per path. */
function writePackage(dir: string, manifest: Record<string, unknown>, files: string[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest));
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), 'export default {};\n');
  }
}

const configDir = path.join(root, 'etc', 'gateway');
const elsewhere = path.join(root, 'elsewhere');
writePackage(
  path.join(root, 'etc', 'node_modules', '@acme', 'switchyard-plugin-x'),
  { name: '@acme/switchyard-plugin-x', type: 'module', exports: { '.': { import: './dist/index.js' } } },
  ['dist/index.js'],
);
writePackage(path.join(elsewhere, 'node_modules', 'only-in-cwd'), { name: 'only-in-cwd', type: 'module', main: 'main.js' }, ['main.js']);
writePackage(path.join(configDir, 'local', 'with-exports'), { name: 'local-with-exports', type: 'module', exports: './lib/entry.js' }, [
  'lib/entry.js',
]);
writePackage(path.join(configDir, 'local', 'with-main'), { name: 'local-with-main', main: 'src/start.js' }, ['src/start.js']);
writePackage(path.join(configDir, 'local', 'bare'), { name: 'bare' }, ['index.js']);
mkdirSync(path.join(configDir, 'not-a-package'), { recursive: true });
writeFileSync(path.join(configDir, 'plugin.js'), 'export default {};\n');

const file = (url: string) => fileURLToPath(url);

describe('plugins: resolution', () => {
  it('a package name from the configuration file’s folder, through parent node_modules and `exports`', () => {
    const url = pluginSpecifier('@acme/switchyard-plugin-x', configDir, elsewhere);
    assert.equal(file(url), path.join(root, 'etc', 'node_modules', '@acme', 'switchyard-plugin-x', 'dist', 'index.js'));
  });

  it('then from the working directory', () => {
    assert.equal(
      file(pluginSpecifier('only-in-cwd', configDir, elsewhere)),
      path.join(elsewhere, 'node_modules', 'only-in-cwd', 'main.js'),
    );
  });

  it('then next to the gateway (a plugin installed alongside it)', () => {
    const url = pluginSpecifier('@switchyard-example/plugin-echo', configDir, elsewhere);
    assert.match(file(url), /plugin-echo[/\\]dist[/\\]index\.js$/);
  });

  it('paths are relative to the configuration file; a package folder resolves through its package.json', () => {
    assert.equal(file(pluginSpecifier('./plugin.js', configDir, elsewhere)), path.join(configDir, 'plugin.js'));
    assert.equal(
      file(pluginSpecifier('./local/with-exports', configDir, elsewhere)),
      path.join(configDir, 'local', 'with-exports', 'lib', 'entry.js'),
    );
    assert.equal(
      file(pluginSpecifier('./local/with-main', configDir, elsewhere)),
      path.join(configDir, 'local', 'with-main', 'src', 'start.js'),
    );
    assert.equal(
      file(pluginSpecifier(path.join(configDir, 'local', 'bare'), root, elsewhere)),
      path.join(configDir, 'local', 'bare', 'index.js'),
    );
  });

  it('a failure says where it looked', () => {
    assert.throws(
      () => pluginSpecifier('@acme/missing', configDir, elsewhere),
      (err: Error) =>
        err.message.includes('cannot load "@acme/missing": no such package in') &&
        err.message.includes(path.join(configDir, 'node_modules')) &&
        err.message.includes(path.join(elsewhere, 'node_modules')),
    );
    assert.throws(() => pluginSpecifier('./nope.js', configDir, elsewhere), /cannot load ".*nope\.js": no such file or folder/);
    assert.throws(() => pluginSpecifier('./not-a-package', configDir, elsewhere), /a folder without a package\.json/);
  });
});
