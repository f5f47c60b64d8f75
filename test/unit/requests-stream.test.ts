/**
 * Whether a reply is a stream is the request's say (issue #16 item 1): `stream: true` on the
 * endpoint itself by default, else what the ingress codec's requestsStream answers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requestsStream, type ProtocolCodec } from '@switchyard/kernel';
import { plugin as openai } from '@switchyard/plugin-openai';

const embeddingsCodec = openai.codecs!.find((c) => c.protocol === 'openai.embeddings');

describe('requestsStream', () => {
  it('by default: stream: true (the boolean) on the endpoint itself, never on a sub-operation', () => {
    assert.equal(requestsStream(undefined, { stream: true }, undefined), true);
    assert.equal(requestsStream(undefined, { stream: 'true' }, undefined), false);
    assert.equal(requestsStream(undefined, {}, undefined), false);
    assert.equal(requestsStream(undefined, { stream: true }, 'count_tokens'), false);
  });

  it("the ingress codec's answer wins; /v1/embeddings never streams", () => {
    const always: ProtocolCodec = { protocol: 'x.always', requestsStream: () => true };
    assert.equal(requestsStream(always, {}, undefined), true);
    assert.equal(requestsStream(embeddingsCodec, { stream: true }, undefined), false);
  });

  it('a codec whose answer throws gets the default (the request is still answered)', () => {
    const broken: ProtocolCodec = {
      protocol: 'x.broken',
      requestsStream: () => {
        throw new Error('careless');
      },
    };
    assert.equal(requestsStream(broken, { stream: true }, undefined), true);
    assert.equal(requestsStream(broken, {}, undefined), false);
  });
});
