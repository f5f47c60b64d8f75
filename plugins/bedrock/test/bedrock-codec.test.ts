/* eslint-disable @typescript-eslint/no-explicit-any -- tests poke into wire JSON */
/**
 * The aws.bedrock-converse codec of plugins/bedrock: IR → Converse request (system, media,
 * tools, tool choice, thinking, reasoning and tool turns carried back, cache points), Converse
 * reply → IR (usage with cache counts, stop reasons), and ConverseStream bytes → IR events through
 * the codec's own event-stream framing (split reads, bad CRC, truncation, exception events).
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import {
  PluginRegistry,
  SecretRedactor,
  Translation,
  type CodecContext,
  type IrRequest,
  type IrStreamEvent,
  type SseEvent,
} from '@switchyard/kernel';
import {
  bedrockErrorType,
  createBedrockEventStreamFramer,
  createBedrockStreamDecoder,
  decodeBedrockResponse,
  encodeBedrockRequest,
  loadAwsModules,
  normaliseBedrockErrorReply,
  plugin as bedrock,
  shapeBedrockBody,
} from '@switchyard/plugin-bedrock';
import { plugin as anthropic } from '@switchyard/plugin-anthropic';
import {
  converseStreamEvents,
  DEFAULT_REPLY,
  encodeBedrockEvent,
  encodeBedrockException,
} from '../../../test/dist/helpers/fake-bedrock.js';
import { collectText, parseSse } from '../../../test/dist/helpers/sse.js';

const CLAUDE = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

// The plugin loads the AWS SDK modules on first use (a request's signing does it before any stream).
await loadAwsModules();

function context(): CodecContext & { droppedFields: string[] } {
  const droppedFields: string[] = [];
  return { clientModel: 'client-model', requestId: 'req-1', dropped: (f) => droppedFields.push(f), droppedFields };
}

const ir = (over: Partial<IrRequest>): IrRequest => ({ model: CLAUDE, system: [], messages: [], stream: false, ...over });

describe('encodeBedrockRequest (IR → Converse)', () => {
  it('system, media and inferenceConfig: system blocks, image/document bytes, cache points; no model in the body', () => {
    const ctx = context();
    const body = encodeBedrockRequest(
      ir({
        system: [
          {
            role: 'system',
            parts: [{ type: 'text', text: 'Be brief.', providerMetadata: { anthropic: { cacheControl: { type: 'ephemeral' } } } }],
          },
        ],
        messages: [
          {
            role: 'user',
            parts: [
              { type: 'text', text: 'Look:' },
              { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0K' } },
              { type: 'file', source: { kind: 'url', url: 'data:application/pdf;base64,JVBERi0x' }, filename: 'report (final).pdf' },
            ],
          },
        ],
        maxTokens: 100,
        temperature: 0.4,
        topP: 0.9,
        stop: ['a', 'b', 'c', 'd', 'e'],
      }),
      ctx,
    );
    assert.deepEqual(body, {
      messages: [
        {
          role: 'user',
          content: [
            { text: 'Look:' },
            { image: { format: 'png', source: { bytes: 'iVBORw0K' } } },
            { document: { format: 'pdf', name: 'report (final)', source: { bytes: 'JVBERi0x' } } },
          ],
        },
      ],
      system: [{ text: 'Be brief.' }, { cachePoint: { type: 'default' } }],
      inferenceConfig: { maxTokens: 100, temperature: 0.4, stopSequences: ['a', 'b', 'c', 'd'] },
    });
    assert.ok(ctx.droppedFields.some((f) => f.startsWith('top_p')));
    assert.ok(ctx.droppedFields.some((f) => f.startsWith('stop sequences past the fourth')));
  });

  it('tools and tool choice: toolSpec with inputSchema.json; auto / any / tool; none sends no tools', () => {
    const tools = [{ kind: 'function' as const, name: 'weather', description: 'W', parameters: { type: 'object' } }];
    const messages = [{ role: 'user' as const, parts: [{ type: 'text' as const, text: 'x' }] }];
    const choice = (toolChoice: IrRequest['toolChoice']) =>
      (encodeBedrockRequest(ir({ model: 'amazon.nova-pro-v1:0', tools, toolChoice, messages }), context()).toolConfig as any)?.toolChoice;
    assert.deepEqual(choice('auto'), { auto: {} });
    assert.deepEqual(choice('required'), { any: {} });
    assert.deepEqual(choice({ name: 'weather' }), { tool: { name: 'weather' } });
    assert.equal(encodeBedrockRequest(ir({ tools, toolChoice: 'none', messages }), context()).toolConfig, undefined);
    const body = encodeBedrockRequest(ir({ tools, messages }), context());
    assert.deepEqual(body.toolConfig, {
      tools: [{ toolSpec: { name: 'weather', description: 'W', inputSchema: { json: { type: 'object' } } } }],
    });
  });

  it('Claude thinking through additionalModelRequestFields; temperature and a forced tool choice left out with it; other models drop it', () => {
    const tools = [{ kind: 'function' as const, name: 'weather', parameters: { type: 'object' } }];
    const ctx = context();
    const body = encodeBedrockRequest(
      ir({
        thinking: { enabled: true, budgetTokens: 2048 },
        maxTokens: 8000,
        temperature: 0.5,
        topK: 5,
        tools,
        toolChoice: 'required',
        messages: [{ role: 'user', parts: [{ type: 'text', text: 'x' }] }],
      }),
      ctx,
    );
    assert.deepEqual(body.additionalModelRequestFields, { thinking: { type: 'enabled', budget_tokens: 2048 } });
    assert.deepEqual(body.inferenceConfig, { maxTokens: 8000 });
    assert.deepEqual((body.toolConfig as any).toolChoice, { auto: {} });
    const nova = encodeBedrockRequest(
      ir({
        model: 'amazon.nova-pro-v1:0',
        thinking: { enabled: true },
        messages: [{ role: 'user', parts: [{ type: 'text', text: 'x' }] }],
      }),
      ctx,
    );
    assert.equal(nova.additionalModelRequestFields, undefined);
    assert.ok(ctx.droppedFields.some((f) => f.startsWith('thinking (this gateway sends reasoning settings to Claude models')));
  });

  it('reasoning (signed and redacted), tool calls and tool results across turns; role alternation; tool results lead', () => {
    const body = encodeBedrockRequest(
      ir({
        messages: [
          { role: 'user', parts: [{ type: 'text', text: 'Weather?' }] },
          {
            role: 'assistant',
            parts: [
              { type: 'reasoning', text: 'thinking…', signature: 'sig-1' },
              { type: 'reasoning', text: '', redactedData: 'cmVkYWN0ZWQ=' },
              { type: 'reasoning', text: 'unsigned' },
              { type: 'tool_call', id: 'tu_1', name: 'weather', arguments: '{"city":"Paris"}' },
            ],
          },
          { role: 'tool', parts: [{ type: 'tool_result', toolCallId: 'tu_1', content: 'boom', isError: true }] },
          { role: 'user', parts: [{ type: 'text', text: 'and?' }] },
        ],
      }),
      context(),
    );
    assert.deepEqual(body.messages, [
      { role: 'user', content: [{ text: 'Weather?' }] },
      {
        role: 'assistant',
        content: [
          { reasoningContent: { reasoningText: { text: 'thinking…', signature: 'sig-1' } } },
          { reasoningContent: { redactedContent: 'cmVkYWN0ZWQ=' } },
          { toolUse: { toolUseId: 'tu_1', name: 'weather', input: { city: 'Paris' } } },
        ],
      },
      { role: 'user', content: [{ toolResult: { toolUseId: 'tu_1', content: [{ text: 'boom' }], status: 'error' } }, { text: 'and?' }] },
    ]);
  });
});

describe('decodeBedrockResponse (Converse → IR)', () => {
  it('parts in order, usage with the cache counts added to input, stop reasons', () => {
    const res = decodeBedrockResponse(
      {
        output: {
          message: {
            role: 'assistant',
            content: [
              { reasoningContent: { reasoningText: { text: 'hmm', signature: 's' } } },
              { reasoningContent: { redactedContent: 'cmVk' } },
              { text: 'Hi' },
              { toolUse: { toolUseId: 't1', name: 'f', input: { a: 1 } } },
            ],
          },
        },
        stopReason: 'tool_use',
        usage: { inputTokens: 10, outputTokens: 4, totalTokens: 14, cacheReadInputTokens: 100, cacheWriteInputTokens: 20 },
      },
      context(),
    );
    assert.deepEqual(res.parts, [
      { type: 'reasoning', text: 'hmm', signature: 's' },
      { type: 'reasoning', text: '', redactedData: 'cmVk' },
      { type: 'text', text: 'Hi' },
      { type: 'tool_call', id: 't1', name: 'f', arguments: '{"a":1}' },
    ]);
    assert.equal(res.finishReason, 'tool_calls');
    assert.deepEqual(res.usage, { inputTokens: 130, outputTokens: 4, cachedInputTokens: 100, cacheCreationInputTokens: 20 });
    const reason = (stopReason: string) =>
      decodeBedrockResponse({ output: { message: { content: [] } }, stopReason }, context()).finishReason;
    assert.equal(reason('guardrail_intervened'), 'content_filter');
    assert.equal(reason('content_filtered'), 'content_filter');
    assert.equal(reason('max_tokens'), 'length');
    assert.equal(reason('model_context_window_exceeded'), 'length');
    assert.equal(reason('stop_sequence'), 'stop');
    assert.throws(() => decodeBedrockResponse({ message: 'x' }, context()), /without output\.message\.content/);
  });
});

/** ConverseStream bytes → IR events through the framer and the decoder, fed in `size`-byte reads. */
function decodeBytes(bytes: Buffer, size: number): IrStreamEvent[] {
  const decoder = createBedrockStreamDecoder(context());
  const out: IrStreamEvent[] = [];
  const framer = createBedrockEventStreamFramer((e: SseEvent) => out.push(...decoder.push(e)));
  for (let i = 0; i < bytes.length; i += size) framer.feed(bytes.subarray(i, i + size));
  framer.end();
  out.push(...decoder.end());
  return out;
}

