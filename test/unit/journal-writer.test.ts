/**
 * The request journal's writer (SPEC §5): off the request path with a bounded queue, drops
 * counted when the sink stalls, rotation by size and by day, flush on close, stdout mode.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { JournalWriter, rotatedJournalName, utcDay, type JournalDropReason } from '@switchyard/kernel';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'switchyard-journal-'));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const DAY1 = Date.parse('2026-11-21T23:59:58.000Z');
const DAY2 = Date.parse('2026-11-22T00:00:01.000Z');

function lines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
}

function line(i: number, width = 30): string {
  const base = JSON.stringify({ i, pad: '' });
  return JSON.stringify({ i, pad: 'x'.repeat(Math.max(0, width - base.length)) });
}

/** A sink whose writes never complete: a disk that stalls. */
class StalledSink extends Writable {
  writes = 0;
  override _write(_chunk: Buffer, _enc: BufferEncoding, _cb: (err?: Error | null) => void): void {
    this.writes++; // never calls back
  }
}

describe('JournalWriter', () => {
  it('creates the directory, writes one line per entry and flushes on close', async () => {
    const file = path.join(tempDir(), 'a', 'b', 'requests.jsonl');
    const w = new JournalWriter({ path: file });
    w.open();
    for (let i = 0; i < 500; i++) assert.equal(w.write(line(i)), true);
    await w.close();
    const got = lines(file).map((l) => JSON.parse(l) as { i: number });
    assert.deepEqual(
      got.map((r) => r.i),
      Array.from({ length: 500 }, (_, i) => i),
    );
    assert.equal(w.linesWritten, 500);
    assert.equal(w.linesDropped, 0);
    assert.equal(w.write(line(999)), false, 'nothing is taken after close');
  });

  it('appends to an existing file', async () => {
    const file = path.join(tempDir(), 'requests.jsonl');
    writeFileSync(file, `${line(0)}\n`);
    const w = new JournalWriter({ path: file, now: () => Date.now() });
    w.open();
    w.write(line(1));
    await w.close();
    assert.equal(lines(file).length, 2);
  });

  it('never blocks on a stalled sink: the queue is bounded and the overflow is dropped and counted', async () => {
    const sink = new StalledSink();
    const drops: Array<[number, JournalDropReason]> = [];
    const w = new JournalWriter({
      path: path.join(tempDir(), 'requests.jsonl'),
      maxQueueLines: 100,
      openSink: () => sink,
      onDrop: (n, reason) => drops.push([n, reason]),
      closeTimeoutMs: 100,
    });
    w.open();
    w.write(line(0));
    await new Promise((r) => setImmediate(r));
    assert.equal(sink.writes, 1, 'the first batch went to the (stalled) sink');
    const started = performance.now();
    let accepted = 0;
    for (let i = 1; i <= 1000; i++) if (w.write(line(i))) accepted++;
    assert.ok(performance.now() - started < 200, 'writes return at once');
    assert.equal(accepted, 100);
    assert.equal(w.queued, 100);
    assert.equal(w.linesDropped, 900);
    assert.equal(
      drops.filter(([, r]) => r === 'queue_full').reduce((a, [n]) => a + n, 0),
      900,
    );
    const closeStarted = performance.now();
    await w.close();
    assert.ok(performance.now() - closeStarted < 2000, 'close gives up on a stalled sink after its timeout');
    // The queued lines and the batch stuck in the sink are counted as dropped at shutdown.
    assert.equal(
      drops.filter(([, r]) => r === 'shutdown').reduce((a, [n]) => a + n, 0),
      101,
    );
    assert.equal(w.linesDropped, 1001);
    assert.equal(w.linesWritten, 0);
  });

  it('bounds the queue by size too (lines with bodies are large)', async () => {
    const w = new JournalWriter({
      path: path.join(tempDir(), 'requests.jsonl'),
      maxQueueBytes: 1000,
      openSink: () => new StalledSink(),
      closeTimeoutMs: 50,
    });
    w.open();
    let accepted = 0;
    for (let i = 0; i < 20; i++) if (w.write(line(i, 199))) accepted++;
    assert.equal(accepted, 5);
    await w.close();
  });

  it('rotates by size: no file grows past max_size, nothing is lost, order is kept', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'requests.jsonl');
    const w = new JournalWriter({ path: file, maxSizeBytes: 100, now: () => DAY1 });
    w.open();
    for (let i = 0; i < 10; i++) w.write(line(i)); // 31 bytes each with the newline: 3 per file
    await w.flush();
    w.write(line(10));
    w.write(line(11));
    await w.close();
    const day = utcDay(DAY1);
    const rotated = [rotatedJournalName(file, day), rotatedJournalName(file, day, 1), rotatedJournalName(file, day, 2)];
    assert.deepEqual(readdirSync(dir).sort(), [
      'requests-2026-11-21.1.jsonl',
      'requests-2026-11-21.2.jsonl',
      'requests-2026-11-21.jsonl',
      'requests.jsonl',
    ]);
    const all = [...rotated, file].flatMap((f) => {
      assert.ok(statSync(f).size <= 100, `${f} is ${statSync(f).size} bytes`);
      return lines(f).map((l) => (JSON.parse(l) as { i: number }).i);
    });
    assert.deepEqual(
      all,
      Array.from({ length: 12 }, (_, i) => i),
    );
    assert.equal(w.rotationCount, 3);
  });

  it('rotates by day (UTC) with the date of the lines in the rotated name', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'requests.jsonl');
    let now = DAY1;
    const w = new JournalWriter({ path: file, maxSizeBytes: 0, now: () => now });
    w.open();
    w.write(line(1));
    w.write(line(2));
    await w.flush();
    now = DAY2;
    w.write(line(3));
    await w.flush();
    now = DAY2 + 3600_000;
    w.write(line(4));
    await w.close();
    assert.deepEqual(readdirSync(dir).sort(), ['requests-2026-11-21.jsonl', 'requests.jsonl']);
    assert.deepEqual(
      lines(path.join(dir, 'requests-2026-11-21.jsonl')).map((l) => (JSON.parse(l) as { i: number }).i),
      [1, 2],
    );
    assert.deepEqual(
      lines(file).map((l) => (JSON.parse(l) as { i: number }).i),
      [3, 4],
    );
  });

  it('rotates a file left from an earlier day at the first line, without overwriting an existing rotated file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'requests.jsonl');
    writeFileSync(file, `${line(0)}\n`);
    const old = new Date('2026-11-20T12:00:00Z');
    utimesSync(file, old, old);
    writeFileSync(path.join(dir, 'requests-2026-11-20.jsonl'), `${line(-1)}\n`);
    const w = new JournalWriter({ path: file, now: () => DAY2 });
    w.open();
    w.write(line(1));
    await w.close();
    assert.deepEqual(readdirSync(dir).sort(), ['requests-2026-11-20.1.jsonl', 'requests-2026-11-20.jsonl', 'requests.jsonl']);
    assert.equal(lines(path.join(dir, 'requests-2026-11-20.1.jsonl')).length, 1);
    assert.deepEqual(
      lines(file).map((l) => (JSON.parse(l) as { i: number }).i),
      [1],
    );
  });

  it('names rotated files after the date, keeping the extension', () => {
    assert.equal(rotatedJournalName('/x/requests.jsonl', '2026-11-22'), '/x/requests-2026-11-22.jsonl');
    assert.equal(rotatedJournalName('/x/requests.jsonl', '2026-11-22', 2), '/x/requests-2026-11-22.2.jsonl');
    assert.equal(rotatedJournalName('/x/journal', '2026-11-22'), '/x/journal-2026-11-22');
  });

  it('"-" writes to stdout (flushed on close, not closed)', async () => {
    const out = new PassThrough();
    let text = '';
    out.setEncoding('utf8').on('data', (s: string) => (text += s));
    const w = new JournalWriter({ path: '-', stdout: out, maxSizeBytes: 10 });
    w.open();
    for (let i = 0; i < 5; i++) w.write(line(i));
    await w.close();
    assert.equal(out.writableEnded, false);
    assert.deepEqual(
      text
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { i: number }).i),
      [0, 1, 2, 3, 4],
    );
  });

  it('stdout that fails (EPIPE) drops lines for the retry delay, then is tried again', async () => {
    let text = '';
    const out = new Writable({
      write(chunk: Buffer, _e, cb) {
        text += chunk.toString('utf8');
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const drops: JournalDropReason[] = [];
    const w = new JournalWriter({ path: '-', stdout: out, retryDelayMs: 60_000, onDrop: (_n, r) => drops.push(r) });
    w.open();
    w.write(line(1));
    await w.flush();
    assert.equal(w.write(line(2)), false, 'dropped at once while stdout is broken');
    assert.deepEqual(drops, ['write_error', 'write_error']);
    await w.close();
    assert.equal(text.split('\n').filter(Boolean).length, 1, 'only the first batch reached it');
    assert.equal(out.listenerCount('error') <= 1, true);
  });

  it('a path that cannot be written is a clear error at open()', () => {
    const dir = tempDir();
    const blocker = path.join(dir, 'not-a-dir');
    writeFileSync(blocker, '');
    const w = new JournalWriter({ path: path.join(blocker, 'requests.jsonl') });
    assert.throws(
      () => w.open(),
      (err: Error) => err.message.includes(path.join(blocker, 'requests.jsonl')) && /not a directory/.test(err.message),
    );
    const d = new JournalWriter({ path: dir });
    assert.throws(() => d.open(), /is a directory/);
  });

  it('a failed write drops that batch (counted) and the next batch reopens the file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'requests.jsonl');
    let opened = 0;
    const drops: JournalDropReason[] = [];
    const errors: string[] = [];
    const w = new JournalWriter({
      path: file,
      openSink: () => {
        opened++;
        if (opened === 1) {
          return new Writable({
            write(_c, _e, cb) {
              cb(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
            },
          });
        }
        return new Writable({
          write(chunk: Buffer, _e, cb) {
            writeFileSync(file, chunk, { flag: 'a' });
            cb();
          },
        });
      },
      onDrop: (_n, r) => drops.push(r),
      onError: (e) => errors.push(e.message),
      retryDelayMs: 0,
    });
    w.open();
    w.write(line(1));
    await w.flush();
    w.write(line(2));
    await w.close();
    assert.deepEqual(drops, ['write_error']);
    assert.equal(errors.length, 1);
    assert.equal(opened, 2);
    assert.deepEqual(
      lines(file).map((l) => (JSON.parse(l) as { i: number }).i),
      [2],
    );
  });

  it('lines that come faster than minWriteIntervalMs go out together: one write per interval, the first at once', async () => {
    /** A sink that records each write (one write = one syscall on a file). */
    class CountingSink extends Writable {
      batches: string[] = [];
      override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
        this.batches.push(chunk.toString());
        cb();
      }
    }
    const run = async (minWriteIntervalMs?: number) => {
      const sink = new CountingSink();
      const w = new JournalWriter({ path: path.join(tempDir(), 'requests.jsonl'), openSink: () => sink, minWriteIntervalMs });
      w.open();
      w.write(line(0));
      await new Promise((r) => setImmediate(r));
      assert.equal(sink.batches.length, 1, 'a line after a quiet spell is written at once');
      // Five more lines, one per event-loop turn (well within 10 ms): the rate of a busy gateway.
      for (let i = 1; i <= 5; i++) {
        w.write(line(i));
        await new Promise((r) => setImmediate(r));
      }
      await w.close();
      assert.deepEqual(
        sink.batches
          .join('')
          .split('\n')
          .filter(Boolean)
          .map((l) => (JSON.parse(l) as { i: number }).i),
        [0, 1, 2, 3, 4, 5],
        'every line, in order',
      );
      return sink.batches.length;
    };
    assert.equal(await run(), 2, 'default 50 ms: the five later lines in one write');
    assert.equal(await run(0), 6, '0: one write per line');
  });
});
