/**
 * Which Node binary runs Switchyard: the current one, a path, or a version fetched on demand
 * from npm's `node` package into .bench/node<version>/ (its install script downloads the binary,
 * so the throwaway project there allows that one package's scripts via `allowScripts`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface NodeBinary {
  path: string;
  version: string;
}

function versionOf(path: string): string {
  return execFileSync(path, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');
}

/** `spec`: empty/"current", a path to a node binary, or a version ("26", "26.10.0"). */
export function resolveNode(spec: string, benchDir: string): NodeBinary {
  const s = spec.trim();
  if (s === '' || s === 'current') return { path: process.execPath, version: process.versions.node };
  if (s.includes('/')) {
    const path = resolve(s);
    if (!existsSync(path)) throw new Error(`--node ${s}: no such file`);
    return { path, version: versionOf(path) };
  }
  if (!/^\d+(\.\d+){0,2}$/.test(s)) throw new Error(`--node ${s}: expected a version like 26 or 26.10.0, or a path`);
  if (process.versions.node === s || process.versions.node.startsWith(s + '.')) {
    return { path: process.execPath, version: process.versions.node };
  }
  const prefix = join(benchDir, `node${s}`);
  const bin = join(prefix, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(bin)) {
    mkdirSync(prefix, { recursive: true });
    writeFileSync(join(prefix, 'package.json'), JSON.stringify({ private: true, allowScripts: { node: true } }, null, 2) + '\n');
    process.stderr.write(`bench: installing node@${s} into ${prefix} …\n`);
    execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', `node@${s}`], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (!existsSync(bin)) throw new Error(`npm install node@${s} did not produce ${bin}`);
  }
  return { path: bin, version: versionOf(bin) };
}
