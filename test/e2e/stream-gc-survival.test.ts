/**
 * Issue #19 (the stream tail): a finished stream's objects die young. Scavenge pauses land on
 * streams' first events (TTFT p99) and on the event loop under many streams; they are as long as
 * what survives. Two code patterns kept every finished stream alive through young-generation
 * collections until the next full one, so a quarter to a third of what a stream allocates was
 * copied, then promoted, and pauses were 10–40 ms: a closure assigned straight to a property
 * (V8 allocates it in the old generation: test/unit/no-pretenured-closures.test.ts) and a
 * Transform per translated stream (Node's WritableState makes one such closure:
 * plugin-sdk's RelayReadable). With them gone, under 1 % survives. This test runs a gateway
 * with V8's GC trace and streams one request at a time (passthrough and translated) and fails when
 * more than 5 % of the young generation's allocation survives its scavenges.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gcSurvival, TRACE_GC_NODE_OPTIONS } from '../helpers/gc-survival.js';
import { startFakeUpstream, sse, type FakeUpstream } from '../helpers/fake-upstream.js';
import { textChunks } from '../helpers/e2e.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';

const PIECES = Array.from({ length: 18 }, (_, i) => `piece ${i} of a streamed answer, `);
const MAX_SURVIVAL = 0.05;

async function streamOnce(url: string, body: string, headers: Record<string, string>): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  assert.equal(res.status, 200);
  await res.arrayBuffer();
}

/** Streams `body` one request at a time until at least `scavenges` young collections happened after the warm-up. */
async function survivalOver(
  gw: RunningGateway,
  path: string,
  body: object,
  headers: Record<string, string> = {},
): Promise<ReturnType<typeof gcSurvival>> {
  const text = JSON.stringify(body);
  for (let i = 0; i < 300; i++) await streamOnce(`${gw.url}${path}`, text, headers); // compiled, pools open
  const from = gw.stdout().length;
  let measured = gcSurvival('');
  for (let i = 0; i < 20_000 && measured.scavenges < 4; i++) {
    await streamOnce(`${gw.url}${path}`, text, headers);
    if (i % 100 === 99) measured = gcSurvival(gw.stdout().slice(from));
  }
  return measured;
}

describe('streams die young: what survives a scavenge (issue #19, the stream tail)', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;

  before(async () => {
    upstream = await startFakeUpstream(sse(textChunks('real-model', PIECES)));
    gw = await startGateway({
      config: {
        logging: { level: 'warn' },
        backends: [{ id: 'up', type: 'openai', base_url: upstream.url, skip_probe: true, models: ['real-model'] }],
        routes: [{ virtual_model: 'virtual', backend: 'up', real_model: 'real-model', defaults: { temperature: 0.2 } }],
      },
      env: { NODE_OPTIONS: TRACE_GC_NODE_OPTIONS },
    });
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
  });

  it('passthrough (OpenAI client, OpenAI-compatible upstream): under 5 % survives', async () => {
    const m = await survivalOver(gw, '/v1/chat/completions', {
      model: 'virtual',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.ok(m.scavenges >= 4, `only ${m.scavenges} scavenges`);
    const ratio = m.survived / m.allocated;
    assert.ok(
      ratio < MAX_SURVIVAL,
      `${(ratio * 100).toFixed(1)} % of ${(m.allocated / 1e6).toFixed(0)} MB survived ${m.scavenges} scavenges`,
    );
  });

  it('translated (Anthropic client, OpenAI-compatible upstream): under 5 % survives', async () => {
    const m = await survivalOver(
      gw,
      '/v1/messages',
      { model: 'virtual', stream: true, max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] },
      { 'anthropic-version': '2023-06-01' },
    );
    assert.ok(m.scavenges >= 4, `only ${m.scavenges} scavenges`);
    const ratio = m.survived / m.allocated;
    assert.ok(
      ratio < MAX_SURVIVAL,
      `${(ratio * 100).toFixed(1)} % of ${(m.allocated / 1e6).toFixed(0)} MB survived ${m.scavenges} scavenges`,
    );
  });
});
