/**
 * Issue #14 item 7: the container as the README promises it. No Docker engine runs where the tests
 * run and no base image can be pulled, so this reads the Dockerfile (dockerfile-ast) and the
 * compose file and checks what the build and `docker run` depend on; installs the production
 * dependency set with the Dockerfile's own `npm ci` flags into a temp dir (from the npm cache),
 * asserts its size and starts the gateway from it with the image's layout, probed by the image's
 * HEALTHCHECK command; and checks the documented docker commands against the compose file.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { DockerfileParser, ModifiableInstruction, type Dockerfile, type Instruction } from 'dockerfile-ast';
import { parse as parseYaml } from 'yaml';
import { waitFor } from '../helpers/e2e.js';
import { childEnv, freePort } from '../helpers/start-gateway.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const read = (file: string): string => readFileSync(path.join(REPO, file), 'utf8');
const run = promisify(execFile);

/** The default of server.shutdown_grace_seconds (libs/kernel ServerConfig). */
const DEFAULT_SHUTDOWN_GRACE_SECONDS = 25;

/** Production node_modules must stay under this (apparent size; 121 MB before --omit=optional). */
const MAX_PRODUCTION_MODULES_MB = 80;

interface Stage {
  name: string;
  instructions: Instruction[];
}

function parseDockerfile(): Dockerfile {
  return DockerfileParser.parse(read('Dockerfile'));
}

/** The instructions of each `FROM … AS name` stage, in order. */
function stagesOf(d: Dockerfile): Stage[] {
  const stages: Stage[] = [];
  for (const ins of d.getInstructions()) {
    if (ins.getKeyword() === 'FROM') {
      const as = ins.getArguments().map((a) => a.getValue());
      stages.push({ name: as[as.length - 2]?.toUpperCase() === 'AS' ? as[as.length - 1] : String(stages.length), instructions: [] });
    } else stages.at(-1)?.instructions.push(ins);
  }
  return stages;
}

/** An instruction's `--name=value` flags (COPY --from, HEALTHCHECK --timeout, …). */
function flagsOf(ins: Instruction): Map<string, string> {
  const flags = ins instanceof ModifiableInstruction ? ins.getFlags() : [];
  return new Map(flags.map((f) => [f.getName(), f.getValue() ?? '']));
}

/** `KEYWORD ["a","b"]` → ['a','b'] (exec form), or throws naming the instruction. */
function execForm(ins: Instruction, skip = 0): string[] {
  const content = ins.getArgumentsContent() ?? '';
  const json = content.split(/\s+/).slice(skip).join(' ');
  try {
    const parsed = JSON.parse(json) as unknown;
    assert.ok(Array.isArray(parsed) && parsed.every((s) => typeof s === 'string'));
    return parsed as string[];
  } catch {
    assert.fail(`${ins.getKeyword()} is not in exec (JSON array) form: ${content}`);
  }
}

/** The `npm ci …` command line of a RUN instruction, split into words (null if none). */
function npmCiWords(ins: Instruction): string[] | null {
  if (ins.getKeyword() !== 'RUN') return null;
  const words = (ins.getArgumentsContent() ?? '').split(/\s+/);
  const at = words.findIndex((w, i) => w === 'npm' && words[i + 1] === 'ci');
  if (at < 0) return null;
  const end = words.findIndex((w, i) => i > at && (w === '&&' || w === ';'));
  return words.slice(at, end < 0 ? undefined : end);
}

interface ComposeService {
  command?: string[];
  ports?: Array<string | { host_ip?: string; published?: string | number; target: number }>;
  volumes?: string[];
  stop_grace_period?: string;
  container_name?: string;
}

function compose(): { services: Record<string, ComposeService> } {
  return parseYaml(read('docker-compose.yml')) as { services: Record<string, ComposeService> };
}

/** Compose durations like `30s`, `1m30s` in seconds. */
function composeSeconds(duration: string): number {
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g))
    total += Number(n) * { ms: 0.001, s: 1, m: 60, h: 3600 }[unit as 'ms'];
  return total;
}

