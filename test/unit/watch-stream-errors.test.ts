import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStreamErrorWatcher, SecretRedactor, type StreamErrorEvent } from '@switchyard/kernel';
import { anthropicMessagesCodec } from '@switchyard/plugin-anthropic';
import { openaiChatCodec } from '@switchyard/plugin-openai';
import { openaiResponsesCodec } from '@switchyard/plugin-openresponses';

const KEY = 'sk-watch-secret-0123456789abcdef';

function watcher(codec: { readStreamError?: typeof openaiChatCodec.readStreamError }) {
  const redactor = new SecretRedactor();
  redactor.add(KEY);
  const errors: StreamErrorEvent[] = [];
  const rewrite = createStreamErrorWatcher({
    read: codec.readStreamError!,
    redact: (t) => redactor.redact(t),
    onError: (e) => errors.push(e),
  });
  return { rewrite, errors };
}

/** Feeds `chunks` one read each and returns what went out, read by read, plus the flush. */
function run(rewrite: (b: Buffer) => Buffer, chunks: string[]): string[] {
  return [...chunks.map((c) => rewrite(Buffer.from(c)).toString()), rewrite(Buffer.alloc(0)).toString()];
}

const content = 'data: {"choices":[{"index":0,"delta":{"content":"an \\"error\\" in text"}}]}\n\n';
const openaiError = `data: {"error":{"message":"bad key ${KEY}","type":"${KEY}","param":"${KEY}","code":"${KEY}"}}\n\n`;

describe('passthrough stream error events (createStreamErrorWatcher)', () => {
  it('a read without `"error"` goes out as the same buffer, unparsed', () => {
    const { rewrite, errors } = watcher(openaiChatCodec);
    const chunk = Buffer.from(content);
    assert.equal(rewrite(chunk), chunk);
    assert.equal(errors.length, 0);
  });

  it('an OpenAI error chunk is reported and every field of it redacted; other events are untouched', () => {
    const { rewrite, errors } = watcher(openaiChatCodec);
    const out = run(rewrite, [content + openaiError]).join('');
    assert.equal(out, content + openaiError.replaceAll(KEY, '[REDACTED]'));
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.message, 'bad key [REDACTED]');
  });

  it('an error event split across reads (even inside the key) is held until its end, then redacted whole', () => {
    const { rewrite, errors } = watcher(openaiChatCodec);
    const whole = content + openaiError;
    for (const cut of [content.length + 9, content.length + 30, whole.length - 3]) {
      errors.length = 0;
      const reads = run(rewrite, [whole.slice(0, cut), whole.slice(cut)]);
      assert.equal(reads[0], content, `cut at ${cut}: the complete event goes out at once, the unfinished one is held`);
      assert.equal(reads.join(''), content + openaiError.replaceAll(KEY, '[REDACTED]'));
      assert.equal(errors.length, 1);
    }
  });

  it('an unfinished event larger than 64 KiB is forwarded, not held', () => {
    const { rewrite } = watcher(openaiChatCodec);
    const big = `data: {"choices":[{"delta":{"content":"${'x'.repeat(70 * 1024)}`;
    assert.equal(rewrite(Buffer.from(big)).length, big.length);
  });

  it('Anthropic `event: error` and Responses `error` / `response.failed` are read by their plugins; lookalikes are not', () => {
    const anthropic = watcher(anthropicMessagesCodec);
    run(anthropic.rewrite, [
      'event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"type":"text_delta","text":"\\"error\\""}}\n\n',
      `event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded ${KEY}"}}\n\n`,
    ]);
    assert.deepEqual(anthropic.errors, [{ type: 'error', status: 529, errorType: 'overloaded_error', message: 'Overloaded [REDACTED]' }]);

    const responses = watcher(openaiResponsesCodec);
    run(responses.rewrite, [
      'event: response.created\ndata: {"type":"response.created","response":{"id":"r","error":null}}\n\n',
      'event: error\ndata: {"type":"error","code":"rate_limit_exceeded","message":"slow down","param":null}\n\n',
      'event: response.failed\ndata: {"type":"response.failed","response":{"id":"r","error":{"code":"server_error","message":"broke"}}}\n\n',
    ]);
    // Without `event:` lines too.
    run(responses.rewrite, [
      'data: {"type":"response.completed","response":{"id":"r","error":null}}\n\n',
      'data: {"type": "error","code":"server_error","message":"unnamed"}\n\n',
    ]);
    assert.deepEqual(
      responses.errors.map((e) => [e.status, e.errorType, e.message]),
      [
        [429, 'rate_limit_exceeded', 'slow down'],
        [502, 'server_error', 'broke'],
        [502, 'server_error', 'unnamed'],
      ],
    );
  });
});
