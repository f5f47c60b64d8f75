/**
 * Helpers for the scaling tests (issue #18): an upstream that holds every request for a while and
 * records how many it had at once, and a burst of chat requests spread over several gateways.
 */
import assert from 'node:assert/strict';
import { chatCompletion, post, type RawReply } from './e2e.js';
import { openAiCompatible, type FakeHandler } from './fake-upstream.js';

export interface HeldStats {
  /** Requests being held right now. */
  current: number;
  /** The most held at once since the last reset. */
  max: number;
  /** Requests received since the last reset. */
  total: number;
  /** When set, the next chat request gets this error reply at once (not counted as held). */
  failNext?: { status: number; headers: Record<string, string>; body: object };
  reset(): void;
}

/**
 * An OpenAI-compatible upstream that answers each chat request after `holdMs()` ms (a client that
 * goes away ends the hold) and counts concurrent requests; GET /models lists `any`.
 */
export function heldReplies(holdMs: () => number): { handler: FakeHandler; stats: HeldStats } {
  const stats: HeldStats = {
    current: 0,
    max: 0,
    total: 0,
    reset() {
      this.max = this.current;
      this.total = 0;
    },
  };
  const listing = openAiCompatible({ mock_models: ['any'] });
  const handler: FakeHandler = async (req, res, record) => {
    if (req.method !== 'POST') return listing(req, res, record);
    const fail = stats.failNext;
    if (fail) {
      stats.failNext = undefined;
      res.writeHead(fail.status, { 'content-type': 'application/json', ...fail.headers });
      return void res.end(JSON.stringify(fail.body));
    }
    stats.current++;
    stats.total++;
    stats.max = Math.max(stats.max, stats.current);
    try {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, holdMs());
        record.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    } finally {
      stats.current--;
    }
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(chatCompletion(String(record.body?.model ?? 'any'), { role: 'assistant', content: 'held' })));
  };
  return { handler, stats };
}

export const chat = (model: string) => ({ model, messages: [{ role: 'user', content: 'hi' }] });

/** `count` chat requests at once, the i-th to `urls[i % urls.length]`; resolves with every reply. */
export function burst(urls: readonly string[], model: string, count: number, timeoutMs = 60_000): Promise<RawReply[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      post(`${urls[i % urls.length]}/v1/chat/completions`, chat(model), {}, AbortSignal.timeout(timeoutMs)),
    ),
  );
}

/** Asserts `count` replies, all 200 (the bodies of the others in the message). */
export function assertAllOk(replies: readonly RawReply[], count: number): void {
  assert.equal(replies.length, count);
  const bad = replies.filter((r) => r.status !== 200);
  assert.deepEqual(
    bad.map((r) => r.status),
    [],
    bad.map((r) => r.text).join('\n'),
  );
}
