/* eslint-disable @typescript-eslint/no-explicit-any -- tests poke into recorded request bodies */
/**
 * The real Codex CLI (`@openai/codex`, pinned in the root devDependencies) through the gateway to
 * an OpenAI-compatible chat backend (issue #7): `codex exec` with its default tool set runs a shell
 * command the scripted model asks for, gets the output back, and finishes with the model's answer.
 *
 *   codex exec ──/v1/responses──▶ recorder ──▶ gateway ──/v1/chat/completions──▶ fake chat backend
 *
 * The fake backend plays the model in OpenAI's chat SSE wire format: turn 1 calls the command tool
 * Codex offers (`exec_command`, or code mode's `exec` running JavaScript that calls
 * `tools.exec_command`), turn 2 (once the tool output comes back) answers with text. The recorder
 * between Codex and the gateway records what Codex sent and got. Two runs: Codex's own default
 * model (its tools come as an `additional_tools` input item, code mode), and a model name of the
 * chat backend (Codex's fallback tool set in `tools`, with the hosted web_search the gateway drops).
 *
 * Hermetic: a temp CODEX_HOME and HOME, update checks, analytics, feedback, OpenTelemetry and the
 * plugin sync off, and every proxy variable pointed at a trap that refuses (and records) any
 * attempt to reach a host outside this machine: the test asserts there was none.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { json, openAiCompatible, sse, startFakeUpstream, type FakeHandler, type FakeUpstream } from '../helpers/fake-upstream.js';
import { parseSse } from '../helpers/sse.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';
import { chatChunk, chatCompletion, textChunks } from '../helpers/e2e.js';
import { assertResponsesEventOrder, responsesEvents } from '../helpers/responses-events.js';

/** The version pinned in package.json (asserted, so a bump is a deliberate change here too). */
const CODEX_VERSION = '0.169.0';
const CODEX_TIMEOUT_MS = 90_000;
/** A model name of the chat backend (Codex knows nothing about it: fallback metadata and tools). */
const BACKEND_MODEL = 'qwen3-coder-chat';
const GATEWAY_KEY = 'sk-switchyard-codex-e2e';
const BACKEND_KEY = 'sk-backend-codex-e2e-0123456789';
const COMMAND = 'cp marker.txt copy.txt && cat marker.txt';
const FINAL = 'The marker file says what the command printed.';
/** Tool types that are the client's own (anything else in a Responses request is a hosted tool). */
const CLIENT_TOOL_TYPES = new Set(['function', 'custom', 'namespace']);

const require = createRequire(import.meta.url);

/** The `codex` launcher (bin/codex.js), after checking the platform binary it runs is installed. */
function codexLauncher(): string {
  let launcher: string;
  try {
    launcher = require.resolve('@openai/codex/bin/codex.js');
  } catch {
    throw new Error('@openai/codex is not installed: it is a root devDependency, run `npm ci`');
  }
  const pkg = JSON.parse(readFileSync(path.join(path.dirname(launcher), '..', 'package.json'), 'utf8')) as { version: string };
  assert.equal(pkg.version, CODEX_VERSION, 'installed @openai/codex version (package.json pins it)');
  const platformPackage = `@openai/codex-${process.platform}-${process.arch}`;
  let vendor: string;
  try {
    vendor = path.join(path.dirname(require.resolve(`${platformPackage}/package.json`)), 'vendor');
  } catch {
    throw new Error(
      `the Codex CLI binary for ${process.platform}-${process.arch} is not installed: ${platformPackage} is an ` +
        'optionalDependency of @openai/codex that `npm ci` installs on supported platforms (was it run with ' +
        '--omit=optional, or is this platform not one Codex ships a binary for?)',
    );
  }
  const exe = process.platform === 'win32' ? 'codex.exe' : 'codex';
  const binary = existsSync(vendor) ? readdirSync(vendor).map((target) => path.join(vendor, target, 'bin', exe)) : [];
  if (!binary.some((b) => existsSync(b))) throw new Error(`${platformPackage} is installed but has no ${exe} binary under ${vendor}`);
  return launcher;
}

