/**
 * claude-code-router as a benchmark peer on the Anthropic-client lane (`--targets …,ccr`): the
 * common Fastify proxy that takes Anthropic Messages requests and sends them to an
 * OpenAI-compatible upstream, as Switchyard's `anthropic` lanes do. Installed on demand into
 * `.bench/ccr` from the npm registry (pinned version below), configured through its own
 * `~/.claude-code-router/config.json` under a HOME of the bench's work dir (one provider: the bench
 * upstream's fast port; every request routed to it), and run in the foreground (`ccr start`),
 * pinned to the proxy core like the other targets. It serves Anthropic-client scenarios only.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeBinary } from './node-binary.js';
import { freePort, spawnPinned, waitForHttp, type Pinning } from './processes.js';
import { UPSTREAM_MODEL, type BenchUpstream, type Target } from './targets.js';

/** The version #19's figures were first taken against (2.0). */
export const CCR_PACKAGE = '@musistudio/claude-code-router@2.0.0';

/** Its CLI, installed into `benchDir/ccr` when missing. */
export function ensureCcr(benchDir: string, log: (line: string) => void): string {
  const prefix = join(benchDir, 'ccr');
  const cli = join(prefix, 'node_modules/@musistudio/claude-code-router/dist/cli.js');
  if (!existsSync(cli)) {
    log(`bench: installing ${CCR_PACKAGE} into ${prefix}`);
    mkdirSync(prefix, { recursive: true });
    execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', CCR_PACKAGE], { stdio: 'ignore' });
  }
  return cli;
}

/** Its configuration: one provider (the bench upstream's chat port) that every request goes to. */
export function ccrConfig(port: number, upstreamChatOrigin: string): object {
  return {
    HOST: '127.0.0.1',
    PORT: port,
    LOG: false,
    APIKEY: '',
    Providers: [
      { name: 'bench', api_base_url: `${upstreamChatOrigin}/v1/chat/completions`, api_key: 'bench-key', models: [UPSTREAM_MODEL] },
    ],
    Router: { default: `bench,${UPSTREAM_MODEL}` },
  };
}

export async function startCcr(upstream: BenchUpstream, pin: Pinning, node: NodeBinary, workDir: string, cli: string): Promise<Target> {
  const port = await freePort();
  const home = join(workDir, `ccr-home-${port}`);
  mkdirSync(join(home, '.claude-code-router'), { recursive: true });
  writeFileSync(join(home, '.claude-code-router', 'config.json'), JSON.stringify(ccrConfig(port, upstream.fast), null, 2));
  const proc = spawnPinned('claude-code-router', pin, pin.proxyCore, node.path, [cli, 'start'], { env: { ...process.env, HOME: home } });
  const origin = `http://127.0.0.1:${port}`;
  // It answers GET /health once it listens.
  await waitForHttp(`${origin}/health`, 30_000, proc);
  const version = (JSON.parse(readFileSync(join(cli, '../../package.json'), 'utf8')) as { version: string }).version;
  return {
    name: 'claude-code-router',
    kind: 'ccr',
    version,
    clients: ['anthropic.messages'],
    endpoint: (pacing) => (pacing === 'fast' ? { origin, model: 'claude-sonnet-4-5' } : undefined),
    pids: () => [proc.pid],
    stop: () => proc.stop(),
  };
}
