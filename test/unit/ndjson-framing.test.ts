/**
 * The kernel's NDJSON framer (ndjsonFraming / createNdjsonFramer): one JSON object a line → one
 * event whose `data` is the line, across reads, bounded, the last unterminated line at end().
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createNdjsonFramer, GatewayError, ndjsonFraming, type SseEvent } from '@switchyard/kernel';

function framed(chunks: (string | Buffer)[], limit?: number): SseEvent[] {
  const events: SseEvent[] = [];
  const framer = createNdjsonFramer((e) => events.push(e), limit);
  for (const c of chunks) framer.feed(typeof c === 'string' ? Buffer.from(c) : c);
  framer.end();
  return events;
}

describe('NDJSON framer', () => {
  it('makes one event per line, its data the line', () => {
    assert.deepEqual(framed(['{"a":1}\n{"b":2}\n']), [{ data: '{"a":1}' }, { data: '{"b":2}' }]);
  });

  it('joins a line split across reads, a multi-byte character included', () => {
    const line = Buffer.from('{"t":"héllo"}\n');
    const cut = line.indexOf(0xc3) + 1; // inside "é"
    assert.deepEqual(framed([line.subarray(0, cut), line.subarray(cut)]), [{ data: '{"t":"héllo"}' }]);
    assert.deepEqual(framed(['{"a"', ':1}', '\n{"b":2}\n']), [{ data: '{"a":1}' }, { data: '{"b":2}' }]);
  });

  it('drops CR of CRLF and blank lines', () => {
    assert.deepEqual(framed(['{"a":1}\r\n\r\n\n  \n{"b":2}\r\n']), [{ data: '{"a":1}' }, { data: '{"b":2}' }]);
  });

  it('emits a last line without newline at end()', () => {
    const events: SseEvent[] = [];
    const framer = createNdjsonFramer((e) => events.push(e));
    framer.feed(Buffer.from('{"a":1}\n{"done":true}'));
    assert.deepEqual(events, [{ data: '{"a":1}' }]);
    framer.end();
    assert.deepEqual(events, [{ data: '{"a":1}' }, { data: '{"done":true}' }]);
  });

  it('throws a 502 for a line over the limit, complete or still open', () => {
    const complete = () => framed([`{"x":"${'a'.repeat(40)}"}\n`], 32);
    assert.throws(complete, (e: unknown) => e instanceof GatewayError && e.status === 502 && /larger than 32 bytes/.test(e.message));
    const events: SseEvent[] = [];
    const framer = createNdjsonFramer((e) => events.push(e), 32);
    framer.feed(Buffer.from('{"ok":1}\n'));
    assert.throws(
      () => framer.feed(Buffer.from('x'.repeat(33))),
      (e: unknown) => e instanceof GatewayError && e.status === 502,
    );
    assert.deepEqual(events, [{ data: '{"ok":1}' }]);
    assert.deepEqual(framed(['{"x":"' + 'a'.repeat(20) + '"}\n'], 32), [{ data: '{"x":"' + 'a'.repeat(20) + '"}' }]);
  });

  it('ndjsonFraming names its content type and makes framers', () => {
    const framing = ndjsonFraming('application/x-ndjson');
    assert.equal(framing.contentType, 'application/x-ndjson');
    const events: SseEvent[] = [];
    const framer = framing.createFramer((e) => events.push(e));
    framer.feed(Buffer.from('{"a":1}\n'));
    framer.end();
    assert.deepEqual(events, [{ data: '{"a":1}' }]);
  });
});