// ---------------------------------------------------------------------------------------------
// The scripted model (the fake chat backend)

function usageChunk(model: string, prompt: number, completion: number): object {
  return {
    ...chatChunk(model, {}),
    choices: [],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}

/** The call that runs COMMAND with the command tool on offer, by the tool's name and argument shape. */
function commandCall(toolNames: string[]): { name: string; arguments: string } | undefined {
  if (toolNames.includes('exec')) {
    // Code mode: `exec` is a free-form tool taking JavaScript (upstream, a function of one string `input`).
    const js = `const r = await tools.exec_command({ cmd: ${JSON.stringify(COMMAND)} });\ntext(r.output);`;
    return { name: 'exec', arguments: JSON.stringify({ input: js }) };
  }
  if (toolNames.includes('exec_command')) return { name: 'exec_command', arguments: JSON.stringify({ cmd: COMMAND }) };
  if (toolNames.includes('shell')) return { name: 'shell', arguments: JSON.stringify({ command: ['bash', '-lc', COMMAND] }) };
  return undefined;
}

/**
 * Chat completions as a model would answer Codex: once a tool result is in the conversation, the
 * final text; otherwise a call of the command tool (streamed in pieces, after some reasoning, as
 * vLLM serves a thinking model); a request without tools (an auxiliary one) gets a short text.
 * Anything else (the gateway's model listing) gets the OpenAI-compatible mock.
 */
const scriptedModel: FakeHandler = (req, res, record) => {
  if (req.method !== 'POST' || record.path !== '/v1/chat/completions') return openAiCompatible()(req, res, record);
  const body = record.body ?? {};
  const model = String(body.model);
  const messages: any[] = Array.isArray(body.messages) ? body.messages : [];
  const toolNames: string[] = (Array.isArray(body.tools) ? body.tools : []).map((t: any) => t?.function?.name);
  let chunks: object[];
  let message: Record<string, unknown>;
  if (messages.some((m) => m.role === 'tool')) {
    chunks = [...textChunks(model, ['The marker file ', 'says what the command printed.']), usageChunk(model, 420, 12)];
    message = { content: FINAL };
  } else {
    const call = commandCall(toolNames);
    if (!call) {
      const text = toolNames.length ? `No command tool among: ${toolNames.join(', ')}` : 'OK';
      chunks = [...textChunks(model, [text]), usageChunk(model, 10, 2)];
      message = { content: text };
    } else {
      const cut = Math.floor(call.arguments.length / 2);
      chunks = [
        chatChunk(model, { role: 'assistant', content: null, reasoning_content: 'The user wants the marker; I will run a command.' }),
        chatChunk(model, {
          tool_calls: [{ index: 0, id: 'call_codex_1', type: 'function', function: { name: call.name, arguments: '' } }],
        }),
        chatChunk(model, { tool_calls: [{ index: 0, function: { arguments: call.arguments.slice(0, cut) } }] }),
        chatChunk(model, { tool_calls: [{ index: 0, function: { arguments: call.arguments.slice(cut) } }] }),
        chatChunk(model, {}, 'tool_calls'),
        usageChunk(model, 400, 30),
      ];
      message = { content: null, tool_calls: [{ id: 'call_codex_1', type: 'function', function: call }] };
    }
  }
  if (body.stream === true) return sse(chunks)(req, res, record);
  return json(200, chatCompletion(model, message, message.tool_calls ? 'tool_calls' : 'stop'))(req, res, record);
};

// ---------------------------------------------------------------------------------------------
// Around Codex: a recorder in front of the gateway, and a trap for traffic leaving the machine

interface Exchange {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: any;
  status: number;
  replyHeaders: IncomingHttpHeaders;
  reply: string;
}

interface Recorder {
  url: string;
  exchanges: Exchange[];
  close(): Promise<void>;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A reverse proxy to `target` that streams replies through and records every exchange. */
async function startRecorder(target: string): Promise<Recorder> {
  const exchanges: Exchange[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      let body: unknown;
      try {
        body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
      } catch {
        body = raw.toString('utf8');
      }
      const exchange: Exchange = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        status: 0,
        replyHeaders: {},
        reply: '',
      };
      exchanges.push(exchange);
      const upstream = httpRequest(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (up) => {
        exchange.status = up.statusCode ?? 0;
        exchange.replyHeaders = up.headers;
        res.writeHead(exchange.status, up.headers);
        up.setEncoding('utf8');
        up.on('data', (s: string) => {
          exchange.reply += s;
          res.write(s);
        });
        up.on('end', () => res.end());
        up.on('error', () => res.destroy());
      });
      upstream.on('error', (err) => {
        exchange.reply = `[recorder] ${err.message}`;
        res.destroy();
      });
      upstream.end(raw);
    });
  });
  const url = await listen(server);
  return { url, exchanges, close: () => closeServer(server) };
}

