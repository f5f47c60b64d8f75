/**
 * anthropic.messages request conversion, both directions, rule by rule (SPEC §3 Translation,
 * issue #5 items 1, 3, 4): system, text, images, documents, tools and tool_choice, tool calls
 * and results, merging of turns, thinking blocks, cache_control, parameters, thinking config,
 * dropped fields; plus the complete-response encoder and the adapter's max_tokens default.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GatewayError, IrMessage, IrRequest, IrResponse } from '@switchyard/kernel';
import {
  anthropicMessagesCodec,
  fillAnthropicMaxTokens,
  planAnthropicThinking,
  shapeAnthropicCountTokensBody,
} from '@switchyard/plugin-anthropic';
import { readFixtureJson } from '../../../test/dist/helpers/fake-upstream.js';
import { codecContext, plain } from '../../../test/dist/helpers/anthropic-codec.js';

const decode = (body: Record<string, unknown>, ctx = codecContext()) => plain(anthropicMessagesCodec.decodeRequest!(body, ctx));
const encode = (ir: Partial<IrRequest>, ctx = codecContext()) =>
  anthropicMessagesCodec.encodeRequest!({ model: 'claude-sonnet-4-5', system: [], messages: [], stream: false, ...ir }, ctx);
const user = (text: string): IrMessage => ({ role: 'user', parts: [{ type: 'text', text }] });
const CACHE = { type: 'ephemeral' };

describe('decodeRequest (Anthropic → IR)', () => {
  it('system as a string and as blocks (cache_control kept in providerMetadata.anthropic)', () => {
    assert.deepEqual(decode({ model: 'm', max_tokens: 10, system: 'Be brief.', messages: [] }).system, [
      { role: 'system', parts: [{ type: 'text', text: 'Be brief.' }] },
    ]);
    assert.deepEqual(
      decode({
        model: 'm',
        max_tokens: 10,
        system: [
          { type: 'text', text: 'Long context', cache_control: CACHE },
          { type: 'text', text: 'Rules' },
        ],
        messages: [],
      }).system,
      [
        {
          role: 'system',
          parts: [
            { type: 'text', text: 'Long context', providerMetadata: { anthropic: { cacheControl: CACHE } } },
            { type: 'text', text: 'Rules' },
          ],
        },
      ],
    );
  });

  it('text, images (base64 and URL) and documents in a user turn', () => {
    const ir = decode({
      model: 'm',
      max_tokens: 10,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' }, cache_control: CACHE },
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'spec.pdf' },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain words' } },
          ],
        },
        { role: 'assistant', content: 'A cat.' },
      ],
    });
    assert.deepEqual(ir.messages, [
      {
        role: 'user',
        parts: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
          {
            type: 'image',
            source: { kind: 'url', url: 'https://example.com/cat.jpg' },
            providerMetadata: { anthropic: { cacheControl: CACHE } },
          },
          {
            type: 'file',
            source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' },
            mediaType: 'application/pdf',
            filename: 'spec.pdf',
          },
          {
            type: 'file',
            source: { kind: 'base64', mediaType: 'text/plain', data: Buffer.from('plain words').toString('base64') },
            mediaType: 'text/plain',
          },
        ],
      },
      { role: 'assistant', parts: [{ type: 'text', text: 'A cat.' }] },
    ]);
  });

  it('tools and tool_choice: auto/none/any/tool → auto/none/required/named; disable_parallel_tool_use', () => {
    const tools = [
      {
        name: 'get_weather',
        description: 'Weather',
        input_schema: { type: 'object', properties: { city: { type: 'string' } } },
        cache_control: CACHE,
      },
    ];
    const cases: Array<[unknown, unknown, boolean | undefined]> = [
      [{ type: 'auto' }, 'auto', undefined],
      [{ type: 'none' }, 'none', undefined],
      [{ type: 'any' }, 'required', undefined],
      [{ type: 'tool', name: 'get_weather' }, { name: 'get_weather' }, undefined],
      [{ type: 'auto', disable_parallel_tool_use: true }, 'auto', false],
    ];
    for (const [choice, expected, parallel] of cases) {
      const ir = decode({ model: 'm', max_tokens: 10, messages: [], tools, tool_choice: choice });
      assert.deepEqual(ir.toolChoice, expected, JSON.stringify(choice));
      assert.equal(ir.parallelToolCalls, parallel);
      assert.deepEqual(ir.tools, [
        {
          kind: 'function',
          name: 'get_weather',
          description: 'Weather',
          parameters: tools[0]!.input_schema,
          providerMetadata: { anthropic: { cacheControl: CACHE } },
        },
      ]);
    }
  });

  it("Anthropic's server tools have no IR form: dropped and reported", () => {
    const ctx = codecContext();
    const ir = decode(
      {
        model: 'm',
        max_tokens: 10,
        messages: [],
        tools: [
          { type: 'web_search_20250305', name: 'web_search' },
          { name: 'f', input_schema: { type: 'object' } },
        ],
      },
      ctx,
    );
    assert.deepEqual(
      ir.tools?.map((t) => t.name),
      ['f'],
    );
    assert.match(ctx.droppedFields.join(), /web_search/);
  });

  it('tool_use → tool calls (ids kept, input → arguments text); tool_result blocks → tool messages ahead of the rest of the turn', () => {
    const ir = decode({
      model: 'm',
      max_tokens: 10,
      messages: [
        { role: 'user', content: 'Weather in Paris and time in Tokyo?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' },
            {
              type: 'tool_result',
              tool_use_id: 'toolu_2',
              content: [{ type: 'text', text: 'error: no clock' }],
              is_error: true,
              cache_control: CACHE,
            },
            { type: 'text', text: 'Summarise.' },
          ],
        },
      ],
    });
    assert.deepEqual(ir.messages.slice(1), [
      {
        role: 'assistant',
        parts: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { type: 'tool_call', id: 'toolu_2', name: 'get_time', arguments: '{}' },
        ],
      },
      { role: 'tool', parts: [{ type: 'tool_result', toolCallId: 'toolu_1', content: '18°C' }] },
      {
        role: 'tool',
        parts: [
          {
            type: 'tool_result',
            toolCallId: 'toolu_2',
            content: [{ type: 'text', text: 'error: no clock' }],
            isError: true,
            providerMetadata: { anthropic: { cacheControl: CACHE } },
          },
        ],
      },
      { role: 'user', parts: [{ type: 'text', text: 'Summarise.' }] },
    ]);
  });

  it('thinking and redacted_thinking blocks in history → reasoning parts with signature / redactedData', () => {
    const ir = decode({
      model: 'm',
      max_tokens: 10,
      messages: [
        { role: 'user', content: 'q' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'SIG' },
            { type: 'redacted_thinking', data: 'ENC' },
            { type: 'thinking', thinking: '', signature: 'ONLY' },
            { type: 'text', text: 'a' },
          ],
        },
      ],
    });
    assert.deepEqual(ir.messages[1]!.parts, [
      { type: 'reasoning', text: 'hmm', signature: 'SIG' },
      { type: 'reasoning', text: '', redactedData: 'ENC' },
      { type: 'reasoning', text: '', signature: 'ONLY' },
      { type: 'text', text: 'a' },
    ]);
  });

  it('parameters: max_tokens, temperature, top_p, top_k, stop_sequences → stop, metadata.user_id → user, stream', () => {
    const ir = decode({
      model: 'claude-x',
      max_tokens: 512,
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END', '###'],
      metadata: { user_id: 'u-42' },
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.deepEqual(
      {
        model: ir.model,
        maxTokens: ir.maxTokens,
        temperature: ir.temperature,
        topP: ir.topP,
        topK: ir.topK,
        stop: ir.stop,
        user: ir.user,
        stream: ir.stream,
      },
      { model: 'claude-x', maxTokens: 512, temperature: 0.3, topP: 0.9, topK: 40, stop: ['END', '###'], user: 'u-42', stream: true },
    );
  });

  it('thinking config: enabled with budget, disabled, adaptive with effort', () => {
    assert.deepEqual(decode({ model: 'm', max_tokens: 9000, messages: [], thinking: { type: 'enabled', budget_tokens: 2048 } }).thinking, {
      enabled: true,
      budgetTokens: 2048,
    });
    assert.deepEqual(decode({ model: 'm', max_tokens: 10, messages: [], thinking: { type: 'disabled' } }).thinking, { enabled: false });
    assert.deepEqual(
      decode({ model: 'm', max_tokens: 10, messages: [], thinking: { type: 'adaptive' }, output_config: { effort: 'low' } }).thinking,
      {
        enabled: true,
        effort: 'low',
      },
    );
    assert.deepEqual(
      decode({ model: 'm', max_tokens: 10, messages: [], thinking: { type: 'adaptive' }, output_config: { effort: 'max' } }).thinking,
      {
        enabled: true,
        effort: 'high',
      },
    );
  });

  it('fields with no equivalent are dropped and reported, never passed on', () => {
    const ctx = codecContext();
    const ir = decode({ model: 'm', max_tokens: 10, messages: [], service_tier: 'auto', container: 'c1', mcp_servers: [] }, ctx);
    assert.equal(ir.extra, undefined);
    assert.deepEqual(ctx.droppedFields.sort(), ['container', 'mcp_servers', 'service_tier']);
  });

  it('messages must be an array (400 naming the field)', () => {
    assert.throws(
      () => decode({ model: 'm', max_tokens: 10 }),
      (err: Error & { status?: number }) => err.status === 400 && /messages/.test(err.message),
    );
  });

  it('system messages among the turns keep their place', () => {
    const ir = decode({
      model: 'm',
      max_tokens: 10,
      messages: [
        { role: 'user', content: 'a' },
        { role: 'system', content: 'Now answer in French.' },
      ],
    });
    assert.deepEqual(ir.messages[1], { role: 'system', parts: [{ type: 'text', text: 'Now answer in French.' }] });
  });
});

describe('encodeRequest (IR → Anthropic)', () => {
  it('system: a string when plain, blocks when cache_control must be kept; system turns join it', () => {
    assert.equal(
      encode({ system: [{ role: 'system', parts: [{ type: 'text', text: 'Be brief.' }] }], messages: [user('hi')] }).system,
      'Be brief.',
    );
    const body = encode({
      system: [{ role: 'system', parts: [{ type: 'text', text: 'Big', providerMetadata: { anthropic: { cacheControl: CACHE } } }] }],
      messages: [user('hi'), { role: 'system', parts: [{ type: 'text', text: 'Later rule' }] }, user('again')],
    });
    assert.deepEqual(body.system, [
      { type: 'text', text: 'Big', cache_control: CACHE },
      { type: 'text', text: 'Later rule' },
    ]);
    // The two user turns around the hoisted system message merge into one.
    assert.deepEqual(body.messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'hi' },
          { type: 'text', text: 'again' },
        ],
      },
    ]);
  });

  it('images (base64, URL, data: URL) and files (PDF, plain text); unsupported media dropped', () => {
    const ctx = codecContext();
    const body = encode(
      {
        messages: [
          {
            role: 'user',
            parts: [
              { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: 'AAA=' } },
              { type: 'image', source: { kind: 'url', url: 'https://x/y.png' }, detail: 'high' },
              { type: 'image', source: { kind: 'url', url: 'data:image/png;base64,iVBO' } },
              { type: 'file', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBE' }, filename: 'a.pdf' },
              { type: 'file', source: { kind: 'base64', mediaType: 'text/plain', data: Buffer.from('hello').toString('base64') } },
              { type: 'file', source: { kind: 'base64', mediaType: 'audio/wav', data: 'UklG' } },
            ],
          },
        ],
      },
      ctx,
    );
    assert.deepEqual((body.messages as Array<{ content: unknown }>)[0]!.content, [
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'AAA=' } },
      { type: 'image', source: { type: 'url', url: 'https://x/y.png' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBO' } },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' }, title: 'a.pdf' },
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'hello' } },
    ]);
    assert.match(ctx.droppedFields.join(), /audio\/wav/);
  });

  it('tool calls → tool_use (ids kept, arguments → input object); tool results grouped into ONE user turn; same roles merged', () => {
    const body = encode({
      messages: [
        user('Weather and time?'),
        {
          role: 'assistant',
          parts: [
            { type: 'text', text: '' },
            { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
            { type: 'tool_call', id: 'call_2', name: 'get_time', arguments: '' },
          ],
        },
        { role: 'tool', parts: [{ type: 'tool_result', toolCallId: 'call_1', content: '18°C' }] },
        {
          role: 'tool',
          parts: [{ type: 'tool_result', toolCallId: 'call_2', content: [{ type: 'text', text: 'no clock' }], isError: true }],
        },
        user('Thanks'),
        user('Summarise'),
      ],
    });
    assert.deepEqual(body.messages, [
      { role: 'user', content: [{ type: 'text', text: 'Weather and time?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_time', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '18°C' },
          { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: 'no clock' }], is_error: true },
          { type: 'text', text: 'Thanks' },
          { type: 'text', text: 'Summarise' },
        ],
      },
    ]);
  });

  it('tool_result blocks lead their user turn even when text came first', () => {
    const body = encode({
      messages: [
        user('q'),
        { role: 'assistant', parts: [{ type: 'tool_call', id: 't', name: 'f', arguments: '{}' }] },
        { role: 'user', parts: [{ type: 'text', text: 'note' }] },
        { role: 'tool', parts: [{ type: 'tool_result', toolCallId: 't', content: 'r' }] },
      ],
    });
    assert.deepEqual(
      (body.messages as Array<{ content: Array<{ type: string }> }>)[2]!.content.map((b) => b.type),
      ['tool_result', 'text'],
    );
  });

  it('reasoning → thinking / redacted_thinking blocks, intact; reasoning without a signature cannot go back (dropped)', () => {
    const ctx = codecContext();
    const body = encode(
      {
        messages: [
          user('q'),
          {
            role: 'assistant',
            parts: [
              { type: 'reasoning', text: 'first', signature: 'S1' },
              { type: 'reasoning', text: '', redactedData: 'ENC' },
              { type: 'reasoning', text: '', signature: 'S-only' },
              { type: 'reasoning', text: 'unsigned (another provider)' },
              { type: 'text', text: 'answer' },
            ],
          },
        ],
      },
      ctx,
    );
    assert.deepEqual((body.messages as Array<{ content: unknown }>)[1]!.content, [
      { type: 'thinking', thinking: 'first', signature: 'S1' },
      { type: 'redacted_thinking', data: 'ENC' },
      { type: 'thinking', thinking: '', signature: 'S-only' },
      { type: 'text', text: 'answer' },
    ]);
    assert.equal(ctx.droppedFields.length, 1);
  });

  it('cache_control travels back onto its block (text, image, tool_use, tool_result, tool)', () => {
    const meta = { anthropic: { cacheControl: CACHE } };
    const body = encode({
      messages: [
        { role: 'user', parts: [{ type: 'text', text: 'doc', providerMetadata: meta }] },
        { role: 'assistant', parts: [{ type: 'tool_call', id: 't', name: 'f', arguments: '{}', providerMetadata: meta }] },
        { role: 'tool', parts: [{ type: 'tool_result', toolCallId: 't', content: 'r', providerMetadata: meta }] },
      ],
      tools: [{ kind: 'function', name: 'f', parameters: { type: 'object' }, providerMetadata: meta }],
    });
    const messages = body.messages as Array<{ content: Array<Record<string, unknown>> }>;
    for (const m of messages) assert.deepEqual(m.content[0]!.cache_control, CACHE);
    assert.deepEqual((body.tools as Array<Record<string, unknown>>)[0]!.cache_control, CACHE);
  });

  it('tools and tool_choice: auto/none/required/named → auto/none/any/tool; parallel_tool_calls false → disable_parallel_tool_use', () => {
    const tools: IrRequest['tools'] = [
      { kind: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: {} } },
    ];
    const cases: Array<[IrRequest['toolChoice'], boolean | undefined, unknown]> = [
      ['auto', undefined, { type: 'auto' }],
      ['none', undefined, { type: 'none' }],
      ['required', undefined, { type: 'any' }],
      [{ name: 'get_weather' }, undefined, { type: 'tool', name: 'get_weather' }],
      [undefined, false, { type: 'auto', disable_parallel_tool_use: true }],
      ['required', false, { type: 'any', disable_parallel_tool_use: true }],
      [undefined, undefined, undefined],
    ];
    for (const [choice, parallel, expected] of cases) {
      const body = encode({ messages: [user('q')], tools, toolChoice: choice, parallelToolCalls: parallel });
      assert.deepEqual(body.tool_choice, expected, JSON.stringify([choice, parallel]));
      assert.deepEqual(body.tools, [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: {} } }]);
    }
    // A function tool without parameters still needs an input_schema; free-form tools have no Anthropic form.
    const ctx = codecContext();
    const body = encode(
      {
        messages: [user('q')],
        tools: [
          { kind: 'function', name: 'ping' },
          { kind: 'custom', name: 'shell' },
        ],
      },
      ctx,
    );
    assert.deepEqual(body.tools, [{ name: 'ping', input_schema: { type: 'object', properties: {} } }]);
    assert.match(ctx.droppedFields.join(), /shell/);
  });

  it('max_tokens from the IR; absent otherwise (the adapter fills in the backend default)', () => {
    assert.equal(encode({ messages: [user('q')], maxTokens: 300 }).max_tokens, 300);
    assert.equal('max_tokens' in encode({ messages: [user('q')] }), false);
  });

  it('temperature clamped to 0–1 (reported), stop → stop_sequences, user → metadata.user_id, stream', () => {
    for (const [t, expected] of [
      [1.5, 1],
      [-0.2, 0],
      [0.7, 0.7],
      [0, 0],
    ] as const) {
      const ctx = codecContext();
      assert.equal(encode({ messages: [user('q')], temperature: t }, ctx).temperature, expected);
      assert.equal(ctx.droppedFields.length, t === expected ? 0 : 1);
    }
    const body = encode({ messages: [user('q')], stop: ['END'], user: 'u-1', stream: true, topK: 5 });
    assert.deepEqual(body.stop_sequences, ['END']);
    assert.deepEqual(body.metadata, { user_id: 'u-1' });
    assert.equal(body.stream, true);
    assert.equal(body.top_k, 5);
  });

  it('temperature and top_p together: temperature kept, top_p dropped (current Claude models take one)', () => {
    const ctx = codecContext();
    const body = encode({ messages: [user('q')], temperature: 0.5, topP: 0.9 }, ctx);
    assert.equal(body.temperature, 0.5);
    assert.equal(body.top_p, undefined);
    assert.equal(encode({ messages: [user('q')], topP: 0.9 }).top_p, 0.9);
  });

  it('seed and penalties have no equivalent (dropped, reported); json_object is a clear 400; a JSON schema → output_config.format, fitted', () => {
    const ctx = codecContext();
    const body = encode({ messages: [user('q')], seed: 1, presencePenalty: 0.1, frequencyPenalty: 0.2 }, ctx);
    assert.deepEqual(Object.keys(body).sort(), ['messages', 'model']);
    assert.equal(ctx.droppedFields.length, 3);
    assert.throws(
      () => encode({ messages: [user('q')], responseFormat: { type: 'json_object' } }),
      (err: GatewayError) => err.status === 400 && /json_object cannot be sent to Claude/.test(err.message),
    );
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    assert.deepEqual(encode({ messages: [user('q')], responseFormat: { type: 'json_schema', name: 'x', schema } }).output_config, {
      format: { type: 'json_schema', schema: { ...schema, additionalProperties: false } },
    });
  });

  it('thinking: budget_tokens from the budget or the effort (low 1024 / medium 4096 / high 16384), ≥ 1024 and below max_tokens', () => {
    const cases: Array<[IrRequest['thinking'], number | undefined, unknown]> = [
      [{ enabled: true, budgetTokens: 2000 }, 8000, { type: 'enabled', budget_tokens: 2000 }],
      [{ enabled: true, effort: 'low' }, 8000, { type: 'enabled', budget_tokens: 1024 }],
      [{ enabled: true, effort: 'medium' }, 8000, { type: 'enabled', budget_tokens: 4096 }],
      [{ enabled: true, effort: 'high' }, 32000, { type: 'enabled', budget_tokens: 16384 }],
      [{ enabled: true, effort: 'high' }, 8000, { type: 'enabled', budget_tokens: 7999 }],
      [{ enabled: true }, undefined, { type: 'enabled', budget_tokens: 4096 }],
      [{ enabled: true, budgetTokens: 100 }, 8000, { type: 'enabled', budget_tokens: 1024 }],
      [{ enabled: false }, 8000, undefined],
    ];
    for (const [thinking, maxTokens, expected] of cases) {
      assert.deepEqual(encode({ messages: [user('q')], thinking, maxTokens }).thinking, expected, JSON.stringify([thinking, maxTokens]));
    }
    const ctx = codecContext();
    assert.equal(encode({ messages: [user('q')], thinking: { enabled: true, effort: 'low' }, maxTokens: 1000 }, ctx).thinking, undefined);
    assert.match(ctx.droppedFields.join(), /thinking/);
  });

  it('with thinking on: no temperature or top_k, top_p only from 0.95, a forced tool_choice becomes auto (all reported)', () => {
    const ctx = codecContext();
    const body = encode(
      {
        messages: [user('q')],
        thinking: { enabled: true, effort: 'medium' },
        maxTokens: 10000,
        temperature: 0.2,
        topK: 10,
        topP: 0.5,
        tools: [{ kind: 'function', name: 'f', parameters: { type: 'object' } }],
        toolChoice: { name: 'f' },
      },
      ctx,
    );
    assert.equal(body.temperature, undefined);
    assert.equal(body.top_k, undefined);
    assert.equal(body.top_p, undefined);
    assert.deepEqual(body.tool_choice, { type: 'auto' });
    assert.equal(ctx.droppedFields.length, 4);
    assert.equal(encode({ messages: [user('q')], thinking: { enabled: true }, maxTokens: 10000, topP: 0.97 }).top_p, 0.97);
  });

  it('models that accept only adaptive thinking (Claude 4.7+) get {type: adaptive} and output_config.effort', () => {
    const body = encode({ model: 'claude-opus-4-7', messages: [user('q')], thinking: { enabled: true, effort: 'high' }, maxTokens: 4000 });
    assert.deepEqual(body.thinking, { type: 'adaptive' });
    assert.deepEqual(body.output_config, { effort: 'high' });
    assert.deepEqual(planAnthropicThinking({ enabled: true, budgetTokens: 1000 }, 'claude-sonnet-5', undefined), {
      kind: 'adaptive',
      effort: 'low',
    });
    assert.equal(encode({ model: 'claude-opus-4-7', messages: [user('q')], thinking: { enabled: false } }).thinking, undefined);
  });

  it('empty text and empty turns are left out (Anthropic rejects empty text blocks)', () => {
    const body = encode({ messages: [user('q'), { role: 'assistant', parts: [{ type: 'text', text: '' }] }, user('again')] });
    assert.deepEqual(body.messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'q' },
          { type: 'text', text: 'again' },
        ],
      },
    ]);
  });

  it('unreadable tool arguments become {} (reported)', () => {
    const ctx = codecContext();
    const body = encode(
      { messages: [user('q'), { role: 'assistant', parts: [{ type: 'tool_call', id: 'x', name: 'f', arguments: '{"a":' }] }] },
      ctx,
    );
    assert.deepEqual((body.messages as Array<{ content: Array<Record<string, unknown>> }>)[1]!.content[0]!.input, {});
    assert.equal(ctx.droppedFields.length, 1);
  });

  it('an Anthropic request survives decode → encode unchanged', () => {
    const original = {
      model: 'claude-sonnet-4-5',
      system: [{ type: 'text', text: 'You are terse.', cache_control: CACHE }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Use the tool.', signature: 'SIG' },
            { type: 'redacted_thinking', data: 'ENC' },
            { type: 'tool_use', id: 'toolu_9', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_9', content: '18°C', cache_control: CACHE },
            { type: 'image', source: { type: 'url', url: 'https://x/map.png' } },
          ],
        },
      ],
      max_tokens: 8000,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      stop_sequences: ['END'],
      tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      metadata: { user_id: 'u' },
      stream: true,
    };
    const ctx = codecContext();
    const again = anthropicMessagesCodec.encodeRequest!(anthropicMessagesCodec.decodeRequest!(structuredClone(original), ctx), ctx);
    assert.deepEqual(plain(again), original);
    assert.deepEqual(ctx.droppedFields, []);
  });
});

describe('encodeResponse (IR → Anthropic message)', () => {
  it('blocks, stop reason, the client model, usage with cache counts taken out of input_tokens', () => {
    const ir: IrResponse = {
      id: 'chatcmpl-1',
      model: 'gpt-real',
      parts: [
        { type: 'reasoning', text: 'think', signature: 'S' },
        { type: 'reasoning', text: '', redactedData: 'ENC' },
        { type: 'reasoning', text: 'deepseek says' },
        { type: 'text', text: 'Answer' },
        { type: 'tool_call', id: 'call_1', name: 'f', arguments: '{"a":1}' },
      ],
      finishReason: 'tool_calls',
      usage: { inputTokens: 100, outputTokens: 20, cachedInputTokens: 60, cacheCreationInputTokens: 10, reasoningTokens: 5 },
    };
    assert.deepEqual(anthropicMessagesCodec.encodeResponse!(ir, codecContext('my-virtual')), {
      id: 'msg_chatcmpl-1',
      type: 'message',
      role: 'assistant',
      model: 'my-virtual',
      content: [
        { type: 'thinking', thinking: 'think', signature: 'S' },
        { type: 'redacted_thinking', data: 'ENC' },
        { type: 'thinking', thinking: 'deepseek says', signature: '' },
        { type: 'text', text: 'Answer' },
        { type: 'tool_use', id: 'call_1', name: 'f', input: { a: 1 } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 30,
        cache_creation_input_tokens: 10,
        cache_read_input_tokens: 60,
        output_tokens: 20,
        output_tokens_details: { thinking_tokens: 5 },
      },
    });
  });

  for (const file of [
    'anthropic-text.json',
    'anthropic-clear-thinking.1.json',
    'anthropic-json-tool.1.json',
    'anthropic-tool-no-args.json',
    'anthropic-refusal.json',
  ]) {
    it(`decodeResponse → encodeResponse keeps ${file}'s content, stop reason and usage`, () => {
      const original = readFixtureJson<Record<string, unknown> & { usage: Record<string, unknown> }>(`anthropic/${file}`);
      const ctx = codecContext(original.model as string);
      const again = anthropicMessagesCodec.encodeResponse!(anthropicMessagesCodec.decodeResponse!(original, ctx), ctx);
      assert.deepEqual(again.content, original.content);
      assert.equal(again.stop_reason, original.stop_reason);
      assert.equal(again.id, original.id);
      const usage = again.usage as Record<string, unknown>;
      for (const key of ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'])
        assert.equal(usage[key], original.usage[key], key);
    });
  }
});

describe('adapter body helpers', () => {
  it('fillAnthropicMaxTokens: the request wins; else default_max_tokens; else 4096; with budget thinking the answer keeps that room', () => {
    assert.equal(fillAnthropicMaxTokens({ model: 'm', max_tokens: 10 }, 2000), null);
    assert.deepEqual(fillAnthropicMaxTokens({ model: 'm' }, 2000), { model: 'm', max_tokens: 2000 });
    assert.deepEqual(fillAnthropicMaxTokens({ model: 'm' }, undefined), { model: 'm', max_tokens: 4096 });
    // reasoning_effort high without max_tokens used to send max_tokens 4096 with budget_tokens 4095 (no room to answer).
    assert.deepEqual(fillAnthropicMaxTokens({ model: 'm', thinking: { type: 'enabled', budget_tokens: 16384 } }, undefined), {
      model: 'm',
      max_tokens: 16384 + 4096,
      thinking: { type: 'enabled', budget_tokens: 16384 },
    });
    assert.deepEqual(fillAnthropicMaxTokens({ model: 'm', thinking: { type: 'enabled', budget_tokens: 4096 } }, 1000), {
      model: 'm',
      max_tokens: 5096,
      thinking: { type: 'enabled', budget_tokens: 4096 },
    });
    assert.deepEqual(fillAnthropicMaxTokens({ model: 'm', thinking: { type: 'adaptive' } }, 1000), {
      model: 'm',
      max_tokens: 1000,
      thinking: { type: 'adaptive' },
    });
  });

  it('shapeAnthropicCountTokensBody leaves out what count_tokens does not take', () => {
    assert.equal(shapeAnthropicCountTokensBody({ model: 'm', messages: [] }), null);
    assert.deepEqual(
      shapeAnthropicCountTokensBody({ model: 'm', messages: [], max_tokens: 5, temperature: 1, stream: false, system: 's' }),
      {
        model: 'm',
        messages: [],
        system: 's',
      },
    );
  });
});
