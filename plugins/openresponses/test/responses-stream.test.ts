/* eslint-disable @typescript-eslint/no-explicit-any -- tests poke into parsed events */
/**
 * The openai.responses codec's reply side: IR stream events encoded as the Responses event stream
 * (checked against the OpenResponses ordering rules, with sequence numbers), complete IR
 * responses as Response objects, custom and namespaced tool calls restored as the client declared
 * them, Anthropic signatures sealed into encrypted_content, failures as error + response.failed;
 * and the encoder's output decoded again by the backend side (a round trip through the IR).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError, type CodecContext, type IrStreamEvent } from '@switchyard/kernel';
import { openaiResponsesCodec, openReasoning } from '@switchyard/plugin-openresponses';
import { parseSse } from '../../../test/dist/helpers/sse.js';
import { assertResponsesEventOrder, responsesEvents, type ResponsesEvent } from '../../../test/dist/helpers/responses-events.js';

function ctx(): CodecContext & { droppedFields: string[] } {
  const droppedFields: string[] = [];
  return { clientModel: 'coder', requestId: 'req-42', droppedFields, dropped: (f: string) => void droppedFields.push(f) };
}

function encode(events: readonly IrStreamEvent[], c: CodecContext = ctx()): ResponsesEvent[] {
  const encoder = openaiResponsesCodec.createStreamEncoder!(c);
  let text = '';
  for (const e of events) text += encoder.push(e);
  text += encoder.end();
  return responsesEvents(parseSse(text));
}

const types = (events: readonly ResponsesEvent[]) => events.map((e) => e.type);

/** A client context that declared `apply_patch` (custom) and `crm.find` (namespaced function). */
function agentContext(): CodecContext & { droppedFields: string[] } {
  const c = ctx();
  openaiResponsesCodec.decodeRequest!(
    {
      model: 'coder',
      input: 'x',
      tools: [
        { type: 'custom', name: 'apply_patch' },
        { type: 'namespace', name: 'crm', description: 'CRM', tools: [{ type: 'function', name: 'find' }] },
        { type: 'function', name: 'shell', parameters: { type: 'object', properties: {} } },
      ],
    },
    c,
  );
  return c;
}

