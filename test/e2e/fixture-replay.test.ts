/**
 * Recorded OpenAI chat and completions responses replayed by the fake upstream through the
 * gateway: in passthrough the client receives every byte unchanged (streamed and not), and a
 * virtual model's name is written into `model` without touching any other byte, even when the
 * upstream's writes split events (and UTF-8 characters) at arbitrary points.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  fixtureEvents,
  fixturePath,
  fixtureFolder,
  readFixtureLines,
  replayFixture,
  startFakeUpstream,
  type FakeHandler,
  type FakeUpstream,
} from '../helpers/fake-upstream.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';
import { byRequestId, post, receivedWithId, rid } from '../helpers/e2e.js';

const FOLDERS: ReadonlyArray<[folder: string, endpoint: string]> = [
  ['openai-chat', '/v1/chat/completions'],
  ['openai-completions', '/v1/completions'],
];

function fixtureNames(folder: string, suffix: string): string[] {
  return readdirSync(fixtureFolder(folder))
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => `${folder}/${f}`);
}

/** The model a fixture's responses name. */
function fixtureModel(name: string): string {
  if (name.endsWith('.json')) return (JSON.parse(readFileSync(fixturePath(name), 'utf8')) as { model: string }).model;
  return (JSON.parse(readFixtureLines(name)[0]!) as { model: string }).model;
}