/** An HTTP proxy that refuses everything and records where the client wanted to go. */
async function startProxyTrap(): Promise<{ url: string; attempts: string[]; close(): Promise<void> }> {
  const attempts: string[] = [];
  const server = createServer((req, res) => {
    attempts.push(`${req.method} ${req.url}`);
    res.writeHead(403).end();
  });
  server.on('connect', (req, socket) => {
    attempts.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  const url = await listen(server);
  return { url, attempts, close: () => closeServer(server) };
}

// ---------------------------------------------------------------------------------------------
// Running Codex

interface CodexRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  ms: number;
  stdout: string;
  stderr: string;
  /** `--json` events (stdout lines that parse). */
  events: any[];
  /** What `-o` wrote: Codex's last agent message. */
  lastMessage: string | undefined;
  workDir: string;
}

function codexConfig(baseUrl: string): string {
  return `# Written by test/e2e/codex-cli.test.ts: a hermetic Codex pointed at the gateway.
check_for_update_on_startup = false
model_provider = "switchyard"

[model_providers.switchyard]
name = "Switchyard"
base_url = "${baseUrl}/v1"
env_key = "SWITCHYARD_CODEX_KEY"
wire_api = "responses"
request_max_retries = 0
stream_max_retries = 0

[features]
# The curated plugin sync reaches github.com and chatgpt.com.
plugins = false

[analytics]
enabled = false

[feedback]
enabled = false

[otel]
exporter = "none"
trace_exporter = "none"
metrics_exporter = "none"

[history]
persistence = "none"
`;
}

/** The environment for Codex: no CODEX_* / OPENAI_* / proxy settings of the shell; ours instead. */
function codexEnv(home: string, codexHome: string, trapUrl: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(CODEX_|OPENAI_|SWITCHYARD_)|_proxy$/i.test(k)) continue;
    env[k] = v;
  }
  const proxy = { HTTP_PROXY: trapUrl, HTTPS_PROXY: trapUrl, ALL_PROXY: trapUrl, NO_PROXY: '127.0.0.1,localhost' };
  for (const [k, v] of Object.entries(proxy)) env[k] = env[k.toLowerCase()] = v;
  return { ...env, HOME: home, CODEX_HOME: codexHome, SWITCHYARD_CODEX_KEY: GATEWAY_KEY, NO_COLOR: '1', TERM: 'dumb' };
}

