/**
 * Issue #19 (the stream tail): the pipeline's list of requests in flight (OpenRequests) keeps no
 * request it removed. It was a `Set`: V8 keeps a long-lived set's backing table in the old
 * generation, allocates each replacement table there too, and a replaced table still holds the
 * entries it had; dead, it is only visited by a full collection, so until then every request in
 * flight at a rehash was kept, with its whole stream, through young-generation collections (at
 * concurrency 16 a third of what a passthrough stream allocates was copied, then promoted).
 * Measured here as the heap that young-generation collections leave and a full one frees.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { OpenRequests } from '@switchyard/kernel';
import { scriptedPipeline } from '../helpers/scripted-pipeline.js';

v8.setFlagsFromString('--expose-gc');
// Objects from an allocation site that survived often are allocated old at once: that would count as kept here.
v8.setFlagsFromString('--no-allocation-site-pretenuring');
const gc = vm.runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;

/** What young-generation collections keep that a full collection frees (bytes), after `run`. */
async function keptByYoungCollections(run: () => Promise<void> | void): Promise<number> {
  await run();
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  gc({ type: 'minor' });
  gc({ type: 'minor' });
  const afterMinor = v8.getHeapStatistics().used_heap_size;
  gc();
  return afterMinor - v8.getHeapStatistics().used_heap_size;
}

/** About 80 KB of small objects, as a stream's own objects are. */
function payload(): object[] {
  return Array.from({ length: 2048 }, (_, i) => ({ i }));
}

/** 16 requests in flight, 80 more started as earlier ones end, then all removed. */
function churn<E>(add: (p: object[]) => E, remove: (e: E) => void): void {
  const live: E[] = [];
  for (let i = 0; i < 16; i++) live.push(add(payload()));
  for (let step = 0; step < 80; step++) {
    remove(live[step % 16]!);
    live[step % 16] = add(payload());
  }
  for (const e of live.splice(0)) remove(e);
}

const MB = 1024 * 1024;

describe('OpenRequests (the requests in flight)', () => {
  it('lists what was added and not removed, oldest first; removing twice is a no-op', () => {
    const open = new OpenRequests();
    const calls: string[] = [];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => open.add(() => void calls.push(n)));
    assert.equal(open.size, 4);
    open.remove(b!);
    open.remove(b!);
    assert.equal(open.size, 3);
    open.remove(a!);
    open.remove(d!);
    assert.deepEqual(open.toArray(), [c]);
    const e = open.add(() => void calls.push('e'));
    for (const entry of open.toArray()) entry.interrupt(new Error('x') as never);
    assert.deepEqual(calls, ['c', 'e']);
    open.remove(c!);
    open.remove(e);
    assert.equal(open.size, 0);
    assert.deepEqual(open.toArray(), []);
    open.add(() => undefined);
    assert.equal(open.size, 1, 'usable again once empty');
  });

  it('a long-lived Set keeps removed entries through young-generation collections (why OpenRequests is a list)', async () => {
    const set = new Set<{ p: object[] }>();
    gc(); // the set's table is old now, as the pipeline's is after start-up
    const kept = await keptByYoungCollections(() =>
      churn(
        (p) => {
          const e = { p };
          set.add(e);
          return e;
        },
        (e) => set.delete(e),
      ),
    );
    assert.ok(kept > 2 * MB, `V8 kept ${(kept / MB).toFixed(2)} MB: if it no longer does, OpenRequests could be a Set again`);
  });

  it('keeps nothing it removed through young-generation collections', async () => {
    const open = new OpenRequests();
    gc();
    const kept = await keptByYoungCollections(() =>
      churn(
        (p) => open.add(() => void p),
        (e) => open.remove(e),
      ),
    );
    assert.ok(kept < 0.5 * MB, `kept ${(kept / MB).toFixed(2)} MB`);
  });

  it('GatewayPipeline: finished streams are not kept through young-generation collections', async () => {
    const { pipeline } = await scriptedPipeline(() => {
      // The stream's objects: reachable from the upstream body, as a real stream's are. A
      // Readable, as undici's body is: a Writable (PassThrough) is kept by Node itself (its
      // state's `onwrite` closure is assigned straight to a property: allocated old).
      const body = Object.assign(new Readable({ read: () => undefined }), { payload: payload() });
      setImmediate(() => {
        body.push('data: {"choices":[]}\n\ndata: [DONE]\n\n');
        body.push(null);
      });
      return Promise.resolve({ status: 200, headers: { 'content-type': 'text/event-stream' }, body });
    }, [{ protocol: 'openai.chat' }]);
    const body = { model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] };
    const one = async (i: number): Promise<void> => {
      const reply = await pipeline.handle({
        protocol: 'openai.chat',
        body,
        headers: {},
        requestId: `r${i}`,
        signal: new AbortController().signal,
      });
      for await (const chunk of reply.body as Readable) void chunk;
      await reply.exchange.done;
    };
    await one(-1); // the pipeline's own objects are made and old before the measurement
    gc();
    const kept = await keptByYoungCollections(async () => {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < 96) await one(next++);
      };
      await Promise.all(Array.from({ length: 16 }, worker));
    });
    assert.equal(pipeline.inFlight, 0);
    assert.ok(kept < 1 * MB, `finished streams kept: ${(kept / MB).toFixed(2)} MB`);
  });
});