const streamBytes = (reply = DEFAULT_REPLY) => Buffer.concat(converseStreamEvents(reply).map(([t, p]) => encodeBedrockEvent(t, p)));

describe('ConverseStream framing and decoding', () => {
  it('the same IR events whatever the reads: 1 byte, 7 bytes, all at once; usage before finish', (t) => {
    // The start event's `created` is the clock's second: three decodes must not straddle a second boundary.
    t.mock.timers.enable({ apis: ['Date'], now: 1_796_694_388_500 });
    const reply = {
      content: [
        { reasoningContent: { reasoningText: { text: 'think', signature: 'sig' } } },
        { text: 'Hello there' },
        { toolUse: { toolUseId: 't1', name: 'f', input: { a: 1 } } },
      ],
      stopReason: 'tool_use',
      usage: { inputTokens: 5, outputTokens: 6, totalTokens: 11, cacheReadInputTokens: 1 },
    };
    const bytes = streamBytes(reply);
    const all = decodeBytes(bytes, bytes.length);
    assert.equal((all[0] as { created?: number }).created, 1_796_694_388);
    assert.deepEqual(decodeBytes(bytes, 1), all);
    assert.deepEqual(decodeBytes(bytes, 7), all);
    const types = all.map((e) => e.type);
    assert.deepEqual(types.slice(0, 1), ['start']);
    assert.deepEqual(types.slice(-2), ['usage', 'finish']);
    assert.ok(types.includes('reasoning_end'));
    assert.equal(
      all
        .filter((e) => e.type === 'text_delta')
        .map((e: any) => e.text)
        .join(''),
      'Hello there',
    );
    const args = all
      .filter((e) => e.type === 'tool_call_delta')
      .map((e: any) => e.argumentsDelta)
      .join('');
    assert.deepEqual(JSON.parse(args), { a: 1 });
    assert.deepEqual(
      all.find((e) => e.type === 'tool_call_start'),
      { type: 'tool_call_start', index: 0, id: 't1', name: 'f' },
    );
    assert.deepEqual((all.at(-2) as any).usage, { inputTokens: 6, outputTokens: 6, cachedInputTokens: 1 });
    assert.deepEqual(all.at(-1), { type: 'finish', reason: 'tool_calls', rawReason: 'tool_use' });
  });

  it('an exception message ends the stream with an error event carrying its status', () => {
    const bytes = Buffer.concat([
      encodeBedrockEvent('messageStart', { role: 'assistant' }),
      encodeBedrockException('validationException', 'bad input'),
    ]);
    const events = decodeBytes(bytes, 5);
    assert.deepEqual(events.at(-1), {
      type: 'error',
      status: 400,
      errorType: 'invalid_request',
      message: 'validationException: bad input',
    });
    const throttled = decodeBytes(encodeBedrockException('throttlingException', 'slow down') as Buffer, 3);
    assert.equal((throttled[0] as any).status, 429);
  });

  it('a corrupted message (CRC) and a stream cut inside a message are malformed-stream errors', () => {
    const bytes = Buffer.from(streamBytes());
    bytes[20] = bytes[20]! ^ 0xff;
    assert.throws(() => decodeBytes(bytes, 64), /malformed event stream message/);
    const good = streamBytes();
    assert.throws(() => decodeBytes(good.subarray(0, good.length - 3), 64), /ended its event stream inside a message/);
  });

  it('a stream without messageStop ends in an error event (not a silent end)', () => {
    const bytes = Buffer.concat([
      encodeBedrockEvent('messageStart', { role: 'assistant' }),
      encodeBedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'x' } }),
    ]);
    assert.equal(decodeBytes(bytes, 100).at(-1)!.type, 'error');
  });

  it('through the kernel Translation: ConverseStream bytes come out as Anthropic SSE', async () => {
    const registry = new PluginRegistry().register(anthropic).register(bedrock);
    const t = Translation.between(registry, 'anthropic.messages', 'aws.bedrock-converse', context());
    const bytes = streamBytes();
    const text = await collectText(t.stream().attach(Readable.from([bytes.subarray(0, 50), bytes.subarray(50)])));
    const events = parseSse(text).map((e) => e.event);
    assert.deepEqual(events.slice(0, 2), ['message_start', 'content_block_start']);
    assert.equal(events.at(-1), 'message_stop');
    assert.ok(text.includes('Hello from the fake Bedrock.'.slice(0, 6)));
  });
});

