/**
 * A backend codec that frames its streams itself (ProtocolCodec.streamFraming): the kernel's
 * Translation feeds a streamed reply's bytes to its framer instead of the SSE parser; without a
 * framing nothing changes. (Whether a reply is a stream is the request's say: stream-by-request.test.)
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- tests poke into parsed JSON */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import {
  PluginRegistry,
  Translation,
  type CodecContext,
  type IrStreamEvent,
  type ProtocolCodec,
  type SseEvent,
  type StreamFraming,
} from '@switchyard/kernel';
import { plugin as openai } from '@switchyard/plugin-openai';
import { collectText, parseSse } from '../helpers/sse.js';

/** Newline-delimited `name payload` lines: a framing that is not SSE, to prove the hook is general. */
const lineFraming: StreamFraming = {
  contentType: 'application/x-test-lines',
  createFramer(onEvent: (e: SseEvent) => void) {
    let pending = '';
    return {
      feed(chunk: Buffer) {
        pending += chunk.toString('utf8');
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          const space = line.indexOf(' ');
          if (space < 0) throw new Error(`malformed line "${line}"`);
          onEvent({ event: line.slice(0, space), data: line.slice(space + 1) });
        }
      },
      end() {
        if (pending.length > 0) throw new Error('the stream ended inside a line');
      },
    };
  },
};

function testCodec(framing?: StreamFraming): ProtocolCodec {
  return {
    protocol: 'test.lines',
    encodeRequest: (ir) => ({ model: ir.model }),
    decodeResponse: () => ({ id: 'r', model: 'm', parts: [], finishReason: 'stop' }),
    createStreamDecoder: () => ({
      push(e: SseEvent): IrStreamEvent[] {
        if (e.event === 'start') return [{ type: 'start', id: 'resp-1', model: 'm' }];
        if (e.event === 'text') return [{ type: 'text_delta', text: JSON.parse(e.data) as string }];
        if (e.event === 'stop') return [{ type: 'finish', reason: 'stop' }];
        return [];
      },
      end: () => [],
    }),
    ...(framing ? { streamFraming: framing } : {}),
  };
}

function translation(framing?: StreamFraming): Translation {
  const ctx: CodecContext = { clientModel: 'virtual-x', requestId: 'req-f', dropped: () => {} };
  const registry = new PluginRegistry().register(openai).registerCodec(testCodec(framing));
  return Translation.between(registry, 'openai.chat', 'test.lines', ctx);
}

describe('Translation with a codec-owned stream framing', () => {
  it("feeds the reply's bytes to the codec's framer, events split across reads", async () => {
    const bytes = Buffer.from('start {}\ntext "Hel"\ntext "lo"\nstop {}\n');
    const chunks = [bytes.subarray(0, 7), bytes.subarray(7, 20), bytes.subarray(20)];
    const text = await collectText(translation(lineFraming).stream().attach(Readable.from(chunks)));
    const events = parseSse(text);
    assert.equal(events.at(-1)!.data, '[DONE]');
    const chunksOut = events.slice(0, -1).map((e) => JSON.parse(e.data) as any);
    assert.equal(chunksOut.map((c) => c.choices[0]?.delta?.content ?? '').join(''), 'Hello');
    assert.equal(chunksOut.at(-1).choices[0].finish_reason, 'stop');
  });

  it("a framer's error fails the translating stream", async () => {
    const stream = translation(lineFraming)
      .stream()
      .attach(Readable.from([Buffer.from('start {}\nbroken\n')]));
    await assert.rejects(collectText(stream), /malformed line "broken"/);
  });

  it('without a framing the same bytes go through the SSE parser (no event comes out of them)', async () => {
    const text = await collectText(
      translation()
        .stream()
        .attach(Readable.from([Buffer.from('start {}\ntext "Hi"\n')])),
    );
    assert.ok(!text.includes('Hi'));
  });
});
