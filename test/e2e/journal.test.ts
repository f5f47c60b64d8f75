/**
 * The request journal (SPEC §5) in the built gateway: one JSON line per model request however
 * it ends (success streamed and not, upstream error, client abort, unknown model, timeout),
 * written by the time the gateway has exited after SIGTERM; no bodies unless include_bodies;
 * no configured secret anywhere; `switchyard journal summary` on the result; stdout mode; an
 * unwritable path fails the start.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hang, json, sse, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { collectBytes, iterateSse } from '../helpers/sse.js';
import { freePort, runCli, startGateway, writeConfigFile, type RunningGateway } from '../helpers/start-gateway.js';
import { byModel, chatChunk, chatCompletion, post, rid, textChunks } from '../helpers/e2e.js';

const BACKEND_KEY = 'sk-journal-backend-secret-0123456789abcdef';
const CLIENT_KEY = 'client-journal-secret-key-9876543210';
const PROMPT = 'PROMPT-MARKER-tell-me-a-story';
const COMPLETION = 'COMPLETION-MARKER-once-upon-a-time';
const SLOW_PIECES = Array.from({ length: 300 }, (_, i) => `tok${i} `);

type Line = Record<string, unknown>;

function readJournal(file: string): { text: string; lines: Line[] } {
  const text = readFileSync(file, 'utf8');
  const lines = text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);
  return { text, lines };
}

function config(upstream: FakeUpstream, journal: Record<string, unknown>): object {
  return {
    logging: { level: 'error' },
    // A short grace: a SIGTERM right after a client abort on a reused keep-alive connection currently
    // waits out the whole grace period (app.close() does not see that request end).
    server: { api_keys: [{ name: 'team-a', key: CLIENT_KEY }], shutdown_grace_seconds: 4 },
    journal: { enabled: true, ...journal },
    backends: [
      {
        id: 'slow',
        type: 'openai',
        base_url: upstream.url,
        api_key: BACKEND_KEY,
        models: ['gpt-hang'],
        timeout_seconds: 0.5,
        skip_probe: true,
      },
      { id: 'main', type: 'openai', base_url: upstream.url, api_key: BACKEND_KEY, models: ['gpt-*'], skip_probe: true },
    ],
    routes: [{ virtual_model: 'fast', backend: 'main', real_model: 'gpt-json', defaults: { temperature: 0.2 } }],
  };
}

const AUTH = { authorization: `Bearer ${CLIENT_KEY}` };

function chat(model: string, stream = false): Record<string, unknown> {
  return { model, stream, messages: [{ role: 'user', content: PROMPT }] };
}

describe('request journal', () => {
  let upstream: FakeUpstream;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'switchyard-journal-e2e-'));
    upstream = await startFakeUpstream(
      byModel({
        'gpt-json': json(200, chatCompletion('gpt-json', { content: COMPLETION }), { 'x-request-id': 'up-json-1' }),
        'gpt-stream': sse(
          [
            ...textChunks('gpt-stream', ['COMPLETION-', 'MARKER-', 'once-upon-a-time']),
            { ...chatChunk('gpt-stream', {}), choices: [], usage: { prompt_tokens: 6, completion_tokens: 3, total_tokens: 9 } },
          ],
          { delayMs: 5, headers: { 'x-request-id': 'up-stream-1' } },
        ),
        // An upstream error that echoes the backend's key: the gateway redacts it.
        'gpt-500': json(500, {
          error: { message: `internal failure for key ${BACKEND_KEY}`, type: 'server_error', param: null, code: null },
        }),
        'gpt-slow': sse(textChunks('gpt-slow', SLOW_PIECES), { delayMs: 20 }),
        'gpt-hang': hang(),
      }),
    );
  });

  after(async () => {
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('default settings (no bodies)', () => {
    let gw: RunningGateway;
    let file: string;
    const ids = {
      json: rid('j-json'),
      stream: rid('j-stream'),
      err500: rid('j-500'),
      abort: rid('j-abort'),
      notFound: rid('j-404'),
      timeout: rid('j-504'),
    };
    const replies: Record<string, { status: number; bytes: number; bodyIn: number }> = {};
    let lines: Line[] = [];
    let text = '';

    before(async () => {
      file = path.join(dir, 'default', 'nested', 'requests.jsonl');
      gw = await startGateway({ config: config(upstream, { path: file }) });
      const url = `${gw.url}/v1/chat/completions`;

      const send = async (key: keyof typeof ids, body: Record<string, unknown>) => {
        const raw = JSON.stringify(body);
        const r = await post(url, raw, { ...AUTH, 'x-request-id': ids[key] });
        replies[key] = { status: r.status, bytes: r.bytes.length, bodyIn: Buffer.byteLength(raw) };
      };
      await send('json', chat('fast'));
      await send('stream', chat('gpt-stream', true));
      await send('err500', chat('gpt-500'));
      await send('notFound', chat('nope-model'));
      await send('timeout', chat('gpt-hang'));

      // Client abort mid-stream.
      const controller = new AbortController();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...AUTH, 'x-request-id': ids.abort },
        body: JSON.stringify(chat('gpt-slow', true)),
        signal: controller.signal,
      });
      assert.equal(res.status, 200);
      let seen = 0;
      await assert.rejects(async () => {
        for await (const _event of iterateSse(res)) if (++seen === 4) controller.abort();
      }, /abort/i);

      assert.equal(await gw.stop('SIGTERM'), 0, gw.stderr());
      ({ text, lines } = readJournal(file));
    });

    after(async () => {
      await gw?.stop('SIGKILL');
    });

    const line = (key: keyof typeof ids): Line => {
      const found = lines.filter((l) => l.request_id === ids[key]);
      assert.equal(found.length, 1, `one line for ${key} (${ids[key]}); journal:\n${text}`);
      return found[0]!;
    };

    it('writes exactly one line per model request (created the directory)', () => {
      assert.equal(lines.length, 6, text);
      assert.deepEqual(new Set(lines.map((l) => l.request_id)), new Set(Object.values(ids)));
    });

    it('every line has exactly the SPEC §5 fields plus upstream_request_id, and no bodies', () => {
      for (const l of lines) {
        assert.deepEqual(Object.keys(l), [
          'ts',
          'request_id',
          'ingress',
          'virtual_model',
          'backend',
          'real_model',
          'stream',
          'status',
          'error',
          'ttft_ms',
          'duration_ms',
          'input_tokens',
          'output_tokens',
          'tokens_per_second',
          'spend_usd',
          'profile',
          'client_key_id',
          'bytes_in',
          'bytes_out',
          'upstream_request_id',
          'attempts',
        ]);
        assert.match(l.ts as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        assert.equal(l.ingress, 'openai.chat');
        assert.equal(l.client_key_id, 'team-a');
        assert.equal(typeof l.duration_ms, 'number');
      }
      assert.ok(!text.includes(PROMPT), 'no prompt text');
      assert.ok(!text.includes(COMPLETION), 'no completion text');
      assert.ok(!text.includes('once-upon'), 'no streamed text');
    });

    it('a non-streamed success to a virtual model', () => {
      const l = line('json');
      assert.equal(l.status, 200);
      assert.equal(replies.json!.status, 200);
      assert.equal(l.virtual_model, 'fast');
      assert.equal(l.backend, 'main');
      assert.equal(l.real_model, 'gpt-json');
      assert.equal(l.stream, false);
      assert.equal(l.error, null);
      assert.equal(l.ttft_ms, null);
      assert.equal(l.input_tokens, 5);
      assert.equal(l.output_tokens, 3);
      assert.deepEqual(l.profile, { defaults: ['temperature'] });
      assert.equal(l.upstream_request_id, 'up-json-1');
      assert.equal(l.bytes_in, replies.json!.bodyIn);
      assert.equal(l.bytes_out, replies.json!.bytes);
    });

    it('a streamed success: TTFT, usage and bytes', () => {
      const l = line('stream');
      assert.equal(l.status, 200);
      assert.equal(l.stream, true);
      assert.equal(l.virtual_model, null);
      assert.equal(l.real_model, 'gpt-stream');
      assert.equal(l.backend, 'main');
      assert.equal(typeof l.ttft_ms, 'number');
      assert.ok((l.ttft_ms as number) <= (l.duration_ms as number));
      assert.equal(l.input_tokens, 6);
      assert.equal(l.output_tokens, 3);
      assert.equal(typeof l.tokens_per_second, 'number');
      assert.equal(l.profile, null);
      assert.equal(l.upstream_request_id, 'up-stream-1');
      assert.equal(l.bytes_out, replies.stream!.bytes);
    });

    it('an upstream error: its status and the redacted message', () => {
      const l = line('err500');
      assert.equal(l.status, replies.err500!.status);
      assert.ok((l.status as number) >= 500);
      assert.equal(typeof l.error, 'string');
      assert.match(l.error as string, /internal failure/);
    });

    it('a client abort mid-stream: 499', () => {
      const l = line('abort');
      assert.equal(l.status, 499);
      assert.equal(l.stream, true);
      assert.equal(l.error, 'client closed the request');
      assert.ok((l.bytes_out as number) > 0);
    });

    it('an unknown model: 404, not routed', () => {
      const l = line('notFound');
      assert.equal(replies.notFound!.status, 404);
      assert.equal(l.status, 404);
      assert.equal(l.backend, null);
      assert.equal(l.real_model, null);
      assert.match(l.error as string, /nope-model/);
    });

    it('an upstream timeout: 504', () => {
      const l = line('timeout');
      assert.equal(replies.timeout!.status, 504);
      assert.equal(l.status, 504);
      assert.equal(l.backend, 'slow');
      assert.match(l.error as string, /timed out/);
    });

    it('no configured secret appears anywhere in the journal', () => {
      assert.ok(!text.includes(BACKEND_KEY), 'backend api_key');
      assert.ok(!text.includes(CLIENT_KEY), 'inbound api key');
      assert.ok(!text.includes(BACKEND_KEY.slice(0, 16)), 'no part of the backend key');
    });

    it('`switchyard journal summary FILE` summarises it', async () => {
      writeFileSync(path.join(dir, 'default', 'nested', 'requests-2026-01-01.jsonl'), `${readFileSync(file, 'utf8')}not a journal line\n`);
      const r = await runCli(['journal', 'summary', file, path.join(dir, 'default', 'nested', 'requests-2026-01-01.jsonl')]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^12 request\(s\)/);
      assert.match(r.stdout, /MODEL\s+BACKEND\s+REQUESTS\s+ERRORS/);
      assert.match(r.stdout, /^fast\s+main\s+2\s+0\s+0%/m);
      assert.match(r.stdout, /^gpt-stream\s+main\s+2\s+0\s+0%\s+0\s+\d+ ms/m);
      assert.match(r.stdout, /^gpt-slow\s+main\s+2\s+0\s+0%\s+2\s/m);
      assert.match(r.stdout, /^gpt-hang\s+slow\s+2\s+2\s+100%/m);
      assert.match(r.stdout, /^\(unrouted\)\s+-\s+2\s+2\s+100%/m);
      assert.match(r.stdout, /^\(all\)\s+12\s+6\s+50%\s+2\s/m);
      assert.match(r.stdout, /1 bad line\(s\) skipped/);
    });
  });

  describe('include_bodies: true', () => {
    it('adds the request and response bodies (and still no secret)', async () => {
      const file = path.join(dir, 'bodies', 'requests.jsonl');
      const gw = await startGateway({ config: config(upstream, { path: file, include_bodies: true }) });
      try {
        const url = `${gw.url}/v1/chat/completions`;
        const ids = { json: rid('b-json'), stream: rid('b-stream') };
        assert.equal((await post(url, chat('fast'), { ...AUTH, 'x-request-id': ids.json })).status, 200);
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...AUTH, 'x-request-id': ids.stream },
          body: JSON.stringify(chat('gpt-stream', true)),
        });
        await collectBytes(res);
        assert.equal(await gw.stop('SIGTERM'), 0, gw.stderr());
        const { text, lines } = readJournal(file);
        assert.equal(lines.length, 2, text);
        const j = lines.find((l) => l.request_id === ids.json)!;
        assert.deepEqual(j.request_body, chat('fast'));
        assert.equal((j.response_body as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content, COMPLETION);
        const s = lines.find((l) => l.request_id === ids.stream)!;
        assert.deepEqual(s.request_body, chat('gpt-stream', true));
        assert.equal(typeof s.response_body, 'string');
        assert.match(s.response_body as string, /^data: /);
        assert.ok((s.response_body as string).includes('once-upon-a-time'));
        assert.ok(!text.includes(BACKEND_KEY));
        assert.ok(!text.includes(CLIENT_KEY));
      } finally {
        await gw.stop('SIGKILL');
      }
    });
  });

  describe('path "-"', () => {
    it('writes the lines to stdout (logs stay on stderr)', async () => {
      const gw = await startGateway({ config: config(upstream, { path: '-' }) });
      try {
        const id = rid('stdout');
        assert.equal((await post(`${gw.url}/v1/chat/completions`, chat('fast'), { ...AUTH, 'x-request-id': id })).status, 200);
        assert.equal(await gw.stop('SIGTERM'), 0, gw.stderr());
        const lines = gw
          .stdout()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Line);
        assert.equal(lines.filter((l) => l.request_id === id).length, 1, gw.stdout());
      } finally {
        await gw.stop('SIGKILL');
      }
    });
  });

  describe('an unwritable path', () => {
    it('fails the start with a clear message and exit code 1', async () => {
      const blocker = path.join(dir, 'a-file');
      writeFileSync(blocker, '');
      const cfgDir = mkdtempSync(path.join(tmpdir(), 'switchyard-journal-cfg-'));
      try {
        const cfg = writeConfigFile(cfgDir, config(upstream, { path: path.join(blocker, 'requests.jsonl') }));
        const r = await runCli([
          '--config',
          cfg,
          '--listen',
          `127.0.0.1:${await freePort()}`,
          '--metrics-listen',
          `127.0.0.1:${await freePort()}`,
        ]);
        assert.equal(r.code, 1, r.stderr);
        assert.match(
          r.stderr,
          /^switchyard: journal\.path: cannot write the journal file .*a-file\/requests\.jsonl: a parent of it is not a directory/m,
        );
        assert.ok(!r.stderr.includes('    at '), `no stack trace:\n${r.stderr}`);
        assert.equal(existsSync(path.join(blocker, 'requests.jsonl')), false);
      } finally {
        rmSync(cfgDir, { recursive: true, force: true });
      }
    });
  });
});
