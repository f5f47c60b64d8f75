import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { firstValueFrom, toArray } from 'rxjs';
import { createModelRewriter, createSseParser, ObservedStream, rewriteModelInBody, sseEvents, type SseEvent } from '@switchyard/kernel';
import { createOpenAIUsageChunkStripper as createUsageChunkStripper } from '@switchyard/plugin-openai';

function rewriteChunks(chunks: string[], real: string, client: string): string {
  const rw = createModelRewriter(real, client)!;
  const out = chunks.map((c) => rw(Buffer.from(c)).toString());
  return out.join('') + rw(Buffer.alloc(0)).toString();
}

describe('model field rewrite (no re-serialisation)', () => {
  it('replaces the real model with the name the client asked for, with and without a space', () => {
    const got = rewriteChunks(
      ['data: {"id":"1","model":"Qwen/Qwen3-8B","x":1}\n\n', 'data: {"model": "Qwen/Qwen3-8B"}\n\n'],
      'Qwen/Qwen3-8B',
      'coder',
    );
    assert.equal(got, 'data: {"id":"1","model":"coder","x":1}\n\ndata: {"model": "coder"}\n\n');
  });

  it('handles a needle split across two reads at every possible offset', () => {
    const event = 'data: {"id":"1","model":"real-model","choices":[]}\n\n';
    for (let cut = 1; cut < event.length; cut++) {
      const got = rewriteChunks([event.slice(0, cut), event.slice(cut)], 'real-model', 'virtual');
      assert.equal(got, event.replace('real-model', 'virtual'), `cut at ${cut}`);
    }
  });

  it('several fields per read, any chunking: the same bytes as rewriting the whole stream at once', () => {
    const events = Array.from(
      { length: 12 },
      (_, i) => `data: {"id":"c${i}","model":"real-${i % 3}-model","choices":[{"delta":{"content":"t\\"model\\":${i}"}}]}\n\n`,
    ).join('');
    const expected = events.replace(/"model":"real-\d-model"/g, '"model":"v"');
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (let round = 0; round < 200; round++) {
      const chunks: string[] = [];
      for (let i = 0; i < events.length;) {
        const n = 1 + rand(round % 2 ? 400 : 40);
        chunks.push(events.slice(i, i + n));
        i += n;
      }
      assert.equal(rewriteChunks(chunks, 'real-0-model', 'v'), expected, `round ${round}`);
    }
  });

  it('replaces whatever the upstream named: a dated snapshot of the real model', () => {
    const got = rewriteChunks(['data: {"model":"gpt-4.1-nano-2025-04-14","choices":[]}\n\n'], 'gpt-4.1-nano', 'fast');
    assert.equal(got, 'data: {"model":"fast","choices":[]}\n\n');
  });

  it('leaves a null model and escaped text alone', () => {
    const got = rewriteChunks(['{"model":null,"content":"say \\"model\\": \\"x\\""}'], 'r', 'v');
    assert.equal(got, '{"model":null,"content":"say \\"model\\": \\"x\\""}');
  });

  it('never holds back the end of a complete event', () => {
    const rw = createModelRewriter('a', 'b')!;
    const out = rw(Buffer.from('data: {"model":"a"}\n\n'));
    assert.equal(out.toString(), 'data: {"model":"b"}\n\n');
  });

  it('is absent when the names are equal, and leaves other fields alone', () => {
    assert.equal(createModelRewriter('m', 'm'), undefined);
    const body = Buffer.from('{"model":"r","choices":[{"message":{"content":"the \\"model\\":\\"r\\" text"}}]}');
    assert.equal(
      rewriteModelInBody(body, 'r', 'v').toString(),
      '{"model":"v","choices":[{"message":{"content":"the \\"model\\":\\"r\\" text"}}]}',
    );
  });
});

