/**
 * Packaging (issue #8): `npm pack` of every package (kernel, testing helpers, each built-in
 * plugin, the gateway, the echo example plugin) and of examples/embedded makes tarballs that
 * install into a fresh project (third-party dependencies from the npm cache, else the registry).
 * There the embedded example runs, a TypeScript program type-checks against the shipped
 * declarations (SDK types included) and runs, the echo plugin loads by name from `plugins:`, and
 * the `switchyard` command starts.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const TSC = path.join(REPO, 'node_modules/typescript/bin/tsc');

const WORKSPACES = [
  'libs/plugin-sdk',
  'libs/kernel',
  'libs/testing',
  'plugins/openai',
  'plugins/anthropic',
  'plugins/mock',
  'plugins/openresponses',
  'plugins/vertex',
  'plugins/bedrock',
  'plugins/ollama',
  'apps/gateway',
  'examples/plugin-echo',
];

/** The environment for npm: this Node first on PATH, and none of an outer `npm test`'s npm_* settings (prefix, workspace). */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'INIT_CWD' && !k.startsWith('SWITCHYARD_')) env[k] = v;
  env.PATH = `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`;
  env.npm_config_update_notifier = 'false';
  return env;
}

interface Run {
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env: npmEnv(), timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')} (in ${cwd}) failed: ${err.message}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

const node = (args: string[], cwd: string) => run(process.execPath, args, cwd);

describe('npm pack → npm install → run', { timeout: 240_000 }, () => {
  let tmp: string;
  let app: string;

  before(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), 'switchyard-pack-'));
    const tgz = path.join(tmp, 'tgz');
    app = path.join(tmp, 'app');
    mkdirSync(tgz);
    mkdirSync(app);
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', tgz, ...WORKSPACES.flatMap((w) => ['-w', w])], REPO);
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', tgz], path.join(REPO, 'examples/embedded'));
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'switchyard-pack-check', private: true, type: 'module' }));
    const tarballs = readdirSync(tgz).map((f) => path.join(tgz, f));
    assert.equal(tarballs.length, WORKSPACES.length + 1, readdirSync(tgz).join(', '));
    // The SDKs only for their types (optional peer dependencies of @switchyard/gateway).
    const sdks = ['openai', '@anthropic-ai/sdk'].map((name) => {
      const version = (JSON.parse(readFileSync(path.join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
        .version;
      return `${name}@${version}`;
    });
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs, ...sdks], app, 180_000);
  });

  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('installs the Switchyard packages from the tarballs, not from a registry', () => {
    const lock = JSON.parse(readFileSync(path.join(app, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { resolved?: string }>;
    };
    for (const name of [
      '@switchyard/plugin-sdk',
      '@switchyard/kernel',
      '@switchyard/gateway',
      '@switchyard/plugin-openai',
      '@switchyard/plugin-mock',
      '@switchyard/testing',
      '@switchyard-example/plugin-echo',
    ]) {
      const entries = Object.entries(lock.packages).filter(([k]) => k.endsWith(`node_modules/${name}`));
      assert.equal(entries.length, 1, `${name}: ${entries.map(([k]) => k).join(', ')}`);
      assert.match(entries[0]![1].resolved ?? '', /^file:.*\.tgz$/, `${name} resolved from ${entries[0]![1].resolved}`);
    }
    // What a package ships: its dist and README, no build state.
    const kernel = readdirSync(path.join(app, 'node_modules/@switchyard/kernel'));
    assert.ok(kernel.includes('README.md'), kernel.join(', '));
    assert.ok(!readdirSync(path.join(app, 'node_modules/@switchyard/kernel/dist')).includes('.tsbuildinfo'));
  });

  it('examples/embedded, installed from its tarball, runs and prints a chat reply and a stream', async () => {
    const { stdout } = await node([path.join(app, 'node_modules/@switchyard-example/embedded/main.js')], app);
    const lines = stdout.trim().split('\n');
    assert.match(lines[0]!, /^chat: (\w+ ){7}\w+ \(model assistant, 8 tokens\)$/);
    assert.match(lines[1]!, /^stream: 8 chunks: (\w+ ){7}\w+$/);
    assert.match(lines[2]!, /^messages: (\w+ ){7}\w+ \(stop_reason end_turn\)$/);
    assert.equal(lines[3], 'models: assistant, mock');
  });

  it('a TypeScript program type-checks against the shipped declarations and runs: SDK types, @switchyard/testing, the echo plugin by name', async () => {
    writeFileSync(
      path.join(app, 'check.ts'),
      `import { createSwitchyard, SwitchyardError, type ChatCompletionChunk, type SwitchyardStream } from '@switchyard/gateway';
import type { ProviderPlugin } from '@switchyard/plugin-sdk';
import { startFakeUpstream } from '@switchyard/testing';
import echo from '@switchyard-example/plugin-echo';

const plugin: ProviderPlugin = echo;
const upstream = await startFakeUpstream();
const sy = await createSwitchyard({
  logger: false,
  config: {
    plugins: ['@switchyard-example/plugin-echo'],
    backends: [
      { id: 'echo', type: 'echo', prefix: 'echo: ', models: ['echo-*'] },
      { id: 'fake', type: 'openai', base_url: upstream.url, models: ['fake-*'], skip_probe: true },
    ],
  },
});
const reply = await sy.chat.completions.create({ model: 'echo-1', messages: [{ role: 'user', content: 'typed call' }] });
const text: string | null = reply.choices[0]!.message.content;
// @ts-expect-error the SDK's ChatCompletion type is in force (not any)
void reply.choices[0]!.message.no_such_field;
const stream: SwitchyardStream<ChatCompletionChunk> = await sy.chat.completions.create({ model: 'fake-x', stream: true, messages: [{ role: 'user', content: 'x' }] });
let chunks = 0;
for await (const chunk of stream) chunks += chunk.choices.length;
const message = await sy.messages.create({ model: 'echo-2', max_tokens: 16, messages: [{ role: 'user', content: 'via messages' }] });
const block = message.content[0]!;
const err = await sy.chat.completions.create({ model: 'nope', messages: [] }).catch((e: unknown) => e);
console.log(JSON.stringify({ text, chunks, message: block.type === 'text' ? block.text : null, plugin: plugin.type, error: err instanceof SwitchyardError ? err.status : null }));
await sy.close();
await upstream.close();
`,
    );
    writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2024',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          skipLibCheck: true,
          outDir: 'out',
          types: [],
        },
        files: ['check.ts'],
      }),
    );
    await node([TSC, '-p', 'tsconfig.json'], app);
    const { stdout } = await node([path.join(app, 'out/check.js')], app);
    const result = JSON.parse(stdout.trim()) as Record<string, unknown>;
    assert.equal(result.text, 'echo: typed call');
    assert.ok((result.chunks as number) > 2);
    assert.equal(result.message, 'echo: via messages');
    assert.equal(result.plugin, 'echo');
    assert.equal(result.error, 404);
  });

  it('the switchyard command runs from the installed gateway', async () => {
    const { stdout } = await node([path.join(app, 'node_modules/@switchyard/gateway/dist/main.js'), '--version'], app);
    assert.equal(stdout.trim(), 'switchyard 0.1.0');
    writeFileSync(
      path.join(app, 'echo.yaml'),
      'plugins: ["@switchyard-example/plugin-echo"]\nbackends:\n  - { id: e, type: echo, models: ["*"] }\n',
    );
    const check = await node([path.join(app, 'node_modules/.bin/switchyard'), '--check', '--config', 'echo.yaml'], app);
    assert.match(check.stdout, /configuration OK .*1 backend/);
  });
});