/** Every line of the docs and the Dockerfile's comments that runs `docker …` (continuations joined). */
function documentedDockerCommands(): Array<{ file: string; command: string }> {
  const out: Array<{ file: string; command: string }> = [];
  const files = ['README.md', 'Dockerfile', 'docker-compose.yml', ...readdirSync(path.join(REPO, 'docs')).map((f) => `docs/${f}`)];
  for (const file of files) {
    const text = read(file).replace(/\\\n#?\s*/g, ' ');
    for (const line of text.split('\n')) {
      for (const m of line.matchAll(/\bdocker(?:\s+compose)?\s+(?:run|kill|stop)\b[^`#|;]*/g)) out.push({ file, command: m[0].trim() });
    }
  }
  return out;
}

/** Apparent size of a tree (what `du --apparent-size` counts; symlinks not followed). */
function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(p);
    else total += lstatSync(p).size;
  }
  return total;
}

describe('the Dockerfile', () => {
  const d = parseDockerfile();
  const stages = stagesOf(d);
  const runtime = stages.at(-1)!;
  const final = (keyword: string) => runtime.instructions.filter((i) => i.getKeyword() === keyword).at(-1);

  it('has no `# syntax=` line: the builder frontend is never fetched from a registry', () => {
    const names = d.getDirectives().map((x) => x.getName().toLowerCase());
    assert.equal(names.includes('syntax'), false, `parser directives: ${names.join(', ')}`);
  });

  it('is a multi-stage build whose runtime stage copies only from other stages', () => {
    assert.ok(stages.length >= 2, `${stages.length} stage(s)`);
    const names = stages.map((s) => s.name);
    for (const copy of runtime.instructions.filter((i) => i.getKeyword() === 'COPY' || i.getKeyword() === 'ADD')) {
      const from = flagsOf(copy).get('from');
      assert.ok(from && names.includes(from), `the runtime stage copies from the build context: ${copy.getArgumentsContent()}`);
    }
  });

  it('installs the production dependencies without dev and optional packages', () => {
    const installs = stages.flatMap((s) =>
      s.instructions
        .map(npmCiWords)
        .filter((w): w is string[] => w !== null)
        .map((words) => ({ stage: s.name, words })),
    );
    const production = installs.filter((i) => i.words.includes('--omit=dev'));
    assert.equal(production.length, 1, `one production npm ci: ${JSON.stringify(installs)}`);
    assert.ok(
      production[0].words.includes('--omit=optional'),
      `the production npm ci omits optional packages: ${production[0].words.join(' ')}`,
    );
    const copiedFrom = runtime.instructions.filter((i) => i.getKeyword() === 'COPY').map((i) => flagsOf(i).get('from'));
    assert.ok(copiedFrom.includes(production[0].stage), 'the runtime stage takes its node_modules from that stage');
  });

  it('runs as an unprivileged user', () => {
    const user = final('USER')?.getArgumentsContent()?.trim();
    assert.ok(user, 'the runtime stage sets USER');
    assert.doesNotMatch(user, /^(root|0)(:|$)/);
  });

  it('stops with SIGTERM; the gateway is PID 1 (exec-form ENTRYPOINT), so it gets SIGTERM and SIGHUP', () => {
    assert.equal(final('STOPSIGNAL')?.getArgumentsContent()?.trim(), 'SIGTERM');
    const entry = execForm(final('ENTRYPOINT')!);
    assert.equal(entry[0], 'node');
    assert.match(entry[1], /apps\/gateway\/dist\/main\.js$/);
  });

  it('has a HEALTHCHECK that runs `switchyard healthcheck` (the configured port, http or https)', () => {
    const hc = final('HEALTHCHECK');
    assert.ok(hc, 'the runtime stage has a HEALTHCHECK');
    const cmd = execForm(hc, hc.getArguments().findIndex((a) => a.getValue() === 'CMD') + 1);
    const entry = execForm(final('ENTRYPOINT')!);
    assert.deepEqual(cmd, [...entry, 'healthcheck']);
    const timeout = /^(\d+)s$/.exec(flagsOf(hc).get('timeout') ?? '')?.[1];
    assert.ok(
      Number(timeout) >= 5,
      `a healthcheck that loads the configuration needs more than a 3 s timeout on a busy host (got ${timeout})`,
    );
  });

  it('looks for ./config.yaml where the README and compose mount it', () => {
    const workdir = final('WORKDIR')?.getArgumentsContent()?.trim();
    assert.equal(workdir, '/etc/switchyard');
    // Compose mounts the folder holding config.yaml there (a file mount pins the old inode across edits, so reloads would read stale contents).
    const mounts = (compose().services.switchyard.volumes ?? []).map((v) => v.split(':'));
    const folder = mounts.find(([, target]) => target === workdir);
    assert.ok(folder, `compose mounts a folder at ${workdir}: ${JSON.stringify(mounts)}`);
    assert.ok(existsSync(path.join(REPO, folder[0]!, 'config.yaml')), `${folder[0]}/config.yaml exists`);
  });
});

describe('docker-compose.yml and the documented docker commands', () => {
  const services = compose().services;
  const demoGrace =
    (parseYaml(read('deploy/switchyard/config.yaml')) as { server?: { shutdown_grace_seconds?: number } }).server?.shutdown_grace_seconds ??
    DEFAULT_SHUTDOWN_GRACE_SECONDS;

  it('publishes every port on 127.0.0.1 only', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const port of svc.ports ?? []) {
        const hostIp = typeof port === 'string' ? (port.split(':').length === 3 ? port.split(':')[0] : '') : (port.host_ip ?? '');
        assert.equal(hostIp, '127.0.0.1', `${name} publishes ${JSON.stringify(port)} on every interface`);
      }
    }
  });

  it('gives the gateway longer to stop than its shutdown grace', () => {
    const grace = services.switchyard.stop_grace_period;
    assert.ok(grace && composeSeconds(grace) > demoGrace, `stop_grace_period ${grace} vs shutdown_grace_seconds ${demoGrace}`);
  });

  it('passes the configuration the way the HEALTHCHECK sees it too (no --config / --listen flag)', () => {
    const command = services.switchyard.command ?? [];
    assert.equal(
      command.some((a) => /^--(config|listen)\b|^-c$/.test(a)),
      false,
      `flags reach the gateway but not \`switchyard healthcheck\`: ${command.join(' ')}`,
    );
  });

  it('every documented `docker run` has --stop-timeout above the shutdown grace', () => {
    const runs = documentedDockerCommands().filter((c) => /^docker\s+run\b/.test(c.command));
    assert.ok(runs.length > 0);
    for (const { file, command } of runs) {
      const t = /--stop-timeout[ =](\d+)/.exec(command)?.[1];
      assert.ok(t !== undefined && Number(t) > DEFAULT_SHUTDOWN_GRACE_SECONDS, `${file}: ${command}`);
    }
  });

  it('every documented `docker kill` / `docker compose kill` names something that exists', () => {
    const commands = documentedDockerCommands();
    // A plain `docker kill NAME` needs a container called NAME: compose's container_name, or a documented `docker run --name NAME`.
    const containerNames = new Set<string>(Object.values(services).flatMap((s) => (s.container_name ? [s.container_name] : [])));
    for (const c of commands) for (const [, name] of c.command.matchAll(/--name[ =](\S+)/g)) containerNames.add(name);
    const kills = commands.filter((c) => /\bkill\b/.test(c.command));
    assert.ok(
      kills.some((c) => /^docker\s+compose\s+kill\s+-s\s+HUP\s+switchyard\b/.test(c.command)),
      'the compose reload command is documented',
    );
    for (const { file, command } of kills) {
      const target = command.split(/\s+/).at(-1)!;
      if (/^docker\s+compose\b/.test(command)) assert.ok(target in services, `${file}: ${command}: no service ${target}`);
      else assert.ok(containerNames.has(target), `${file}: ${command}: compose names its container <project>-${target}-1, not ${target}`);
    }
  });

  it('the README says which Docker and Compose versions the build needs', () => {
    const readme = read('README.md');
    assert.match(readme, /BuildKit/);
    assert.match(readme, /Docker Engine 23\.0/);
    assert.match(readme, /Compose v2/);
  });
});