describe('shapeBedrockBody', () => {
  it('fields Converse does not take move into additionalModelRequestFields; model and stream are dropped', () => {
    assert.deepEqual(
      shapeBedrockBody({ messages: [], top_k: 5, model: 'm', stream: true, additionalModelRequestFields: { a: 1 } }, undefined),
      {
        messages: [],
        additionalModelRequestFields: { a: 1, top_k: 5 },
      },
    );
  });

  it('default_max_tokens fills maxTokens; a thinking budget that does not fit is lowered, or thinking removed', () => {
    assert.deepEqual(shapeBedrockBody({ messages: [] }, 1000), { messages: [], inferenceConfig: { maxTokens: 1000 } });
    const fitted = shapeBedrockBody(
      { messages: [], additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 8000 } } },
      4096,
    );
    assert.deepEqual(fitted.additionalModelRequestFields, { thinking: { type: 'enabled', budget_tokens: 4095 } });
    const none = shapeBedrockBody(
      { messages: [], additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 2048 } } },
      1000,
    );
    assert.equal(none.additionalModelRequestFields, undefined);
    assert.deepEqual(shapeBedrockBody({ messages: [], inferenceConfig: { maxTokens: 5 } }, 1000).inferenceConfig, { maxTokens: 5 });
  });
});

