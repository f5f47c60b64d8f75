/**
 * Starting the gateway (SPEC §1): demo mode with nothing configured, ./config.yaml picked up,
 * `--check`, usage errors, and single-backend mode (`--backend openai --base-url …`).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { stringify as toYaml } from 'yaml';
import { mockText } from '@switchyard/plugin-mock/standalone';
import { json, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { runCli, startGateway, writeConfigFile, type CliResult, type RunningGateway } from '../helpers/start-gateway.js';
import { assertOpenAIError, byModel, chatCompletion, post, receivedWithId, rid } from '../helpers/e2e.js';

const SINGLE_KEY = 'sk-single-backend-key-0123456789';

describe('starting the gateway', () => {
  let upstream: FakeUpstream;
  let dir: string;

  before(async () => {
    upstream = await startFakeUpstream(
      byModel({ 'from-cwd-config': json(200, chatCompletion('from-cwd-config', { content: 'configured' })) }),
    );
    dir = mkdtempSync(path.join(tmpdir(), 'switchyard-e2e-cli-'));
  });

  after(async () => {
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('demo mode (no config, empty cwd, no SWITCHYARD_* env)', () => {
    let gw: RunningGateway;

    before(async () => {
      gw = await startGateway();
    });

    after(async () => {
      await gw?.stop();
    });

    it('says so on stderr, with how to configure real backends', async () => {
      const err = await gw.waitForOutput(/demo mode/, { stream: 'stderr', timeoutMs: 5000 });
      assert.match(err, /--config/);
      assert.match(err, /--backend/);
    });

    it('serves model "mock" (models.list, chat streamed and not)', async () => {
      const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const ids: string[] = [];
      for await (const m of client.models.list()) ids.push(m.id);
      assert.deepEqual(ids, ['mock']);
      const res = await client.chat.completions.create({ model: 'mock', messages: [{ role: 'user', content: 'hello' }] });
      assert.equal(res.model, 'mock');
      assert.equal(res.choices[0]!.message.content, mockText(16));
      let streamed = '';
      for await (const c of await client.chat.completions.create({
        model: 'mock',
        stream: true,
        messages: [{ role: 'user', content: 'hello' }],
      })) {
        streamed += c.choices[0]?.delta.content ?? '';
      }
      assert.equal(streamed, mockText(16));
    });

    it('other model names are 404 model_not_found naming "mock"', async () => {
      const reply = await post(`${gw.url}/v1/chat/completions`, { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] });
      const err = assertOpenAIError(reply, 404, /mock/);
      assert.equal(err.code, 'model_not_found');
    });
  });

  it('./config.yaml in the working directory is used (not demo mode)', async () => {
    const cwd = mkdtempSync(path.join(dir, 'cwd-'));
    writeFileSync(
      path.join(cwd, 'config.yaml'),
      toYaml({
        logging: { level: 'info' },
        backends: [{ id: 'fake', type: 'openai', base_url: upstream.url, models: ['from-cwd-config'] }],
      }),
    );
    const gw = await startGateway({ cwd });
    try {
      const id = rid('cwd');
      const reply = await post(
        `${gw.url}/v1/chat/completions`,
        { model: 'from-cwd-config', messages: [{ role: 'user', content: 'x' }] },
        { 'x-request-id': id },
      );
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.json().choices[0].message.content, 'configured');
      await receivedWithId(upstream, id);
      assert.doesNotMatch(gw.stderr(), /demo mode/);
    } finally {
      await gw.stop();
    }
  });

  describe('--check and usage errors (the CLI runs concurrently)', () => {
    const results: Record<string, CliResult> = {};

    before(async () => {
      const valid = writeConfigFile(dir, {
        backends: [{ id: 'up', type: 'openai', base_url: 'http://127.0.0.1:9', api_key: '${CHECK_KEY}', models: ['*'] }],
      });
      const unknownKey = path.join(dir, 'unknown-key.yaml');
      writeFileSync(unknownKey, toYaml({ backends: [{ id: 'up', type: 'openai', base_urll: 'http://127.0.0.1:9', models: ['*'] }] }));
      const unresolved = path.join(dir, 'unresolved.yaml');
      writeFileSync(
        unresolved,
        'backends:\n  - id: up\n    type: openai\n    base_url: http://127.0.0.1:9\n    api_key: ${E2E_UNSET_KEY}\n    models: ["*"]\n',
      );
      const empty = path.join(dir, 'empty.yaml');
      writeFileSync(empty, '');
      const runs: Record<string, Promise<CliResult>> = {
        valid: runCli(['--check', '--config', valid], { CHECK_KEY: 'from-env' }),
        unknownKey: runCli(['--check', '--config', unknownKey]),
        unresolved: runCli(['--check', '--config', unresolved], { E2E_UNSET_KEY: undefined }),
        emptyServe: runCli(['--config', empty, '--listen', '127.0.0.1:0'], {}, { timeoutMs: 30_000 }),
        modelWithoutBackend: runCli(['--model', 'gpt-*']),
        secretFlag: runCli(['--backend', 'openai', '--api-key', 'sk-on-the-command-line']),
      };
      await Promise.all(Object.entries(runs).map(async ([k, p]) => (results[k] = await p)));
    });

    it('--check exits 0 on a valid config (with its ${ENV} set)', () => {
      const r = results.valid!;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /OK/);
    });

    it('--check exits 1 naming the file and the key path of an unknown key (with a suggestion)', () => {
      const r = results.unknownKey!;
      assert.equal(r.code, 1);
      assert.match(r.stderr, /unknown-key\.yaml/);
      assert.match(r.stderr, /backends\[0\]\.base_urll/);
      assert.match(r.stderr, /base_url\b/);
    });

    it('--check exits 1 naming an unresolved ${ENV} and its key path', () => {
      const r = results.unresolved!;
      assert.equal(r.code, 1);
      assert.match(r.stderr, /unresolved\.yaml/);
      assert.match(r.stderr, /backends\[0\]\.api_key/);
      assert.match(r.stderr, /E2E_UNSET_KEY/);
    });

    it('an empty config file is an error naming it, never a fall-back to demo mode', () => {
      const run = results.emptyServe!;
      assert.equal(run.code, 1);
      assert.match(run.stderr, /empty\.yaml/);
      assert.match(run.stderr, /empty/);
      assert.doesNotMatch(run.stderr + run.stdout, /listening/i);
    });

    it('usage error: --model without --backend', () => {
      const r = results.modelWithoutBackend!;
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--model/);
      assert.match(r.stderr, /--backend/);
    });

    it('usage error: a secret on the command line is refused', () => {
      const r = results.secretFlag!;
      assert.equal(r.code, 2);
      assert.match(r.stderr, /SWITCHYARD_BACKEND_API_KEY/);
      assert.doesNotMatch(r.stderr, /sk-on-the-command-line/);
    });
  });

  describe('single-backend mode: --backend openai --base-url <fake>', () => {
    let gw: RunningGateway;

    before(async () => {
      gw = await startGateway({
        args: ['--backend', 'openai', '--base-url', upstream.url],
        env: { SWITCHYARD_BACKEND_API_KEY: SINGLE_KEY },
      });
    });

    after(async () => {
      await gw?.stop();
    });

    for (const model of ['Qwen/Qwen3-8B', 'meta-llama/Llama-3.3-70B-Instruct:fp8', 'gpt-4o-mini']) {
      it(`routes "${model}" to the fake as-is, with SWITCHYARD_BACKEND_API_KEY as the bearer`, async () => {
        const id = rid('single');
        const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
        const res = await client.chat.completions.create(
          { model, messages: [{ role: 'user', content: 'hi' }] },
          { headers: { 'x-request-id': id } },
        );
        assert.equal(res.model, model);
        const got = await receivedWithId(upstream, id);
        assert.equal(got.path, '/v1/chat/completions');
        assert.equal(got.body.model, model);
        assert.equal(got.headers.authorization, `Bearer ${SINGLE_KEY}`);
      });
    }
  });

  it('single-backend mode with --model globs restricts the names', async () => {
    const gw = await startGateway({ args: ['--backend', 'openai', '--base-url', upstream.url, '--model', 'org/*', '--model', 'small-?'] });
    try {
      const id = rid('glob');
      const ok = await post(
        `${gw.url}/v1/chat/completions`,
        { model: 'org/deep/name', messages: [{ role: 'user', content: 'x' }] },
        { 'x-request-id': id },
      );
      assert.equal(ok.status, 200, ok.text);
      assert.equal((await receivedWithId(upstream, id)).body.model, 'org/deep/name');
      assert.equal(
        (await post(`${gw.url}/v1/chat/completions`, { model: 'small-1', messages: [{ role: 'user', content: 'x' }] })).status,
        200,
      );
      const no = await post(`${gw.url}/v1/chat/completions`, { model: 'other', messages: [{ role: 'user', content: 'x' }] });
      assert.equal(assertOpenAIError(no, 404).code, 'model_not_found');
    } finally {
      await gw.stop();
    }
  });
});