describe('openai.responses stream encoder (client side)', () => {
  it('text: the full event sequence, sequence numbers from 0, usage in response.completed', () => {
    const events = encode([
      { type: 'start', id: 'chatcmpl-1', model: 'real-model', created: 1_700_000_000 },
      { type: 'text_delta', text: 'Hel' },
      { type: 'text_delta', text: 'lo' },
      { type: 'finish', reason: 'stop', rawReason: 'stop' },
      { type: 'usage', usage: { inputTokens: 5, outputTokens: 2, cachedInputTokens: 1 } },
    ]);
    assert.deepEqual(types(events), [
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const terminal = assertResponsesEventOrder(events);
    assert.equal(terminal.response.id, 'resp_req42');
    assert.equal(terminal.response.model, 'coder', 'the model the client asked for');
    assert.equal(terminal.response.created_at, 1_700_000_000);
    assert.equal(terminal.response.status, 'completed');
    assert.deepEqual(terminal.response.output[0].content, [{ type: 'output_text', text: 'Hello', annotations: [], logprobs: [] }]);
    assert.deepEqual(terminal.response.usage, {
      input_tokens: 5,
      input_tokens_details: { cached_tokens: 1 },
      output_tokens: 2,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 7,
    });
  });

  it('reasoning (with an Anthropic signature), text, then two tool calls: items in order, signature sealed', () => {
    const events = encode([
      { type: 'start', id: 'msg_1', model: 'claude' },
      { type: 'reasoning_delta', text: 'Think' },
      { type: 'reasoning_delta', text: 'ing.' },
      { type: 'reasoning_delta', signature: 'SIG' },
      { type: 'reasoning_end' },
      { type: 'text_delta', text: 'Calling.' },
      { type: 'tool_call_start', index: 0, id: 'toolu_1', name: 'shell' },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '{"command":' },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '["ls"]}' },
      { type: 'tool_call_end', index: 0 },
      { type: 'tool_call_start', index: 1, id: 'toolu_2', name: 'shell' },
      { type: 'tool_call_end', index: 1 },
      { type: 'usage', usage: { inputTokens: 10, outputTokens: 20, reasoningTokens: 8 } },
      { type: 'finish', reason: 'tool_calls' },
    ]);
    const terminal = assertResponsesEventOrder(events);
    const [reasoning, message, call1, call2] = terminal.response.output;
    assert.equal(reasoning.type, 'reasoning');
    assert.deepEqual(reasoning.content, [{ type: 'reasoning_text', text: 'Thinking.' }]);
    assert.deepEqual(openReasoning(reasoning.encrypted_content), { text: 'Thinking.', signature: 'SIG' });
    assert.equal(message.content[0].text, 'Calling.');
    assert.deepEqual(
      { type: call1.type, call_id: call1.call_id, name: call1.name, arguments: call1.arguments, status: call1.status },
      { type: 'function_call', call_id: 'toolu_1', name: 'shell', arguments: '{"command":["ls"]}', status: 'completed' },
    );
    assert.equal(call2.arguments, '{}', 'a call without arguments says {}');
    assert.ok(types(events).includes('response.reasoning_text.delta'));
    assert.equal(terminal.response.usage.output_tokens_details.reasoning_tokens, 8);
  });

  it('custom tools come back as custom_tool_call with the raw input; namespaced calls get their namespace back', () => {
    const c = agentContext();
    const events = encode(
      [
        { type: 'start', id: 'x', model: 'm' },
        { type: 'tool_call_start', index: 0, id: 'call_p', name: 'apply_patch' },
        { type: 'tool_call_delta', index: 0, argumentsDelta: '{"input":"*** Begin Patch\\n' },
        { type: 'tool_call_delta', index: 0, argumentsDelta: '*** End Patch"}' },
        { type: 'tool_call_end', index: 0 },
        { type: 'tool_call_start', index: 1, id: 'call_f', name: 'crm__find' },
        { type: 'tool_call_delta', index: 1, argumentsDelta: '{"q":"Ada"}' },
        { type: 'tool_call_end', index: 1 },
        { type: 'finish', reason: 'tool_calls' },
      ],
      c,
    );
    const terminal = assertResponsesEventOrder(events);
    const [patch, find] = terminal.response.output;
    assert.equal(patch.type, 'custom_tool_call');
    assert.equal(patch.name, 'apply_patch');
    assert.equal(patch.input, '*** Begin Patch\n*** End Patch');
    assert.equal(patch.namespace, undefined);
    assert.equal(find.type, 'function_call');
    assert.equal(find.name, 'find');
    assert.equal(find.namespace, 'crm');
    assert.equal(find.arguments, '{"q":"Ada"}');
    assert.deepEqual(
      types(events).filter((t) => t.startsWith('response.custom_tool_call_input')),
      ['response.custom_tool_call_input.delta', 'response.custom_tool_call_input.done'],
    );
  });

  it('a call of a tool declared in additional_tools (Codex’s code mode exec): custom_tool_call, namespace functions back', () => {
    const c = ctx();
    openaiResponsesCodec.decodeRequest!(
      {
        model: 'coder',
        input: [
          {
            type: 'additional_tools',
            role: 'developer',
            tools: [{ type: 'namespace', name: 'functions', description: '', tools: [{ type: 'custom', name: 'exec' }] }],
          },
          { role: 'user', content: 'x' },
        ],
      },
      c,
    );
    const events = encode(
      [
        { type: 'start', id: 'x', model: 'm' },
        { type: 'tool_call_start', index: 0, id: 'call_x', name: 'exec' },
        { type: 'tool_call_delta', index: 0, argumentsDelta: '{"input":"text(await tools.exec_command({cmd: \\"ls\\"}))"}' },
        { type: 'tool_call_end', index: 0 },
        { type: 'finish', reason: 'tool_calls' },
      ],
      c,
    );
    const [exec] = assertResponsesEventOrder(events).response.output;
    assert.deepEqual(
      { type: exec.type, name: exec.name, namespace: exec.namespace, input: exec.input, call_id: exec.call_id },
      {
        type: 'custom_tool_call',
        name: 'exec',
        namespace: 'functions',
        input: 'text(await tools.exec_command({cmd: "ls"}))',
        call_id: 'call_x',
      },
    );
  });

  it('finish length: response.incomplete with incomplete_details max_output_tokens', () => {
    const events = encode([
      { type: 'start', id: 'x', model: 'm' },
      { type: 'text_delta', text: 'cut' },
      { type: 'finish', reason: 'length' },
    ]);
    const terminal = assertResponsesEventOrder(events);
    assert.equal(terminal.type, 'response.incomplete');
    assert.equal(terminal.response.status, 'incomplete');
    assert.deepEqual(terminal.response.incomplete_details, { reason: 'max_output_tokens' });
  });

  it('an upstream error mid-stream: error then response.failed (with the partial output), nothing after', () => {
    const c = ctx();
    const encoder = openaiResponsesCodec.createStreamEncoder!(c);
    let text = encoder.push({ type: 'start', id: 'x', model: 'm' });
    text += encoder.push({ type: 'text_delta', text: 'partial' });
    text += encoder.push({ type: 'error', status: 529, errorType: 'overloaded_error', message: 'Overloaded' });
    text += encoder.push({ type: 'text_delta', text: 'ignored' });
    text += encoder.end();
    const events = responsesEvents(parseSse(text));
    const terminal = assertResponsesEventOrder(events);
    assert.deepEqual(types(events).slice(-2), ['error', 'response.failed']);
    assert.deepEqual(events.at(-2), {
      type: 'error',
      code: 'server_is_overloaded',
      message: 'Overloaded',
      param: null,
      sequence_number: events.length - 2,
    });
    assert.equal(terminal.response.status, 'failed');
    assert.deepEqual(terminal.response.error, { code: 'server_is_overloaded', message: 'Overloaded' });
    assert.equal(terminal.response.output[0].status, 'incomplete');
  });

  it('failure(): a transport failure the kernel saw ends the stream the same way, once', () => {
    const encoder = openaiResponsesCodec.createStreamEncoder!(ctx());
    let text = encoder.push({ type: 'start', id: 'x', model: 'm' }) + encoder.push({ type: 'text_delta', text: 'a' });
    text += encoder.failure!(GatewayError.gatewayTimeout('backend b sent nothing for 300 s'));
    text += encoder.failure!(GatewayError.gatewayTimeout('again'));
    text += encoder.end();
    const events = responsesEvents(parseSse(text));
    const terminal = assertResponsesEventOrder(events);
    assert.equal(terminal.type, 'response.failed');
    assert.equal(terminal.response.error.message, 'backend b sent nothing for 300 s');
    assert.equal(events.filter((e) => e.type === 'error').length, 1);
  });

  it('an error before anything else still opens with response.created and response.in_progress', () => {
    const events = encode([{ type: 'error', status: 429, errorType: 'rate_limit_error', message: 'slow down' }]);
    assert.deepEqual(types(events), ['response.created', 'response.in_progress', 'error', 'response.failed']);
    assert.equal(events[2]!.code, 'rate_limit_exceeded');
    assertResponsesEventOrder(events);
  });

  it('round trip: the encoder’s stream decoded by the backend side gives the IR back', () => {
    const ir: IrStreamEvent[] = [
      { type: 'start', id: 'x', model: 'm', created: 5 },
      { type: 'reasoning_delta', text: 'hmm' },
      { type: 'reasoning_end' },
      { type: 'text_delta', text: 'Hi' },
      { type: 'tool_call_start', index: 0, id: 'call_1', name: 'shell' },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '{"a":1}' },
      { type: 'tool_call_end', index: 0 },
      { type: 'finish', reason: 'tool_calls' },
      { type: 'usage', usage: { inputTokens: 1, outputTokens: 2 } },
    ];
    const encoder = openaiResponsesCodec.createStreamEncoder!(ctx());
    let text = '';
    for (const e of ir) text += encoder.push(e);
    text += encoder.end();
    const decoder = openaiResponsesCodec.createStreamDecoder!(ctx());
    const back: IrStreamEvent[] = [];
    for (const e of parseSse(text)) back.push(...decoder.push({ event: e.event, data: e.data }));
    back.push(...decoder.end());
    assert.deepEqual(back, [
      { type: 'start', id: 'resp_req42', model: 'coder', created: 5 },
      { type: 'reasoning_delta', text: 'hmm' },
      { type: 'reasoning_end' },
      { type: 'text_delta', text: 'Hi' },
      { type: 'tool_call_start', index: 0, id: 'call_1', name: 'shell' },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '{"a":1}' },
      { type: 'tool_call_end', index: 0 },
      { type: 'usage', usage: { inputTokens: 1, outputTokens: 2, cachedInputTokens: 0, reasoningTokens: 0 } },
      { type: 'finish', reason: 'tool_calls', rawReason: 'completed' },
    ]);
  });
});