function requestBody(endpoint: string, model: string, stream: boolean): Record<string, unknown> {
  const body: Record<string, unknown> =
    endpoint === '/v1/completions'
      ? { model, prompt: 'Invent a new holiday.', max_tokens: 16 }
      : { model, messages: [{ role: 'user', content: 'Hello' }] };
  if (stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}

/** Writes `bytes` in `size`-byte slices (splitting SSE events and multi-byte characters), then ends. */
function oddSlices(bytes: Buffer, size: number, contentType: string): FakeHandler {
  return async (_req, res, record) => {
    res.writeHead(200, { 'content-type': contentType });
    res.flushHeaders();
    for (let at = 0; at < bytes.length; at += size) {
      if (record.signal.aborted) return;
      if (!res.write(bytes.subarray(at, at + size))) await new Promise((r) => res.once('drain', r));
      if ((at / size) % 16 === 15) await new Promise((r) => setImmediate(r));
    }
    res.end();
  };
}

const RENAMED = 'house-model';

describe('fixture replay through the gateway', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  const script = byRequestId();
  const realModels = new Set<string>();
  for (const [folder] of FOLDERS) for (const n of fixtureNames(folder, '.chunks.txt')) realModels.add(fixtureModel(n));

  before(async () => {
    upstream = await startFakeUpstream(script);
    gw = await startGateway({
      config: {
        logging: { level: 'warn' },
        backends: [{ id: 'fake', type: 'openai', base_url: upstream.url, api_key: 'sk-replay-0123456789', models: ['*'] }],
        // One virtual model per recorded real model, to check the model-name rewrite.
        routes: [...realModels].map((m, i) => ({ virtual_model: `${RENAMED}-${i}`, backend: 'fake', real_model: m })),
      },
    });
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
  });

  for (const [folder, endpoint] of FOLDERS) {
    const streams = fixtureNames(folder, '.chunks.txt');
    const jsons = fixtureNames(folder, '.json');
    it(`${folder} has fixtures to replay`, () => {
      assert.ok(streams.length > 0 && jsons.length > 0);
    });

    for (const name of streams) {
      it(`${name}: streamed, every byte reaches the client unchanged`, async () => {
        const id = rid('replay');
        script.on(id, replayFixture(name));
        const expected = fixtureEvents(name).join('');
        const reply = await post(`${gw.url}${endpoint}`, requestBody(endpoint, fixtureModel(name), true), { 'x-request-id': id });
        assert.equal(reply.status, 200);
        assert.match(reply.headers.get('content-type') ?? '', /^text\/event-stream/);
        assert.equal(reply.headers.get('cache-control'), 'no-cache');
        assert.equal(reply.headers.get('x-accel-buffering'), 'no');
        assert.equal(reply.headers.get('content-encoding'), null);
        assert.ok(
          reply.bytes.equals(Buffer.from(expected, 'utf8')),
          `bytes differ (got ${reply.bytes.length}, expected ${Buffer.byteLength(expected)})`,
        );
        const got = await receivedWithId(upstream, id);
        assert.equal(got.path, endpoint);
        assert.equal(got.body.stream, true);
        assert.ok(got.chunksSent > 2, 'the fake streamed event by event');
      });

      it(`${name}: streamed without stream_options, only the usage chunk the gateway asked for is removed`, async () => {
        const id = rid('replay-usage');
        script.on(id, replayFixture(name));
        const body = requestBody(endpoint, fixtureModel(name), true);
        delete body.stream_options;
        const events = fixtureEvents(name);
        // The gateway asks for usage itself; the usage-only chunk (`"choices":[]`) it caused is not passed on.
        const expected = events
          .filter((e) => {
            if (e === 'data: [DONE]\n\n') return true;
            const chunk = JSON.parse(e.slice('data: '.length)) as { choices?: unknown[]; usage?: unknown };
            return !(Array.isArray(chunk.choices) && chunk.choices.length === 0 && chunk.usage);
          })
          .join('');
        const reply = await post(`${gw.url}${endpoint}`, body, { 'x-request-id': id });
        assert.equal(reply.status, 200);
        assert.equal(reply.text, expected);
        const got = await receivedWithId(upstream, id);
        assert.deepEqual(got.body.stream_options, { include_usage: true });
      });

      it(`${name}: streamed to a virtual model, only the model name changes (odd write boundaries)`, async () => {
        const id = rid('replay-vm');
        const real = fixtureModel(name);
        const virtual = `${RENAMED}-${[...realModels].indexOf(real)}`;
        const original = Buffer.from(fixtureEvents(name).join(''), 'utf8');
        script.on(id, oddSlices(original, 37, 'text/event-stream'));
        const expected = original.toString('utf8').replaceAll(`"model":${JSON.stringify(real)}`, `"model":${JSON.stringify(virtual)}`);
        assert.notEqual(expected, original.toString('utf8'));
        const reply = await post(`${gw.url}${endpoint}`, requestBody(endpoint, virtual, true), { 'x-request-id': id });
        assert.equal(reply.status, 200);
        assert.equal(reply.headers.get('x-switchyard-real-model'), real);
        assert.equal(reply.text, expected);
        const got = await receivedWithId(upstream, id);
        assert.equal(got.body.model, real, 'the upstream is asked for the real model');
      });
    }

    for (const name of jsons) {
      it(`${name}: not streamed, the body is identical byte for byte`, async () => {
        const id = rid('replay-json');
        script.on(id, replayFixture(name));
        const expected = readFileSync(fixturePath(name));
        const reply = await post(`${gw.url}${endpoint}`, requestBody(endpoint, fixtureModel(name), false), { 'x-request-id': id });
        assert.equal(reply.status, 200);
        assert.match(reply.headers.get('content-type') ?? '', /^application\/json/);
        assert.ok(reply.bytes.equals(expected), `body differs:\n${reply.text.slice(0, 300)}`);
        const got = await receivedWithId(upstream, id);
        assert.equal(got.path, endpoint);
        assert.notEqual(got.body.stream, true);
      });

      it(`${name}: not streamed to a virtual model, only the model name changes`, async () => {
        const real = fixtureModel(name);
        assert.ok(realModels.has(real), `${real} has a route`);
        const id = rid('replay-json-vm');
        const virtual = `${RENAMED}-${[...realModels].indexOf(real)}`;
        const original = readFileSync(fixturePath(name));
        script.on(id, oddSlices(original, 53, 'application/json'));
        const expected = original.toString('utf8').replace(`"model": ${JSON.stringify(real)}`, `"model": ${JSON.stringify(virtual)}`);
        assert.notEqual(expected, original.toString('utf8'));
        const reply = await post(`${gw.url}${endpoint}`, requestBody(endpoint, virtual, false), { 'x-request-id': id });
        assert.equal(reply.status, 200);
        assert.equal(reply.text, expected);
      });
    }
  }
});
