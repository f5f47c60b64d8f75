/**
 * The google.generate-content codec's request side (IR → generateContent body), table by table:
 * system instruction, roles and merging, images, generation parameters, tools and tool_choice,
 * schema sanitising, tool results by name, thought signatures replayed (Google's placeholder when
 * one is missing), thinking per model family, and the OpenAI round trip of a signature.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError, type IrMessage, type IrRequest, type IrThinking } from '@switchyard/kernel';
import { openaiChatCodec } from '@switchyard/plugin-openai';
import {
  encodeGeminiRequest,
  encodeGeminiThinking,
  GEMINI_SKIP_THOUGHT_SIGNATURE,
  googleGenerateContentCodec,
  sanitizeGeminiSchema,
} from '@switchyard/plugin-vertex';
import { codecContext, plain } from '../../../test/dist/helpers/anthropic-codec.js';

const user = (text: string): IrMessage => ({ role: 'user', parts: [{ type: 'text', text }] });
const ir = (over: Partial<IrRequest>): IrRequest => ({
  model: 'gemini-2.5-flash',
  system: [],
  messages: [user('Hi')],
  stream: false,
  ...over,
});

describe('google.generate-content encodeRequest', () => {
  it('systemInstruction, roles (assistant → model), consecutive turns merged, images inline and by URI', () => {
    const ctx = codecContext();
    const body = encodeGeminiRequest(
      ir({
        system: [
          { role: 'system', parts: [{ type: 'text', text: 'Be brief.' }] },
          { role: 'system', parts: [{ type: 'text', text: 'Use metric units.' }] },
        ],
        messages: [
          user('Hi'),
          user('Are you there?'),
          { role: 'assistant', parts: [{ type: 'text', text: 'Yes.' }] },
          {
            role: 'user',
            parts: [
              { type: 'text', text: 'What is in these?' },
              { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
              { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.webp' } },
              { type: 'file', source: { kind: 'url', url: 'gs://bucket/report.pdf' }, mediaType: 'application/pdf' },
            ],
          },
          { role: 'system', parts: [{ type: 'text', text: 'Answer in French.' }] },
        ],
      }),
      ctx,
    );
    assert.deepEqual(body, {
      contents: [
        { role: 'user', parts: [{ text: 'Hi' }, { text: 'Are you there?' }] },
        { role: 'model', parts: [{ text: 'Yes.' }] },
        {
          role: 'user',
          parts: [
            { text: 'What is in these?' },
            { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
            { fileData: { mimeType: 'image/webp', fileUri: 'https://example.com/cat.webp' } },
            { fileData: { mimeType: 'application/pdf', fileUri: 'gs://bucket/report.pdf' } },
          ],
        },
      ],
      systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Use metric units.' }, { text: 'Answer in French.' }] },
    });
    assert.equal('model' in body, false, 'the model is in the URL, not the body');
  });

  it('generation parameters → generationConfig; response_format json_schema → responseMimeType + sanitised responseSchema', () => {
    const ctx = codecContext();
    const body = encodeGeminiRequest(
      ir({
        temperature: 0.3,
        topP: 0.9,
        topK: 40,
        maxTokens: 100,
        stop: ['END'],
        seed: 7,
        presencePenalty: 0.1,
        frequencyPenalty: 0.2,
        user: 'u-1',
        parallelToolCalls: false,
        responseFormat: {
          type: 'json_schema',
          name: 'answer',
          strict: true,
          schema: {
            $schema: 'http://json-schema.org/draft-07/schema#',
            type: 'object',
            properties: { n: { type: 'integer' } },
            required: ['n'],
            additionalProperties: false,
          },
        },
      }),
      ctx,
    );
    assert.deepEqual(body.generationConfig, {
      temperature: 0.3,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 100,
      stopSequences: ['END'],
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      responseMimeType: 'application/json',
      responseSchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
    });
    assert.deepEqual(ctx.droppedFields.sort(), ['parallel_tool_calls', 'response_format.json_schema.strict', 'user']);
    assert.deepEqual(encodeGeminiRequest(ir({ responseFormat: { type: 'json_object' } }), codecContext()).generationConfig, {
      responseMimeType: 'application/json',
    });
    assert.equal(encodeGeminiRequest(ir({}), codecContext()).generationConfig, undefined);
  });

  it('tools → functionDeclarations (parameters sanitised, none for an empty object); tool_choice → functionCallingConfig', () => {
    const tools: IrRequest['tools'] = [
      {
        kind: 'function',
        name: 'get_weather',
        description: 'Current weather',
        strict: true,
        parameters: {
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          type: 'object',
          properties: { city: { type: 'string', format: 'uri', minLength: 1 }, unit: { type: ['string', 'null'], enum: ['c', 'f', null] } },
          required: ['city', 'missing'],
          additionalProperties: false,
        },
      },
      { kind: 'function', name: 'now', parameters: { type: 'object', properties: {}, additionalProperties: false } },
      { kind: 'custom', name: 'free_text' },
    ];
    const ctx = codecContext();
    const body = encodeGeminiRequest(ir({ tools, toolChoice: 'required' }), ctx);
    assert.deepEqual(body.tools, [
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            description: 'Current weather',
            parameters: {
              type: 'object',
              properties: { city: { type: 'string', minLength: 1 }, unit: { type: 'string', enum: ['c', 'f'], nullable: true } },
              required: ['city'],
            },
          },
          { name: 'now' },
        ],
      },
    ]);
    assert.deepEqual(body.toolConfig, { functionCallingConfig: { mode: 'ANY' } });
    assert.ok(ctx.droppedFields.some((f) => f.startsWith('tools[free_text]')));
    const table: Array<[IrRequest['toolChoice'], unknown]> = [
      ['auto', { functionCallingConfig: { mode: 'AUTO' } }],
      ['none', { functionCallingConfig: { mode: 'NONE' } }],
      ['required', { functionCallingConfig: { mode: 'ANY' } }],
      [{ name: 'now' }, { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['now'] } }],
      [undefined, undefined],
    ];
    for (const [choice, expected] of table) {
      assert.deepEqual(
        encodeGeminiRequest(ir({ tools, toolChoice: choice }), codecContext()).toolConfig,
        expected,
        String(JSON.stringify(choice)),
      );
    }
  });

  it('multi-turn tool use: calls keep their thought signature, results named from the calls, responses always objects', () => {
    const sig = 'CiMBjz1rX25KieIB4d4AwFn8';
    const ctx = codecContext();
    const body = encodeGeminiRequest(
      ir({
        model: 'gemini-3-pro-preview',
        messages: [
          user('Weather in Boston and Paris? And the time?'),
          {
            role: 'assistant',
            parts: [
              { type: 'reasoning', text: 'Two cities.', signature: 'thought-sig' },
              { type: 'text', text: 'Checking.' },
              {
                type: 'tool_call',
                id: 'call_a',
                name: 'get_weather',
                arguments: '{"city":"Boston"}',
                providerMetadata: { google: { thoughtSignature: sig } },
              },
              { type: 'tool_call', id: 'call_b', name: 'get_weather', arguments: '{"city":"Paris"}' },
              { type: 'tool_call', id: 'call_c', name: 'now', arguments: '' },
            ],
          },
          { role: 'tool', parts: [{ type: 'tool_result', toolCallId: 'call_a', content: '{"temp":12,"sky":"rain"}' }] },
          { role: 'tool', parts: [{ type: 'tool_result', toolCallId: 'call_b', name: 'get_weather', content: 'sunny, 21C' }] },
          { role: 'tool', parts: [{ type: 'tool_result', toolCallId: 'call_c', content: 'clock broken', isError: true }] },
          user('Thanks!'),
        ],
      }),
      ctx,
    );
    assert.deepEqual(body.contents, [
      { role: 'user', parts: [{ text: 'Weather in Boston and Paris? And the time?' }] },
      {
        role: 'model',
        parts: [
          { text: 'Two cities.', thought: true, thoughtSignature: 'thought-sig' },
          { text: 'Checking.' },
          { functionCall: { name: 'get_weather', args: { city: 'Boston' } }, thoughtSignature: sig },
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } } },
          { functionCall: { name: 'now', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { temp: 12, sky: 'rain' } } },
          { functionResponse: { name: 'get_weather', response: { output: 'sunny, 21C' } } },
          { functionResponse: { name: 'now', response: { error: 'clock broken' } } },
          { text: 'Thanks!' },
        ],
      },
    ]);
  });

  it("a call whose signature the client dropped gets Google's placeholder on Gemini 3 (first call of the step), none on 2.x", () => {
    const messages: IrMessage[] = [
      user('Weather?'),
      {
        role: 'assistant',
        parts: [
          { type: 'tool_call', id: 'c1', name: 'w', arguments: '{}' },
          { type: 'tool_call', id: 'c2', name: 'w', arguments: '{}' },
        ],
      },
      { role: 'tool', parts: [{ type: 'tool_result', toolCallId: 'c1', content: 'a' }] },
      { role: 'tool', parts: [{ type: 'tool_result', toolCallId: 'c2', content: 'b' }] },
    ];
    const g3 = encodeGeminiRequest(ir({ model: 'gemini-3-pro-preview', messages }), codecContext()) as {
      contents: Array<{ parts: object[] }>;
    };
    assert.equal(GEMINI_SKIP_THOUGHT_SIGNATURE, 'skip_thought_signature_validator');
    assert.deepEqual(g3.contents[1]!.parts, [
      { functionCall: { name: 'w', args: {} }, thoughtSignature: 'skip_thought_signature_validator' },
      { functionCall: { name: 'w', args: {} } },
    ]);
    const g31 = encodeGeminiRequest(ir({ model: 'gemini-3.1-pro-preview', messages }), codecContext()) as {
      contents: Array<{ parts: Array<Record<string, unknown>> }>;
    };
    assert.equal(g31.contents[1]!.parts[0]!.thoughtSignature, GEMINI_SKIP_THOUGHT_SIGNATURE);
    const g25 = encodeGeminiRequest(ir({ model: 'gemini-2.5-pro', messages }), codecContext()) as {
      contents: Array<{ parts: Array<Record<string, unknown>> }>;
    };
    assert.equal(g25.contents[1]!.parts[0]!.thoughtSignature, undefined);
  });

  it("an answer's signature (reasoning without text) goes back on the answer's text; redacted reasoning is dropped", () => {
    const ctx = codecContext();
    const body = encodeGeminiRequest(
      ir({
        model: 'gemini-3-pro-preview',
        messages: [
          user('Count the r in strawberry.'),
          {
            role: 'assistant',
            parts: [
              { type: 'reasoning', text: '', signature: 'answer-sig' },
              { type: 'reasoning', text: '', redactedData: 'opaque' },
              { type: 'text', text: 'There are 3.' },
            ],
          },
          user('Thanks'),
        ],
      }),
      ctx,
    ) as { contents: unknown[] };
    assert.deepEqual(body.contents[1], { role: 'model', parts: [{ text: 'There are 3.', thoughtSignature: 'answer-sig' }] });
    assert.deepEqual(ctx.droppedFields, ['redacted reasoning']);
  });

  it('a tool result whose call is unknown and that names no tool is a 400 (Gemini matches results by name)', () => {
    assert.throws(
      () =>
        encodeGeminiRequest(
          ir({ messages: [user('x'), { role: 'tool', parts: [{ type: 'tool_result', toolCallId: 'nope', content: 'r' }] }] }),
          codecContext(),
        ),
      (err: unknown) => err instanceof GatewayError && err.status === 400 && /nope/.test(err.message),
    );
  });

  it('thinking per model family (SPEC §2): 3.x thinkingLevel, 2.x thinkingBudget, includeThoughts when on', () => {
    const table: Array<[string, IrThinking, unknown]> = [
      ['gemini-2.5-flash', { enabled: true }, { thinkingBudget: -1, includeThoughts: true }],
      ['gemini-2.5-flash', { enabled: true, effort: 'medium' }, { thinkingBudget: 8192, includeThoughts: true }],
      ['gemini-2.5-flash', { enabled: true, effort: 'low' }, { thinkingBudget: 1024, includeThoughts: true }],
      ['gemini-2.5-flash', { enabled: true, budgetTokens: 50000 }, { thinkingBudget: 24576, includeThoughts: true }],
      ['gemini-2.5-flash', { enabled: false }, { thinkingBudget: 0 }],
      ['gemini-2.5-flash-lite', { enabled: true, budgetTokens: 100 }, { thinkingBudget: 512, includeThoughts: true }],
      ['gemini-2.5-pro', { enabled: true, effort: 'high' }, { thinkingBudget: 24576, includeThoughts: true }],
      ['gemini-2.5-pro', { enabled: true, budgetTokens: 32768 }, { thinkingBudget: 32768, includeThoughts: true }],
      ['gemini-2.5-pro', { enabled: false }, { thinkingBudget: 128 }],
      ['gemini-3-pro-preview', { enabled: true }, { thinkingLevel: 'high', includeThoughts: true }],
      ['gemini-3-pro-preview', { enabled: true, effort: 'medium' }, { thinkingLevel: 'high', includeThoughts: true }],
      ['gemini-3-pro-preview', { enabled: true, effort: 'low' }, { thinkingLevel: 'low', includeThoughts: true }],
      ['gemini-3-pro-preview', { enabled: false }, { thinkingLevel: 'low' }],
      ['gemini-3-flash-preview', { enabled: false }, { thinkingLevel: 'minimal' }],
      ['gemini-3-flash-preview', { enabled: true, budgetTokens: 4096 }, { thinkingLevel: 'medium', includeThoughts: true }],
      ['gemini-3.1-pro-preview', { enabled: true, effort: 'medium' }, { thinkingLevel: 'medium', includeThoughts: true }],
      ['gemini-flash-latest', { enabled: true, effort: 'high' }, { thinkingBudget: 24576, includeThoughts: true }],
      ['gemini-1.5-pro', { enabled: true }, undefined],
    ];
    for (const [model, thinking, expected] of table) {
      assert.deepEqual(encodeGeminiThinking(thinking, model, codecContext()), expected, `${model} ${JSON.stringify(thinking)}`);
    }
    assert.deepEqual(encodeGeminiRequest(ir({ thinking: { enabled: true }, maxTokens: 50 }), codecContext()).generationConfig, {
      maxOutputTokens: 50,
      thinkingConfig: { thinkingBudget: -1, includeThoughts: true },
    });
  });

  it('an OpenAI client round trip: the call signature travels as extra_content.google.thought_signature and comes back', () => {
    const sig = 'EskgCsYgAb4+9vtF7/499YQS';
    const ctx = codecContext('gemini-3-pro-preview');
    const response = googleGenerateContentCodec.decodeResponse!(
      {
        candidates: [
          {
            content: { role: 'model', parts: [{ functionCall: { name: 'weather', args: { location: 'SF' } }, thoughtSignature: sig }] },
            finishReason: 'STOP',
          },
        ],
        responseId: 'resp1',
        modelVersion: 'gemini-3-pro-preview',
      },
      ctx,
    );
    const chat = openaiChatCodec.encodeResponse!(response, ctx) as {
      choices: Array<{ message: Record<string, unknown>; finish_reason: string }>;
    };
    const message = chat.choices[0]!.message;
    assert.equal(chat.choices[0]!.finish_reason, 'tool_calls');
    assert.deepEqual(message.tool_calls, [
      {
        id: 'call_resp1_0',
        type: 'function',
        function: { name: 'weather', arguments: '{"location":"SF"}' },
        extra_content: { google: { thought_signature: sig } },
      },
    ]);
    const next = openaiChatCodec.decodeRequest!(
      {
        model: 'gemini-3-pro-preview',
        messages: [{ role: 'user', content: 'Weather?' }, message, { role: 'tool', tool_call_id: 'call_resp1_0', content: '{"temp":15}' }],
      },
      ctx,
    );
    next.model = 'gemini-3-pro-preview';
    const body = plain(encodeGeminiRequest(next, ctx)) as { contents: unknown[] };
    assert.deepEqual(body.contents.slice(1), [
      { role: 'model', parts: [{ functionCall: { name: 'weather', args: { location: 'SF' } }, thoughtSignature: sig }] },
      { role: 'user', parts: [{ functionResponse: { name: 'weather', response: { temp: 15 } } }] },
    ]);
  });
});

describe('Gemini schema sanitising', () => {
  it('inlines $refs, merges allOf, anyOf/null → nullable, const → enum, drops what Gemini rejects', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'x',
      type: 'object',
      $defs: {
        Point: { type: 'object', properties: { x: { type: 'number', format: 'double' }, y: { type: 'number', exclusiveMinimum: 0 } } },
      },
      properties: {
        at: { $ref: '#/$defs/Point', description: 'where' },
        tags: { type: 'array', items: { type: 'string', format: 'email' }, uniqueItems: true, minItems: 1 },
        mode: { const: 'fast' },
        level: { type: 'integer', enum: [1, 2, 3] },
        note: { anyOf: [{ type: 'string' }, { type: 'null' }], default: null },
        either: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
        both: {
          allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'boolean' } } }],
        },
        self: { $ref: '#' },
        free: { type: 'object', additionalProperties: { type: 'string' } },
      },
      required: ['at'],
      additionalProperties: false,
    };
    const props = {
      at: { type: 'object', description: 'where', properties: { x: { type: 'number', format: 'double' }, y: { type: 'number' } } },
      tags: { type: 'array', minItems: 1, items: { type: 'string' } },
      mode: { type: 'string', enum: ['fast'] },
      level: { type: 'integer', description: 'One of: 1, 2, 3.' },
      note: { type: 'string', nullable: true },
      either: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
      both: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'boolean' } }, required: ['a'] },
      free: { type: 'object' },
    };
    // A recursive `$ref` is inlined once, then cut to a bare object.
    const self = { type: 'object', properties: { ...props, self: { type: 'object' } }, required: ['at'] };
    assert.deepEqual(sanitizeGeminiSchema(schema), { type: 'object', properties: { ...props, self }, required: ['at'] });
  });
});