async function runCodex(root: string, baseUrl: string, trapUrl: string, marker: string, extraArgs: string[]): Promise<CodexRun> {
  const launcher = codexLauncher();
  const home = path.join(root, 'home');
  const codexHome = path.join(home, '.codex');
  const workDir = path.join(root, 'work');
  mkdirSync(codexHome, { recursive: true });
  mkdirSync(workDir);
  writeFileSync(path.join(codexHome, 'config.toml'), codexConfig(baseUrl));
  writeFileSync(path.join(workDir, 'marker.txt'), `${marker}\n`);
  const lastMessageFile = path.join(root, 'last-message.txt');
  const args = [
    launcher,
    'exec',
    '--json',
    '--ephemeral',
    '--strict-config',
    '--skip-git-repo-check',
    '--dangerously-bypass-approvals-and-sandbox',
    '--color',
    'never',
    '-C',
    workDir,
    '-o',
    lastMessageFile,
    ...extraArgs,
    'Print the contents of marker.txt, then copy it to copy.txt.',
  ];
  const started = performance.now();
  // Its own process group, so a timeout also ends the shells and helpers Codex started.
  const child = spawn(process.execPath, args, {
    cwd: workDir,
    env: codexEnv(home, codexHome, trapUrl),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
  });
  const killGroup = () => {
    try {
      if (child.pid && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killGroup);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, CODEX_TIMEOUT_MS);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (err) => (stderr += `\n[spawn error] ${err.message}`));
    child.once('close', (c, s) => resolve({ code: c, signal: s }));
  });
  clearTimeout(timer);
  process.off('exit', killGroup);
  const events = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .flatMap((l) => {
      try {
        return [JSON.parse(l)];
      } catch {
        return [];
      }
    });
  const lastMessage = existsSync(lastMessageFile) ? readFileSync(lastMessageFile, 'utf8') : undefined;
  return { code, signal, timedOut, ms: Math.round(performance.now() - started), stdout, stderr, events, lastMessage, workDir };
}

function tail(text: string, max = 12_000): string {
  return text.length > max ? `…${text.slice(-max)}` : text;
}

/** The tools a Responses request declares: `tools` and every `additional_tools` input item's. */
function declaredTools(body: any): any[] {
  const items: any[] = Array.isArray(body?.input) ? body.input : [];
  return [...(body?.tools ?? []), ...items.filter((i) => i?.type === 'additional_tools').flatMap((i) => i.tools ?? [])];
}

/** Tool names as the chat backend sees them (namespaces flattened, `functions` kept bare). */
function chatToolNames(declared: any[]): string[] {
  return declared.flatMap((t) =>
    t.type === 'namespace'
      ? (t.tools ?? []).map((inner: any) => (t.name === 'functions' ? inner.name : `${t.name}__${inner.name}`))
      : CLIENT_TOOL_TYPES.has(t.type)
        ? [t.name]
        : [],
  );
}

// ---------------------------------------------------------------------------------------------