describe('openai.responses encodeResponse (client side)', () => {
  it('a complete IR response as a Response object: items in order, tools restored, status, usage', () => {
    const c = agentContext();
    const body = openaiResponsesCodec.encodeResponse!(
      {
        id: 'chatcmpl-9',
        model: 'real',
        created: 1_700_000_001,
        parts: [
          { type: 'reasoning', text: 'plan' },
          { type: 'text', text: 'Patching ' },
          { type: 'text', text: 'now.' },
          { type: 'tool_call', id: 'call_p', name: 'apply_patch', arguments: '{"input":"*** Begin Patch"}' },
          { type: 'tool_call', id: 'call_f', name: 'crm__find', arguments: '{"q":"x"}' },
        ],
        finishReason: 'tool_calls',
        usage: { inputTokens: 3, outputTokens: 4 },
      },
      c,
    ) as any;
    assert.equal(body.object, 'response');
    assert.equal(body.id, 'resp_req42');
    assert.equal(body.model, 'coder');
    assert.equal(body.status, 'completed');
    assert.equal(body.created_at, 1_700_000_001);
    assert.deepEqual(
      body.output.map((o: any) => o.type),
      ['reasoning', 'message', 'custom_tool_call', 'function_call'],
    );
    assert.equal(body.output[0].encrypted_content, undefined, 'nothing to seal without a signature');
    assert.equal(body.output[1].content[0].text, 'Patching now.');
    assert.equal(body.output[2].input, '*** Begin Patch');
    assert.deepEqual([body.output[3].name, body.output[3].namespace], ['find', 'crm']);
    assert.deepEqual(body.usage, {
      input_tokens: 3,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 4,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 7,
    });
    // Request fields echoed back; store is always false (nothing is stored).
    assert.equal(body.store, false);
    assert.equal(body.tools.length, 3);
  });
});
