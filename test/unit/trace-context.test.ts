import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextTraceparent } from '@switchyard/kernel';

const W3C = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

describe('traceparent toward the upstream', () => {
  it("continues the client's trace with a new span id", () => {
    const incoming = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const out = nextTraceparent(incoming);
    assert.match(out, W3C);
    assert.equal(out.slice(3, 35), '0af7651916cd43dd8448eb211c80319c');
    assert.notEqual(out.slice(36, 52), 'b7ad6b7169203331');
  });

  it('starts a new, random trace when the client sent none or a malformed one', () => {
    const a = nextTraceparent(undefined);
    const b = nextTraceparent('garbage');
    assert.match(a, W3C);
    assert.match(b, W3C);
    assert.notEqual(a.slice(3, 35), b.slice(3, 35));
  });
});