// npm ci (from the cache) takes 20–40 s on an idle machine and minutes on a loaded one: explicit timeouts.
describe("the production dependency set, installed with the Dockerfile's flags", { timeout: 600_000 }, () => {
  let dir: string;
  let installError: Error | undefined;

  before(
    async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'switchyard-image-'));
      // The manifests stage: every package.json of the build context (the .dockerignore drops test/ and bench/) and the lockfile.
      const manifests = ['package.json', 'package-lock.json'];
      for (const top of ['libs', 'plugins', 'apps', 'examples']) {
        for (const ws of readdirSync(path.join(REPO, top))) manifests.push(`${top}/${ws}/package.json`);
      }
      for (const m of manifests) {
        try {
          mkdirSync(path.join(dir, path.dirname(m)), { recursive: true });
          cpSync(path.join(REPO, m), path.join(dir, m));
        } catch {
          // a folder without a package.json is not a workspace
        }
      }
      const d = parseDockerfile();
      const words = stagesOf(d)
        .flatMap((s) => s.instructions.map(npmCiWords))
        .find((w) => w?.includes('--omit=dev'))!;
      try {
        // --prefer-offline: from the npm cache this machine's own `npm ci` filled; the flags are the Dockerfile's.
        await run('npm', [...words.slice(1), '--prefer-offline'], {
          cwd: dir,
          env: childEnv({ NODE_ENV: 'production' }),
          timeout: 380_000,
        });
      } catch (err) {
        installError = err as Error;
      }
    },
    { timeout: 400_000 },
  );
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`is under ${MAX_PRODUCTION_MODULES_MB} MB and holds none of the optional SDKs`, { timeout: 60_000 }, () => {
    assert.ifError(installError);
    const mb = treeBytes(path.join(dir, 'node_modules')) / 1e6;
    process.stdout.write(`production node_modules: ${mb.toFixed(1)} MB\n`);
    assert.ok(mb < MAX_PRODUCTION_MODULES_MB, `${mb.toFixed(1)} MB`);
    for (const pkg of ['openai', '@anthropic-ai/sdk', 'zod', 'typescript']) {
      assert.throws(() => lstatSync(path.join(dir, 'node_modules', pkg)), `${pkg} is installed`);
    }
  });

  it('runs the gateway (the image layout), and its HEALTHCHECK command passes', { timeout: 180_000 }, async () => {
    assert.ifError(installError);
    // The build stage's /out: each workspace's package.json and dist/.
    for (const top of ['libs', 'plugins', 'apps']) {
      for (const ws of readdirSync(path.join(REPO, top))) {
        const from = path.join(REPO, top, ws, 'dist');
        try {
          cpSync(from, path.join(dir, top, ws, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.tsbuildinfo') });
        } catch {
          // not a workspace with a build
        }
      }
    }
    const etc = path.join(dir, 'etc');
    mkdirSync(etc);
    const port = await freePort();
    const metricsPort = await freePort();
    writeFileSync(
      path.join(etc, 'config.yaml'),
      `server: { host: 127.0.0.1, port: ${port} }\ntelemetry: { prometheus: { host: 127.0.0.1, port: ${metricsPort} } }\n` +
        'backends: [{ id: m, type: mock, models: ["*"] }]\n',
    );
    const main = path.join(dir, 'apps/gateway/dist/main.js');
    const env = childEnv({ NODE_ENV: 'production' });
    const child = spawn(process.execPath, [main], { cwd: etc, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    try {
      await waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`the gateway exited (${child.exitCode}):\n${stderr}`);
          const r = await run(process.execPath, [main, 'healthcheck'], { cwd: etc, env }).catch(() => null);
          return r !== null;
        },
        60_000,
        'the healthcheck to pass',
        250,
      );
      const r = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }),
      });
      assert.equal(r.status, 200, await r.text());
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    }
  });
});
