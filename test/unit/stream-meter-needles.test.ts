/**
 * containsAny (the meters' `mayMatter`, issue #19): one regular-expression scan of the chunk as
 * latin1 must answer exactly what a `Buffer.indexOf` per needle answers, for any bytes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containsAny } from '@switchyard/kernel';

const byIndexOf = (needles: Buffer[]) => (chunk: Buffer) => needles.some((n) => chunk.indexOf(n) >= 0);

describe('containsAny: the byte strings a meter still reads', () => {
  it('finds a needle exactly where its bytes are: UTF-8 text, regular-expression characters, bytes above 0x7f', () => {
    const needles = [
      Buffer.from('response.completed'),
      Buffer.from('a|b'),
      Buffer.from('[x]\\'),
      Buffer.from('é'),
      Buffer.from([0xff, 0x00]),
    ];
    const has = containsAny(needles);
    const chunks = [
      'event: response.completed\ndata: {}\n\n',
      'event: responseXcompleted\n\n',
      'data: {"text":"a|b"}\n\n',
      'data: {"text":"ab"}\n\n',
      'data: [x]\\ and more',
      'data: [x] only',
      'café',
      'cafe\u0301',
      '😀 response.complete',
    ].map((s) => Buffer.from(s));
    chunks.push(Buffer.from([0x61, 0xff, 0x00, 0x62]), Buffer.from([0xff, 0x01]), Buffer.alloc(0));
    for (const c of chunks) assert.equal(has(c), byIndexOf(needles)(c), JSON.stringify(c.toString('latin1')));
  });

  it('agrees with Buffer.indexOf on random bytes and needles cut from them', () => {
    let seed = 19;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    for (let round = 0; round < 300; round++) {
      const chunk = Buffer.from(Array.from({ length: rand(64) }, () => rand(256)));
      const needles = Array.from({ length: 1 + rand(4) }, () => {
        if (chunk.length > 0 && rand(2) === 0) {
          const from = rand(chunk.length);
          return Buffer.from(chunk.subarray(from, from + 1 + rand(6)));
        }
        return Buffer.from(Array.from({ length: 1 + rand(3) }, () => rand(256)));
      });
      assert.equal(containsAny(needles)(chunk), byIndexOf(needles)(chunk), `round ${round}`);
    }
  });

  it('no needles: nothing matters', () => {
    assert.equal(containsAny([])(Buffer.from('error')), false);
  });
});