describe('Codex CLI (real binary) through /v1/responses to an OpenAI-compatible chat backend', () => {
  let backend: FakeUpstream;
  let gw: RunningGateway;
  let recorder: Recorder;
  let trap: Awaited<ReturnType<typeof startProxyTrap>>;
  const roots: string[] = [];

  before(async () => {
    codexLauncher(); // fail first, and clearly, when Codex or its platform binary is missing
    backend = await startFakeUpstream(scriptedModel);
    gw = await startGateway({
      config: {
        logging: { level: 'warn' },
        server: { api_keys: [GATEWAY_KEY] },
        backends: [{ id: 'chat', type: 'openai', base_url: backend.url, api_key: BACKEND_KEY, models: ['*'] }],
      },
    });
    recorder = await startRecorder(gw.url);
    trap = await startProxyTrap();
  });

  after(async () => {
    await recorder?.close();
    await trap?.close();
    await gw?.stop();
    await backend?.close();
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  /**
   * Runs `codex exec` and checks the whole loop; returns what Codex sent and the chat requests the
   * backend got, for the scenario's own assertions.
   */
  async function completesWithToolCall(t: TestContext, extraArgs: string[]) {
    const root = mkdtempSync(path.join(tmpdir(), 'switchyard-codex-'));
    roots.push(root);
    const marker = `marker-${randomBytes(8).toString('hex')}`;
    const fromExchange = recorder.exchanges.length;
    const fromUpstream = backend.requests.length;
    const trapped = trap.attempts.length;
    const run = await runCodex(root, recorder.url, trap.url, marker, extraArgs);
    const exchanges = recorder.exchanges.slice(fromExchange);
    const chats = backend.requests.slice(fromUpstream).filter((r) => r.method === 'POST' && r.path === '/v1/chat/completions');
    const explain = () =>
      `codex exit ${run.code} (signal ${run.signal}${run.timedOut ? `, killed after ${CODEX_TIMEOUT_MS} ms` : ''}) in ${run.ms} ms\n` +
      `--- codex stdout ---\n${tail(run.stdout)}\n--- codex stderr ---\n${tail(run.stderr)}\n` +
      `--- Codex → gateway ---\n${exchanges.map((e) => `${e.method} ${e.url} → ${e.status}`).join('\n')}\n` +
      `--- gateway → backend ---\n${chats.map((r) => `${r.method} ${r.path} tools=${(r.body?.tools ?? []).length}`).join('\n')}\n` +
      `--- gateway stderr ---\n${tail(gw.stderr(), 4000)}`;
    try {
      assert.equal(run.timedOut, false, 'codex did not finish in time');
      assert.equal(run.code, 0, 'codex exit code');

      // The command really ran, in the working directory, and its output went back to the model.
      assert.equal(readFileSync(path.join(run.workDir, 'copy.txt'), 'utf8'), `${marker}\n`, 'copy.txt written by the command');
      const command = run.events.find((e) => e.type === 'item.completed' && e.item?.type === 'command_execution')?.item;
      assert.ok(command, 'a command_execution item in codex --json events');
      assert.match(command.command, /cp marker\.txt copy\.txt && cat marker\.txt/);
      assert.equal(command.exit_code, 0);
      assert.match(command.aggregated_output, new RegExp(marker));

      // The final answer: the model's text, as Codex's last message.
      assert.equal(run.lastMessage?.trim(), FINAL, 'codex -o (last message)');
      const answer = run.events.filter((e) => e.type === 'item.completed' && e.item?.type === 'agent_message').at(-1)?.item;
      assert.equal(answer?.text, FINAL);
      assert.ok(
        run.events.some((e) => e.type === 'turn.completed'),
        'turn.completed event',
      );

      // Codex spoke only the Responses API to the gateway, streamed, and every reply was a 200.
      assert.ok(exchanges.length >= 2, `at least two /v1/responses calls (got ${exchanges.length})`);
      for (const e of exchanges) {
        assert.equal(`${e.method} ${e.url.split('?')[0]} ${e.status}`, 'POST /v1/responses 200', 'Codex → gateway');
        assert.equal(e.headers.authorization, `Bearer ${GATEWAY_KEY}`, 'Codex sends env_key’s value');
        assert.equal(e.body.stream, true);
        assert.match(String(e.replyHeaders['content-type']), /^text\/event-stream/);
        const terminal = assertResponsesEventOrder(responsesEvents(parseSse(e.reply)));
        assert.equal(terminal.type, 'response.completed', 'every reply Codex read ended with response.completed');
      }

      // The backend got chat completions (translated, streamed, with tools), with its own key.
      assert.ok(chats.length >= 2, `at least two chat completions upstream (got ${chats.length})`);
      for (const r of chats) {
        assert.equal(r.headers.authorization, `Bearer ${BACKEND_KEY}`);
        assert.equal(r.body.stream, true);
        assert.ok(Array.isArray(r.body.messages) && r.body.messages.length > 0);
        assert.ok(Array.isArray(r.body.tools) && r.body.tools.length > 0, 'tools upstream');
      }
      const toolTurn = chats.find((r) => r.body.messages.some((m: any) => m.role === 'tool'));
      assert.ok(toolTurn, 'a chat request carrying the tool result');
      const toolMessage = toolTurn.body.messages.find((m: any) => m.role === 'tool');
      assert.equal(toolMessage.tool_call_id, 'call_codex_1');
      assert.match(JSON.stringify(toolMessage.content), new RegExp(marker), 'the command output, read by the command alone, went upstream');
      const assistant = toolTurn.body.messages[toolTurn.body.messages.indexOf(toolMessage) - 1];
      assert.equal(assistant.role, 'assistant');
      assert.equal(assistant.tool_calls[0].id, 'call_codex_1');

      // Hosted tools Codex declared were dropped (named in the header), the others all went upstream.
      const first = exchanges[0]!;
      const declared = declaredTools(first.body);
      const hosted = declared.filter((tool) => !CLIENT_TOOL_TYPES.has(tool.type)).map((tool) => tool.type);
      assert.equal(first.replyHeaders['x-switchyard-dropped-tools'], hosted.length ? hosted.join(', ') : undefined);
      const upstreamNames = chats[0]!.body.tools.map((tool: any) => tool.function.name);
      assert.deepEqual(upstreamNames, chatToolNames(declared));

      // Nothing tried to leave the machine.
      assert.deepEqual(trap.attempts.slice(trapped), [], 'connections Codex tried to make through the proxy trap');

      t.diagnostic(`codex ${CODEX_VERSION} ${extraArgs.join(' ') || '(default model)'}: exit 0 in ${run.ms} ms`);
      t.diagnostic(`model ${first.body.model}; Codex → gateway: ${exchanges.map((e) => `${e.method} ${e.url} ${e.status}`).join(', ')}`);
      t.diagnostic(
        `tools Codex declared: ${declared.map((tool) => (tool.type === 'namespace' ? `${tool.name}{${tool.tools.map((i: any) => i.name).join(',')}}` : (tool.name ?? tool.type))).join(', ')}`,
      );
      t.diagnostic(
        `hosted tools dropped: ${hosted.join(', ') || 'none'}; chat requests upstream: ${chats.length}; tools upstream: ${upstreamNames.join(', ')}`,
      );
      return { run, exchanges, chats, declared, hosted, upstreamNames };
    } catch (err) {
      (err as Error).message += `\n${explain()}`;
      throw err;
    }
  }

  it('Codex’s default model and tool set: tools in an additional_tools item, code mode exec runs the command', async (t) => {
    const { exchanges, chats, upstreamNames } = await completesWithToolCall(t, []);
    const first = exchanges[0]!.body;
    assert.equal(first.tools, undefined, 'this Codex sends its default tool set in the input, not in tools');
    assert.ok(
      first.input.some((i: any) => i.type === 'additional_tools'),
      'an additional_tools input item',
    );
    assert.ok(upstreamNames.includes('exec') && upstreamNames.includes('wait'), 'code mode’s exec and wait, by their own names');
    // Turn 1's call came back to Codex as its custom (free-form) exec call; Codex replayed it so.
    const replayed = exchanges.at(-1)!.body.input.find((i: any) => i.type === 'custom_tool_call');
    assert.equal(replayed.name, 'exec');
    assert.match(replayed.input, /tools\.exec_command/);
    const call = chats.at(-1)!.body.messages.find((m: any) => m.tool_calls)?.tool_calls[0];
    assert.equal(call.function.name, 'exec');
    assert.match(JSON.parse(call.function.arguments).input, /tools\.exec_command/);
  });

  it('a chat backend’s model name: Codex’s fallback tool set in tools, exec_command runs, web_search dropped', async (t) => {
    const { exchanges, hosted, upstreamNames } = await completesWithToolCall(t, ['-m', BACKEND_MODEL]);
    assert.equal(exchanges[0]!.body.model, BACKEND_MODEL);
    assert.ok(Array.isArray(exchanges[0]!.body.tools), 'tools in the request’s tools field');
    assert.ok(upstreamNames.includes('exec_command'), 'the command tool upstream');
    assert.ok(hosted.includes('web_search'), 'Codex declares the hosted web_search');
    const replayed = exchanges.at(-1)!.body.input.find((i: any) => i.type === 'function_call');
    assert.equal(replayed.name, 'exec_command');
    assert.deepEqual(JSON.parse(replayed.arguments), { cmd: COMMAND });
    await gw.waitForOutput(/tools dropped from the request: backend chat cannot run web_search/);
  });
});
