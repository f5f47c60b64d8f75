/**
 * The anthropic.messages encoder sends what the real API accepts (checked with the strict fake's rules):
 * thinking left out on turn 2 of a tool loop whose thinking block the client did not send back, sampling
 * parameters left out for models that no longer take them, JSON Schemas fitted to Claude's structured-output
 * subset, and the beta `output_format` decoded.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IrMessage, IrRequest } from '@switchyard/kernel';
import { anthropicMessagesCodec, fitAnthropicJsonSchema } from '@switchyard/plugin-anthropic';
import { checkAnthropicMessagesRequest } from '@switchyard/testing';
import { codecContext, plain } from '../../../test/dist/helpers/anthropic-codec.js';

const encode = (ir: Partial<IrRequest>, ctx = codecContext()) =>
  anthropicMessagesCodec.encodeRequest!(
    { model: 'claude-sonnet-4-5', system: [], messages: [], stream: false, maxTokens: 8000, ...ir },
    ctx,
  );
const user = (text: string): IrMessage => ({ role: 'user', parts: [{ type: 'text', text }] });
const call: IrMessage = {
  role: 'assistant',
  parts: [{ type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
};
const result: IrMessage = { role: 'tool', parts: [{ type: 'tool_result', toolCallId: 'toolu_1', content: 'sunny' }] };
const signed: IrMessage = {
  role: 'assistant',
  parts: [{ type: 'reasoning', text: 'Look it up.', signature: 'SIG' }, ...call.parts],
};
const tools: IrRequest['tools'] = [
  { kind: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
];

describe('anthropic.messages encoder against the strict rules', () => {
  it('turn 2 of a tool loop without the thinking block: `thinking` is left out (not type disabled), reported', () => {
    for (const model of ['claude-sonnet-4-5', 'claude-opus-4-7']) {
      const ctx = codecContext();
      const body = encode({ model, messages: [user('weather?'), call, result], tools, thinking: { enabled: true, effort: 'high' } }, ctx);
      assert.equal(body.thinking, undefined, model);
      assert.ok(
        ctx.droppedFields.some((f) => f.startsWith('thinking (the last assistant turn calls tools')),
        model,
      );
      assert.equal(checkAnthropicMessagesRequest(body), undefined, model);
    }
  });

  it('a client that sends the thinking block back keeps thinking on and the signature intact', () => {
    const body = encode({ messages: [user('weather?'), signed, result], tools, thinking: { enabled: true, budgetTokens: 2048 } });
    assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 2048 });
    assert.deepEqual((body.messages as Array<{ content: unknown[] }>)[1]!.content[0], {
      type: 'thinking',
      thinking: 'Look it up.',
      signature: 'SIG',
    });
    assert.equal(checkAnthropicMessagesRequest(body), undefined);
  });

  it('a tool loop that ended in a text answer keeps thinking on for the next question', () => {
    const answer: IrMessage = { role: 'assistant', parts: [{ type: 'text', text: 'Sunny.' }] };
    const body = encode({ messages: [user('weather?'), call, result, answer, user('and tomorrow?')], tools, thinking: { enabled: true } });
    assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 4096 });
    assert.equal(checkAnthropicMessagesRequest(body), undefined);
  });

  it('Opus 4.7 and later: temperature, top_p, top_k left out (reported); earlier models keep them', () => {
    const ctx = codecContext();
    const body = encode({ model: 'claude-opus-4-7', messages: [user('q')], temperature: 0.2, topP: 0.9, topK: 5 }, ctx);
    assert.deepEqual([body.temperature, body.top_p, body.top_k], [undefined, undefined, undefined]);
    assert.equal(ctx.droppedFields.filter((f) => f.includes('no longer takes sampling parameters')).length, 3);
    assert.equal(checkAnthropicMessagesRequest(body), undefined);
    assert.equal(encode({ model: 'claude-sonnet-4-5', messages: [user('q')], temperature: 0.2 }).temperature, 0.2);
  });

  it('Opus 4.7: thinking is adaptive with an effort, never type enabled', () => {
    const body = encode({ model: 'claude-opus-4-7', messages: [user('q')], thinking: { enabled: true, budgetTokens: 2048 } });
    assert.deepEqual(body.thinking, { type: 'adaptive' });
    assert.equal(checkAnthropicMessagesRequest(body), undefined);
  });

  it('response_format json_schema and strict tools: the schema is fitted to the structured-output subset', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 40, description: 'Full name' },
        age: { type: 'integer', minimum: 0, maximum: 150 },
        tags: { type: 'array', items: { type: 'string', format: 'email' }, minItems: 2 },
        when: { type: 'string', format: 'date' },
        kind: { oneOf: [{ type: 'object', properties: { a: { type: 'number', multipleOf: 5 } } }, { type: 'null' }] },
      },
      required: ['name'],
    };
    const body = encode({
      messages: [user('q')],
      responseFormat: { type: 'json_schema', name: 'person', schema },
      tools: [{ kind: 'function', name: 'save', parameters: schema, strict: true }],
    });
    assert.equal(checkAnthropicMessagesRequest(body), undefined);
    const sent = (body.output_config as { format: { schema: Record<string, any> } }).format.schema; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal(sent.$schema, undefined);
    assert.equal(sent.additionalProperties, false);
    assert.deepEqual(sent.properties.name, { type: 'string', description: 'Full name\n\n{minLength: 1, maxLength: 40}' });
    assert.deepEqual(sent.properties.age, { type: 'integer', description: '{minimum: 0, maximum: 150}' });
    assert.deepEqual(sent.properties.tags, { type: 'array', items: { type: 'string', format: 'email' }, description: '{minItems: 2}' });
    assert.deepEqual(sent.properties.when, { type: 'string', format: 'date' });
    assert.deepEqual(sent.properties.kind, {
      anyOf: [
        { type: 'object', properties: { a: { type: 'number', description: '{multipleOf: 5}' } }, additionalProperties: false },
        { type: 'null' },
      ],
    });
    assert.deepEqual((body.tools as Array<{ input_schema: unknown }>)[0]!.input_schema, sent);
    assert.equal(schema.properties.name.minLength, 1, 'the caller schema is not modified');
    // Non-strict tools keep their schema as sent.
    const loose = encode({ messages: [user('q')], tools: [{ kind: 'function', name: 'save', parameters: schema }] });
    assert.deepEqual((loose.tools as Array<{ input_schema: unknown }>)[0]!.input_schema, schema);
    assert.deepEqual(fitAnthropicJsonSchema({ type: 'string', format: 'color' }), { type: 'string', description: '{format: "color"}' });
  });

  it('the beta output_format is decoded like output_config.format', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false };
    const ctx = codecContext();
    const ir = plain(
      anthropicMessagesCodec.decodeRequest!(
        { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'q' }], output_format: { type: 'json_schema', schema } },
        ctx,
      ),
    );
    assert.deepEqual(ir.responseFormat, { type: 'json_schema', schema });
    assert.ok(!ctx.droppedFields.includes('output_format'));
  });
});
