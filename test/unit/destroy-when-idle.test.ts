import assert from 'node:assert/strict';
import { PassThrough, Readable, Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { destroyWhenIdle } from '@switchyard/kernel';

describe('destroyWhenIdle: the kernel’s idle limit on a plugin’s reply body', () => {
  it('a body that goes silent while its reader waits is destroyed with the given error', async () => {
    const body = new Readable({ read() {} });
    const chunks: Buffer[] = [];
    body.on('data', (c: Buffer) => chunks.push(c));
    destroyWhenIdle(body, 50, () => new Error('idle'));
    body.push('first');
    const err = await new Promise<Error>((resolve) => body.once('error', resolve));
    assert.equal(err.message, 'idle');
    assert.equal(Buffer.concat(chunks).toString(), 'first');
  });

  it('data keeps it alive; the end clears the timer', async () => {
    const body = new Readable({ read() {} });
    body.on('data', () => {});
    destroyWhenIdle(body, 60, () => new Error('idle'));
    for (let i = 0; i < 6; i++) {
      body.push(`chunk ${i}`);
      await delay(25);
    }
    body.push(null);
    await delay(120);
    assert.equal(body.destroyed && body.errored !== null, false);
  });

  it('time paused by a slow reader (backpressure) never counts', async () => {
    const body = new PassThrough({ highWaterMark: 16 });
    const stuck = new Writable({ highWaterMark: 16, write: () => {} }); // never calls back: full after one chunk
    body.pipe(stuck);
    destroyWhenIdle(body, 40, () => new Error('idle'));
    for (let i = 0; i < 8; i++) body.write(Buffer.alloc(64));
    await delay(200);
    assert.equal(body.errored, null);
    assert.equal(body.isPaused(), true);
  });
});