describe('Bedrock error replies', () => {
  const reply = (status: number, type: string | undefined, body: object) => ({
    status,
    headers: type ? { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` } : {},
    body: Readable.from([Buffer.from(JSON.stringify(body))]),
  });
  const redactor = new SecretRedactor();
  redactor.add('s3cr3t-value');
  const ctx = { backendId: 'b1', model: 'm1', redactor };

  it('the exception type from x-amzn-ErrorType, else the body', () => {
    assert.equal(bedrockErrorType('ThrottlingException:http://x/', {}), 'ThrottlingException');
    assert.equal(bedrockErrorType(undefined, { __type: 'com.amazon.coral.validate#ValidationException' }), 'ValidationException');
    assert.equal(bedrockErrorType(undefined, {}), undefined);
  });

  it('statuses: 429 + retry-after, 400, 503 for ModelNotReady (Bedrock 429), 504 for ModelTimeout (Bedrock 408); message kept, secrets redacted', async () => {
    const t = await normaliseBedrockErrorReply(reply(429, 'ThrottlingException', { message: 'slow' }), ctx);
    assert.equal(t.status, 429);
    assert.equal(t.headers['retry-after'], '1');
    assert.deepEqual(JSON.parse(await collectText(t.body)), { message: 'ThrottlingException: slow', code: 'ThrottlingException' });
    assert.equal((await normaliseBedrockErrorReply(reply(400, 'ValidationException', { message: 'no' }), ctx)).status, 400);
    assert.equal((await normaliseBedrockErrorReply(reply(429, 'ModelNotReadyException', { message: 'wait' }), ctx)).status, 503);
    assert.equal((await normaliseBedrockErrorReply(reply(408, 'ModelTimeoutException', { message: 'late' }), ctx)).status, 504);
    const v = await normaliseBedrockErrorReply(reply(400, 'ValidationException', { message: 'key s3cr3t-value is bad' }), ctx);
    assert.ok(!(await collectText(v.body)).includes('s3cr3t-value'));
  });

  it('credential exceptions and AccessDenied throw a 502 saying what to fix', async () => {
    for (const type of ['UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException']) {
      await assert.rejects(normaliseBedrockErrorReply(reply(403, type, { message: 'no' }), ctx), (err: any) => {
        assert.equal(err.status, 502);
        assert.match(err.message, new RegExp(`^backend b1 rejected the gateway's credentials \\(${type}: no\\)`));
        return true;
      });
    }
    await assert.rejects(
      normaliseBedrockErrorReply(reply(403, 'AccessDeniedException', { message: 'denied' }), ctx),
      /backend b1 is not allowed to use model m1/,
    );
  });
});
