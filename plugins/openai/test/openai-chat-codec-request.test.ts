/* eslint-disable @typescript-eslint/no-explicit-any -- tests poke into encoded JSON bodies */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError, type CodecContext, type IrRequest } from '@switchyard/kernel';
import { decodeOpenAIChatRequest, encodeOpenAIChatRequest } from '@switchyard/plugin-openai';

function context(): CodecContext & { droppedFields: string[] } {
  const droppedFields: string[] = [];
  return { clientModel: 'client-model', requestId: 'req-1', droppedFields, dropped: (f) => droppedFields.push(f) };
}

const decode = (body: Record<string, unknown>, ctx = context()) => decodeOpenAIChatRequest({ model: 'm', ...body }, ctx);
const user = (content: unknown) => ({ messages: [{ role: 'user', content }] });

describe('openai.chat codec: decodeRequest', () => {
  it('puts system and developer messages in system, in order, and keeps names', () => {
    const ir = decode({
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hi', name: 'ann' },
        { role: 'developer', content: [{ type: 'text', text: 'use tools' }] },
      ],
    });
    assert.deepEqual(ir.system, [
      { role: 'system', parts: [{ type: 'text', text: 'be brief' }] },
      { role: 'system', parts: [{ type: 'text', text: 'use tools' }] },
    ]);
    assert.deepEqual(ir.messages, [{ role: 'user', name: 'ann', parts: [{ type: 'text', text: 'hi' }] }]);
  });

  const parts: Array<[string, unknown, unknown]> = [
    ['text part', { type: 'text', text: 'a' }, { type: 'text', text: 'a' }],
    [
      'image URL with detail',
      { type: 'image_url', image_url: { url: 'https://x/cat.png', detail: 'low' } },
      { type: 'image', source: { kind: 'url', url: 'https://x/cat.png' }, detail: 'low' },
    ],
    [
      'image data: URL → base64',
      { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AAAA' } },
      { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: 'AAAA' } },
    ],
    [
      'input_audio → file',
      { type: 'input_audio', input_audio: { data: 'UklG', format: 'mp3' } },
      { type: 'file', source: { kind: 'base64', mediaType: 'audio/mpeg', data: 'UklG' }, mediaType: 'audio/mpeg' },
    ],
    [
      'file with file_data',
      { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' } },
      {
        type: 'file',
        source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBE' },
        mediaType: 'application/pdf',
        filename: 'a.pdf',
      },
    ],
    [
      'file with bare base64 takes the type from the name',
      { type: 'file', file: { file_data: 'JVBE', filename: 'b.pdf' } },
      {
        type: 'file',
        source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBE' },
        mediaType: 'application/pdf',
        filename: 'b.pdf',
      },
    ],
    ['file by id', { type: 'file', file: { file_id: 'file-1' } }, { type: 'file', source: { kind: 'file_id', fileId: 'file-1' } }],
  ];
  for (const [name, part, expected] of parts) {
    it(`decodes a user ${name}`, () => {
      assert.deepEqual(decode(user([part])).messages[0]!.parts, [expected]);
    });
  }

  it('drops content parts the IR has no place for', () => {
    const ctx = context();
    const ir = decode(
      user([
        { type: 'video_url', video_url: { url: 'x' } },
        { type: 'text', text: 'hi' },
      ]),
      ctx,
    );
    assert.deepEqual(ir.messages[0]!.parts, [{ type: 'text', text: 'hi' }]);
    assert.deepEqual(ctx.droppedFields, ['messages[0].content.video_url']);
  });

  it('decodes an assistant turn: thinking_blocks before text and tool calls, ids and arguments kept', () => {
    const ir = decode({
      messages: [
        { role: 'user', content: 'weather?' },
        {
          role: 'assistant',
          content: 'Checking.',
          reasoning_content: 'Need the tool.Secret.',
          thinking_blocks: [
            { type: 'thinking', thinking: 'Need the tool.', signature: 'sig-1' },
            { type: 'redacted_thinking', data: 'REDACTED' },
            { type: 'thinking', thinking: '', signature: 'sig-only' },
          ],
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_b', type: 'function', function: { name: 'time', arguments: '{}' } },
          ],
        },
      ],
    });
    assert.deepEqual(ir.messages[1], {
      role: 'assistant',
      parts: [
        { type: 'reasoning', text: 'Need the tool.', signature: 'sig-1' },
        { type: 'reasoning', text: '', redactedData: 'REDACTED' },
        { type: 'reasoning', text: '', signature: 'sig-only' },
        { type: 'text', text: 'Checking.' },
        { type: 'tool_call', id: 'call_a', name: 'weather', arguments: '{"city":"Paris"}' },
        { type: 'tool_call', id: 'call_b', name: 'time', arguments: '{}' },
      ],
    });
  });

  it('takes reasoning_content (or reasoning) as one unsigned part when there are no thinking_blocks', () => {
    const a = decode({ messages: [{ role: 'assistant', content: null, reasoning_content: 'hmm' }] });
    assert.deepEqual(a.messages[0]!.parts, [{ type: 'reasoning', text: 'hmm' }]);
    const b = decode({ messages: [{ role: 'assistant', content: 'ok', reasoning: 'vllm' }] });
    assert.deepEqual(b.messages[0]!.parts, [
      { type: 'reasoning', text: 'vllm' },
      { type: 'text', text: 'ok' },
    ]);
  });

  it('keeps consecutive tool results as separate tool turns, with the name recovered from the call', () => {
    const ir = decode({
      messages: [
        { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'one' },
        {
          role: 'tool',
          tool_call_id: 'c2',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
        },
      ],
    });
    assert.deepEqual(ir.messages.slice(1), [
      { role: 'tool', parts: [{ type: 'tool_result', toolCallId: 'c1', name: 'f', content: 'one' }] },
      {
        role: 'tool',
        parts: [
          {
            type: 'tool_result',
            toolCallId: 'c2',
            content: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
          },
        ],
      },
    ]);
  });

  it('keeps a Gemini thought signature from extra_content on a tool call', () => {
    const ir = decode({
      messages: [
        {
          role: 'assistant',
          tool_calls: [
            { id: 'c', type: 'function', function: { name: 'f', arguments: '{}' }, extra_content: { google: { thought_signature: 'TS' } } },
          ],
        },
      ],
    });
    assert.deepEqual((ir.messages[0]!.parts[0] as any).providerMetadata, { google: { thoughtSignature: 'TS' } });
  });

  it('decodes tools, tool_choice and the sampling parameters', () => {
    const ir = decode({
      ...user('hi'),
      tools: [
        { type: 'function', function: { name: 'f', description: 'does f', parameters: { type: 'object' }, strict: true } },
        { type: 'web_search_preview' },
      ],
      tool_choice: { type: 'function', function: { name: 'f' } },
      parallel_tool_calls: false,
      max_tokens: 100,
      max_completion_tokens: 200,
      temperature: 0.5,
      top_p: 0.9,
      stop: 'END',
      seed: 7,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true } },
      user: 'u-1',
      stream: true,
      stream_options: { include_usage: true },
    });
    const { system: _s, messages: _m, ...rest } = ir;
    assert.deepEqual(rest, {
      model: 'm',
      stream: true,
      includeUsage: true,
      tools: [{ kind: 'function', name: 'f', description: 'does f', parameters: { type: 'object' }, strict: true }],
      toolChoice: { name: 'f' },
      parallelToolCalls: false,
      maxTokens: 200,
      temperature: 0.5,
      topP: 0.9,
      stop: ['END'],
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      responseFormat: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true },
      user: 'u-1',
    } satisfies Omit<IrRequest, 'system' | 'messages'>);
  });

  for (const choice of ['auto', 'none', 'required'] as const) {
    it(`decodes tool_choice ${choice}`, () => assert.equal(decode({ ...user('x'), tool_choice: choice }).toolChoice, choice));
  }

  const efforts: Array<[string, unknown]> = [
    ['none', { enabled: false }],
    ['minimal', { enabled: false, effort: 'minimal' }],
    ['low', { enabled: true, effort: 'low' }],
    ['medium', { enabled: true, effort: 'medium' }],
    ['high', { enabled: true, effort: 'high' }],
  ];
  for (const [effort, thinking] of efforts) {
    it(`decodes reasoning_effort ${effort}`, () => assert.deepEqual(decode({ ...user('x'), reasoning_effort: effort }).thinking, thinking));
  }

  it('reads a LiteLLM-style thinking object and vLLM enable_thinking when reasoning_effort is absent', () => {
    assert.deepEqual(decode({ ...user('x'), thinking: { type: 'enabled', budget_tokens: 2048 } }).thinking, {
      enabled: true,
      budgetTokens: 2048,
    });
    assert.deepEqual(decode({ ...user('x'), chat_template_kwargs: { enable_thinking: false } }).thinking, { enabled: false });
  });

  it('stop lists, and include_usage only on streams', () => {
    assert.deepEqual(decode({ ...user('x'), stop: ['a', 'b'] }).stop, ['a', 'b']);
    assert.equal(decode({ ...user('x'), stream_options: { include_usage: true } }).includeUsage, undefined);
  });

  it('reports fields the IR cannot carry, and unknown fields, as dropped', () => {
    const ctx = context();
    decode(
      {
        ...user('x'),
        logit_bias: { 1: 2 },
        store: true,
        metadata: { a: 'b' },
        repetition_penalty: 1.1,
      },
      ctx,
    );
    assert.deepEqual(ctx.droppedFields.sort(), ['logit_bias', 'metadata', 'repetition_penalty', 'store']);
    const quiet = context();
    decode({ ...user('x'), n: 1, logprobs: null }, quiet);
    decode({ ...user('x'), logprobs: false, top_logprobs: 0 }, quiet);
    assert.deepEqual(quiet.droppedFields, []);
  });

  it('n and logprobs are asked for in the IR (the kernel refuses them where the backend cannot serve them); bad values are a 400', () => {
    const ir = decode({ ...user('x'), n: 3, logprobs: true, top_logprobs: 2 });
    assert.equal(ir.choices, 3);
    assert.deepEqual(ir.logprobs, { top: 2 });
    assert.deepEqual(decode({ ...user('x'), logprobs: true }).logprobs, { top: 0 });
    assert.equal(decode({ ...user('x'), n: 1, logprobs: false }).choices, undefined);
    const rejects = (body: Record<string, unknown>, param: string) =>
      assert.throws(
        () => decode({ ...user('x'), ...body }),
        (err: unknown) => err instanceof GatewayError && err.status === 400 && err.param === param,
      );
    rejects({ n: 0 }, 'n');
    rejects({ n: 1.5 }, 'n');
    rejects({ top_logprobs: 21 }, 'top_logprobs');
  });

  const invalid: Array<[string, Record<string, unknown>, string]> = [
    ['messages missing', {}, 'messages'],
    ['a bad role', { messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role'],
    ['a tool message without tool_call_id', { messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id'],
    ['temperature as a string', { ...user('x'), temperature: 'hot' }, 'temperature'],
    ['stop as a number', { ...user('x'), stop: 3 }, 'stop'],
    ['an unknown reasoning_effort', { ...user('x'), reasoning_effort: 'max' }, 'reasoning_effort'],
    ['a bad tool_choice', { ...user('x'), tool_choice: 'sometimes' }, 'tool_choice'],
  ];
  for (const [name, body, param] of invalid) {
    it(`rejects ${name} with a 400 naming the field`, () => {
      assert.throws(
        () => decodeOpenAIChatRequest(body, context()),
        (err: unknown) => err instanceof GatewayError && err.status === 400 && err.param === param && err.message.includes(param),
      );
    });
  }
});

const ir = (extra: Partial<IrRequest> = {}): IrRequest => ({
  model: 'real-model',
  system: [],
  messages: [{ role: 'user', parts: [{ type: 'text', text: 'hi' }] }],
  stream: false,
  ...extra,
});

describe('openai.chat codec: encodeRequest', () => {
  it('writes a minimal body: model, messages, no stream fields', () => {
    assert.deepEqual(encodeOpenAIChatRequest(ir(), context()), { model: 'real-model', messages: [{ role: 'user', content: 'hi' }] });
  });

  it('puts system messages first, one per IR system message, merging nothing', () => {
    const body = encodeOpenAIChatRequest(
      ir({
        system: [
          { role: 'system', parts: [{ type: 'text', text: 'a' }] },
          {
            role: 'system',
            parts: [
              { type: 'text', text: 'b' },
              { type: 'text', text: 'c', providerMetadata: { anthropic: { cacheControl: { type: 'ephemeral' } } } },
            ],
          },
        ],
        messages: [
          { role: 'user', parts: [{ type: 'text', text: 'u1' }] },
          { role: 'user', parts: [{ type: 'text', text: 'u2' }] },
        ],
      }),
      context(),
    );
    assert.deepEqual(body.messages, [
      { role: 'system', content: 'a' },
      {
        role: 'system',
        content: [
          { type: 'text', text: 'b' },
          { type: 'text', text: 'c' },
        ],
      },
      { role: 'user', content: 'u1' },
      { role: 'user', content: 'u2' },
    ]);
  });

  it('encodes images and files', () => {
    const ctx = context();
    const body = encodeOpenAIChatRequest(
      ir({
        messages: [
          {
            role: 'user',
            parts: [
              { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBO' } },
              { type: 'image', source: { kind: 'url', url: 'https://x/y.jpg' }, detail: 'high' },
              { type: 'file', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBE' }, filename: 'a.pdf' },
              { type: 'file', source: { kind: 'base64', mediaType: 'audio/wav', data: 'UklG' } },
              { type: 'file', source: { kind: 'url', url: 'https://x/doc.pdf' } },
            ],
          },
        ],
      }),
      ctx,
    );
    assert.deepEqual((body.messages as any)[0].content, [
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBO' } },
      { type: 'image_url', image_url: { url: 'https://x/y.jpg', detail: 'high' } },
      { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' } },
      { type: 'input_audio', input_audio: { data: 'UklG', format: 'wav' } },
    ]);
    assert.deepEqual(ctx.droppedFields, ['file url']);
  });

  it('encodes an assistant turn: reasoning_content, no thinking_blocks upstream, tool calls with ids', () => {
    const ctx = context();
    const body = encodeOpenAIChatRequest(
      ir({
        messages: [
          {
            role: 'assistant',
            parts: [
              { type: 'reasoning', text: 'think', signature: 'sig' },
              { type: 'reasoning', text: '', redactedData: 'RD' },
              { type: 'tool_call', id: 'toolu_1', name: 'f', arguments: '{"a":1}' },
              { type: 'tool_call', id: 'toolu_2', name: 'g', arguments: '' },
            ],
          },
        ],
      }),
      ctx,
    );
    assert.deepEqual(body.messages, [
      {
        role: 'assistant',
        content: null,
        reasoning_content: 'think',
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'g', arguments: '{}' } },
        ],
      },
    ]);
    assert.deepEqual(ctx.droppedFields, ['thinking_blocks']);
  });

  it('turns tool results into one tool message each, in order, with any other content after them as a user message', () => {
    const body = encodeOpenAIChatRequest(
      ir({
        messages: [
          {
            role: 'user',
            parts: [
              { type: 'tool_result', toolCallId: 'a', content: 'ra' },
              { type: 'tool_result', toolCallId: 'b', content: [{ type: 'text', text: 'rb' }] },
              { type: 'text', text: 'and now?' },
            ],
          },
        ],
      }),
      context(),
    );
    assert.deepEqual(body.messages, [
      { role: 'tool', tool_call_id: 'a', content: 'ra' },
      { role: 'tool', tool_call_id: 'b', content: 'rb' },
      { role: 'user', content: 'and now?' },
    ]);
  });

  it('encodes tools, tool_choice, thinking, response_format, stream options and extra', () => {
    const body = encodeOpenAIChatRequest(
      ir({
        tools: [{ kind: 'function', name: 'f', parameters: { type: 'object' }, strict: false }],
        toolChoice: { name: 'f' },
        parallelToolCalls: false,
        maxTokens: 64,
        temperature: 0.3,
        topP: 0.8,
        topK: 40,
        stop: ['x'],
        seed: 1,
        presencePenalty: 0.5,
        frequencyPenalty: 0.25,
        thinking: { enabled: true, budgetTokens: 16000 },
        responseFormat: { type: 'json_schema', schema: { type: 'object' } },
        user: 'u',
        stream: true,
        extra: { chat_template_kwargs: { enable_thinking: true } },
      }),
      context(),
    );
    const { messages: _m, ...rest } = body;
    assert.deepEqual(rest, {
      model: 'real-model',
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' }, strict: false } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
      parallel_tool_calls: false,
      max_tokens: 64,
      temperature: 0.3,
      top_p: 0.8,
      top_k: 40,
      stop: ['x'],
      seed: 1,
      presence_penalty: 0.5,
      frequency_penalty: 0.25,
      reasoning_effort: 'high',
      response_format: { type: 'json_schema', json_schema: { name: 'response', schema: { type: 'object' } } },
      user: 'u',
      stream: true,
      stream_options: { include_usage: true },
      chat_template_kwargs: { enable_thinking: true },
    });
  });

  const thinking: Array<[IrRequest['thinking'], string]> = [
    [{ enabled: true }, 'medium'],
    [{ enabled: true, effort: 'low' }, 'low'],
    [{ enabled: false }, 'minimal'],
  ];
  for (const [t, effort] of thinking) {
    it(`writes thinking ${JSON.stringify(t)} as reasoning_effort ${effort}`, () => {
      assert.equal(encodeOpenAIChatRequest(ir({ thinking: t }), context()).reasoning_effort, effort);
    });
  }

  it('drops tool_choice without tools (OpenAI rejects it)', () => {
    const ctx = context();
    const body = encodeOpenAIChatRequest(ir({ toolChoice: 'auto', parallelToolCalls: true }), ctx);
    assert.equal(body.tool_choice, undefined);
    assert.deepEqual(ctx.droppedFields, ['tool_choice', 'parallel_tool_calls']);
  });

  it('round-trips a decoded OpenAI request back to the same messages', () => {
    const original = {
      model: 'real-model',
      messages: [
        { role: 'system', content: 'sys' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"q":1}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'result' },
      ],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }],
      tool_choice: 'required',
      max_tokens: 10,
    };
    const ctx = context();
    assert.deepEqual(encodeOpenAIChatRequest(decodeOpenAIChatRequest(original, ctx), ctx), original);
  });
});