describe('ObservedStream', () => {
  it('passes bytes unchanged and gives observers a side copy', async () => {
    const tap = new ObservedStream();
    const seen: Buffer[] = [];
    tap.chunks$.subscribe((c) => seen.push(c));
    const received: Buffer[] = [];
    tap.attach(Readable.from([Buffer.from('a'), Buffer.from('bc')]));
    await pipeline(
      tap,
      new Writable({
        write(chunk, _e, cb) {
          received.push(chunk);
          cb();
        },
      }),
    );
    assert.equal(Buffer.concat(received).toString(), 'abc');
    assert.equal(Buffer.concat(seen).toString(), 'abc');
    assert.equal(tap.bytesOut, 3);
  });

  it('applies backpressure: a reader that does not read pauses the source, reading resumes it', async () => {
    const tap = new ObservedStream();
    let produced = 0;
    const source = new Readable({
      read() {
        produced++;
        this.push(produced <= 200 ? Buffer.alloc(4096) : null);
      },
    });
    tap.attach(source);
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(source.isPaused(), 'the source is paused while nobody reads');
    // Bounded by the two buffers (the source's and this stream's high-water marks), not by the 200 chunks.
    const bound = (source.readableHighWaterMark + tap.readableHighWaterMark) / 4096 + 2;
    assert.ok(produced <= bound, `the source produced ${produced} chunks with nobody reading (bound ${bound})`);
    assert.ok(tap.readableLength <= 64 * 1024);
    let read = 0;
    for await (const c of tap) read += (c as Buffer).length;
    assert.equal(read, 200 * 4096);
  });

  it('ends with a final event after what was sent', async () => {
    const tap = new ObservedStream();
    tap.write(Buffer.from('data: 1\n\n'));
    tap.finishWith('data: {"error":{}}\n\n');
    const chunks: Buffer[] = [];
    for await (const c of tap) chunks.push(c as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), 'data: 1\n\ndata: {"error":{}}\n\n');
  });
});

describe('sseEvents', () => {
  it('parses CRLF, data without a space, events split across reads, and long lines', async () => {
    const tap = new ObservedStream();
    const events = firstValueFrom(sseEvents(tap.chunks$).pipe(toArray()));
    const long = 'x'.repeat(100_000);
    const wire = `data:{"a":1}\r\n\r\nevent: ping\ndata: {"b":2}\n\ndata: ${long}\n\n`;
    const done = (async () => {
      for await (const _ of tap) void _;
    })();
    for (let i = 0; i < wire.length; i += 7) tap.write(Buffer.from(wire.slice(i, i + 7)));
    tap.end();
    await done;
    const got: SseEvent[] = await events;
    assert.deepEqual(
      got.map((e) => [e.event, e.data.length > 50 ? `long:${e.data.length}` : e.data]),
      [
        [undefined, '{"a":1}'],
        ['ping', '{"b":2}'],
        [undefined, `long:${long.length}`],
      ],
    );
  });
});

describe('bounded buffering on streams that never end an event', () => {
  it('the usage-chunk stripper forwards an unfinished event rather than holding it without bound', () => {
    const strip = createUsageChunkStripper();
    let forwarded = 0;
    for (let i = 0; i < 64; i++) forwarded += strip(Buffer.alloc(16 * 1024, 0x61)).length;
    assert.ok(forwarded >= 60 * 16 * 1024, `forwarded ${forwarded} bytes`);
  });

  it('still strips the usage-only chunk it asked for, and nothing else', () => {
    const strip = createUsageChunkStripper();
    const events = 'data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: {"choices":[],"usage":{"prompt_tokens":1}}\n\ndata: [DONE]\n\n';
    assert.equal(strip(Buffer.from(events)).toString(), 'data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: [DONE]\n\n');
  });

  it('the SSE parser drops an oversized event, reports it, and keeps parsing later events', () => {
    const seen: string[] = [];
    let overflows = 0;
    const p = createSseParser(
      (e) => seen.push(e.data),
      () => overflows++,
      1024,
    );
    p.feed('data: ' + 'x'.repeat(4096));
    p.feed('\n\n');
    p.feed('data: ok\n\n');
    p.end();
    assert.equal(overflows, 1);
    assert.ok(seen.includes('ok'));
    assert.ok(!seen.some((d) => d.length > 1024));
  });
});
