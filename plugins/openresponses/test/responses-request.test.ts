/**
 * The openai.responses codec's request side: a /v1/responses body decoded into the IR (client
 * side: input forms, instructions, tools as agents send them, reasoning items, the stateless 400s)
 * and the IR encoded as a /v1/responses body for an OpenResponses backend (backend side).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError, type CodecContext, type IrRequest } from '@switchyard/kernel';
import { decodeOpenAIChatRequest } from '@switchyard/plugin-openai';
import {
  openaiResponsesCodec,
  requestStateOf,
  sealCallId,
  sealReasoning,
  selfContainedMessageId,
  selfContainedReasoningId,
} from '@switchyard/plugin-openresponses';
import { checkOpenAiResponsesRequest } from '@switchyard/testing';

type TestContext = CodecContext & { droppedFields: string[] };

function ctx(): TestContext {
  const droppedFields: string[] = [];
  return { clientModel: 'coder', requestId: 'req-1', droppedFields, dropped: (f: string) => void droppedFields.push(f) };
}

const decode = (body: Record<string, unknown>, c: CodecContext = ctx()): IrRequest =>
  openaiResponsesCodec.decodeRequest!({ model: 'coder', ...body }, c);

function rejects400(body: Record<string, unknown>, param: string, pattern: RegExp): void {
  assert.throws(
    () => decode(body),
    (err: unknown) => {
      assert.ok(err instanceof GatewayError);
      assert.equal(err.status, 400);
      assert.equal(err.param, param);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

describe('openai.responses decodeRequest (client side)', () => {
  it('a string input is one user turn; instructions are the system text; sampling fields map', () => {
    const ir = decode({
      input: 'Hello',
      instructions: 'Be brief.',
      max_output_tokens: 300,
      temperature: 0.3,
      top_p: 0.9,
      parallel_tool_calls: false,
      user: 'u-1',
      stream: true,
      store: true,
      include: ['reasoning.encrypted_content'],
    });
    assert.deepEqual(ir, {
      model: 'coder',
      system: [{ role: 'system', parts: [{ type: 'text', text: 'Be brief.' }] }],
      messages: [{ role: 'user', parts: [{ type: 'text', text: 'Hello' }] }],
      stream: true,
      includeUsage: true,
      parallelToolCalls: false,
      maxTokens: 300,
      temperature: 0.3,
      topP: 0.9,
      user: 'u-1',
    });
  });

  it('store: true is accepted and ignored (not reported as dropped); unknown fields are reported', () => {
    const c = ctx();
    decode({ input: 'x', store: true, prompt_cache_key: 'k', service_tier: 'auto' }, c);
    assert.deepEqual(c.droppedFields, ['prompt_cache_key', 'service_tier']);
  });

  it('item-list input: messages by role, developer into the instructions, content parts', () => {
    const ir = decode({
      input: [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Dev rules.' }] },
        { role: 'user', content: 'Plain string content' },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'Look:' },
            { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'low' },
            { type: 'input_file', file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' },
          ],
        },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Seen.' }] },
      ],
    });
    assert.deepEqual(ir.system, [{ role: 'system', parts: [{ type: 'text', text: 'Dev rules.' }] }]);
    assert.deepEqual(ir.messages, [
      { role: 'user', parts: [{ type: 'text', text: 'Plain string content' }] },
      {
        role: 'user',
        parts: [
          { type: 'text', text: 'Look:' },
          { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' }, detail: 'low' },
          {
            type: 'file',
            source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBE' },
            mediaType: 'application/pdf',
            filename: 'a.pdf',
          },
        ],
      },
      { role: 'assistant', parts: [{ type: 'text', text: 'Seen.' }] },
    ]);
  });

  it('function_call / function_call_output items: one assistant turn with its calls, one tool turn per output', () => {
    const ir = decode({
      input: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Two lookups.' }] },
        { type: 'function_call', id: 'fc_1', call_id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call', id: 'fc_2', call_id: 'call_b', name: 'get_weather', arguments: '{"city":"Rome"}' },
        { type: 'function_call_output', call_id: 'call_a', output: 'sunny' },
        { type: 'function_call_output', call_id: 'call_b', output: [{ type: 'input_text', text: 'rain' }] },
      ],
    });
    assert.deepEqual(ir.messages, [
      { role: 'user', parts: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', text: 'Two lookups.' },
          { type: 'tool_call', id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { type: 'tool_call', id: 'call_b', name: 'get_weather', arguments: '{"city":"Rome"}' },
        ],
      },
      { role: 'tool', parts: [{ type: 'tool_result', toolCallId: 'call_a', name: 'get_weather', content: 'sunny' }] },
      { role: 'tool', parts: [{ type: 'tool_result', toolCallId: 'call_b', name: 'get_weather', content: 'rain' }] },
    ]);
  });

  it('reasoning items: a gateway-sealed encrypted_content gives back text and signature; another provider’s is dropped', () => {
    const sealed = sealReasoning({ text: 'Let me think.', signature: 'sig-abc' })!;
    const redacted = sealReasoning({ text: '', redactedData: 'opaque' })!;
    const c = ctx();
    const ir = decode(
      {
        input: [
          { role: 'user', content: 'q' },
          // Codex sends reasoning back without its content: the sealed copy carries the text.
          { type: 'reasoning', summary: [], encrypted_content: sealed },
          { type: 'reasoning', summary: [], encrypted_content: redacted },
          { type: 'reasoning', summary: [{ type: 'summary_text', text: 'OpenAI summary' }], encrypted_content: 'gAAAAB-foreign' },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'a' }] },
        ],
      },
      c,
    );
    assert.deepEqual(ir.messages[1], {
      role: 'assistant',
      parts: [
        { type: 'reasoning', text: 'Let me think.', signature: 'sig-abc' },
        { type: 'reasoning', text: '', redactedData: 'opaque' },
        { type: 'reasoning', text: 'OpenAI summary' },
        { type: 'text', text: 'a' },
      ],
    });
    assert.deepEqual(c.droppedFields, ['input[3].encrypted_content']);
  });

  it('reasoning.effort ↔ thinking; text.format json_schema ↔ response format', () => {
    assert.deepEqual(decode({ input: 'x', reasoning: { effort: 'high' } }).thinking, { enabled: true, effort: 'high' });
    assert.deepEqual(decode({ input: 'x', reasoning: { effort: 'minimal' } }).thinking, { enabled: false, effort: 'minimal' });
    assert.deepEqual(decode({ input: 'x', reasoning: { effort: 'none' } }).thinking, { enabled: false });
    assert.deepEqual(decode({ input: 'x', reasoning: { effort: 'xhigh' } }).thinking, { enabled: true, effort: 'high' });
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    assert.deepEqual(decode({ input: 'x', text: { format: { type: 'json_schema', name: 'out', schema, strict: true } } }).responseFormat, {
      type: 'json_schema',
      schema,
      name: 'out',
      strict: true,
    });
    assert.deepEqual(decode({ input: 'x', text: { format: { type: 'json_object' } } }).responseFormat, { type: 'json_object' });
  });

  it('function tools map directly; tool_choice forms', () => {
    const params = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const ir = decode({
      input: 'x',
      tools: [{ type: 'function', name: 'get_weather', description: 'Weather', parameters: params, strict: true }],
      tool_choice: { type: 'function', name: 'get_weather' },
    });
    assert.deepEqual(ir.tools, [{ kind: 'function', name: 'get_weather', description: 'Weather', parameters: params, strict: true }]);
    assert.deepEqual(ir.toolChoice, { name: 'get_weather' });
    assert.equal(decode({ input: 'x', tool_choice: 'required' }).toolChoice, 'required');
    assert.equal(decode({ input: 'x', tool_choice: { type: 'allowed_tools', mode: 'required', tools: [] } }).toolChoice, 'required');
    assert.equal(decode({ input: 'x', tool_choice: { type: 'web_search' } }).toolChoice, undefined);
  });

  it('custom (free-form) tools become a function of one string; custom_tool_call items carry it as {"input"}', () => {
    const c = ctx();
    const ir = decode(
      {
        input: [
          { role: 'user', content: 'patch it' },
          { type: 'custom_tool_call', call_id: 'call_p', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch' },
          { type: 'custom_tool_call_output', call_id: 'call_p', output: 'Done!' },
        ],
        tools: [
          {
            type: 'custom',
            name: 'apply_patch',
            description: 'Edit files.',
            format: { type: 'grammar', syntax: 'lark', definition: 'start: "*** Begin Patch"' },
          },
        ],
      },
      c,
    );
    const tool = ir.tools![0]!;
    assert.equal(tool.kind, 'function');
    assert.equal(tool.name, 'apply_patch');
    assert.match(tool.description!, /^Edit files\.\n\nThis tool takes free-form text/);
    assert.deepEqual((tool.parameters as { required: string[] }).required, ['input']);
    assert.match(JSON.stringify(tool.parameters), /lark grammar/);
    assert.deepEqual(ir.messages.slice(1), [
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'call_p', name: 'apply_patch', arguments: '{"input":"*** Begin Patch\\n*** End Patch"}' }],
      },
      { role: 'tool', parts: [{ type: 'tool_result', toolCallId: 'call_p', name: 'apply_patch', content: 'Done!' }] },
    ]);
    assert.deepEqual(requestStateOf(c).tools.get('apply_patch'), { name: 'apply_patch', kind: 'custom' });
  });

  it('namespace groups are flattened (namespace__name), calls too; the state restores them', () => {
    const c = ctx();
    const ir = decode(
      {
        input: [
          { role: 'user', content: 'find Ada' },
          { type: 'function_call', call_id: 'c1', name: 'find_contact', namespace: 'crm', arguments: '{"q":"Ada"}' },
          { type: 'function_call_output', call_id: 'c1', output: '{"id":7}' },
        ],
        tools: [
          {
            type: 'namespace',
            name: 'crm',
            description: 'CRM tools',
            tools: [
              { type: 'function', name: 'find_contact', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
              { type: 'custom', name: 'note' },
            ],
          },
        ],
        tool_choice: { type: 'function', name: 'find_contact', namespace: 'crm' },
      },
      c,
    );
    assert.deepEqual(
      ir.tools!.map((t) => t.name),
      ['crm__find_contact', 'crm__note'],
    );
    assert.deepEqual(ir.toolChoice, { name: 'crm__find_contact' });
    assert.equal((ir.messages[1]!.parts[0] as { name: string }).name, 'crm__find_contact');
    assert.deepEqual(requestStateOf(c).tools.get('crm__note'), { name: 'note', kind: 'custom', namespace: 'crm' });
  });

  it('additional_tools input items (Codex’s tool set): their tools join `tools`, not the turns; `functions` names stay bare', () => {
    const c = ctx();
    const exec = {
      type: 'custom',
      name: 'exec',
      description: 'Run JavaScript.',
      format: { type: 'grammar', syntax: 'lark', definition: 'start: SOURCE' },
    };
    const wait = { type: 'function', name: 'wait', parameters: { type: 'object', properties: { cell_id: { type: 'string' } } } };
    const sleep = { type: 'function', name: 'sleep', parameters: { type: 'object', properties: {} } };
    const ir = decode(
      {
        input: [
          {
            type: 'additional_tools',
            id: 'at_1',
            role: 'developer',
            tools: [
              { type: 'namespace', name: 'functions', description: '', tools: [exec, wait] },
              { type: 'namespace', name: 'clock', description: 'Time.', tools: [sleep] },
              { type: 'web_search' },
            ],
          },
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'cat marker.txt' }] },
          { type: 'custom_tool_call', call_id: 'c1', name: 'exec', namespace: 'functions', input: 'text(1)' },
          { type: 'custom_tool_call_output', call_id: 'c1', output: [{ type: 'input_text', text: '1' }] },
          // A later declaration of a tool replaces the earlier one (the backend never sees a name twice).
          {
            type: 'additional_tools',
            role: 'developer',
            tools: [{ type: 'namespace', name: 'clock', tools: [{ ...sleep, description: 'Sleep a while.' }] }],
          },
          { type: 'additional_tools', role: 'developer', tools: [] },
        ],
        tools: [{ type: 'function', name: 'top_level', parameters: { type: 'object', properties: {} } }],
      },
      c,
    );
    assert.deepEqual(
      ir.tools!.map((t) => t.name),
      ['top_level', 'exec', 'wait', 'clock__sleep'],
    );
    assert.equal(ir.tools![3]!.description, 'Sleep a while.');
    assert.deepEqual((ir.tools![1]!.parameters as { required: string[] }).required, ['input'], 'exec: a custom tool, one string');
    assert.deepEqual(
      ir.messages.map((m) => m.role),
      ['user', 'assistant', 'tool'],
      'additional_tools items are not turns',
    );
    assert.deepEqual(ir.messages[1]!.parts, [{ type: 'tool_call', id: 'c1', name: 'exec', arguments: '{"input":"text(1)"}' }]);
    assert.deepEqual(requestStateOf(c).tools.get('exec'), { name: 'exec', kind: 'custom', namespace: 'functions' });
    assert.deepEqual(requestStateOf(c).tools.get('clock__sleep'), { name: 'sleep', kind: 'function', namespace: 'clock' });
    assert.deepEqual(c.droppedTools, ['web_search']);
    assert.ok(!c.droppedFields.some((f) => f.includes('additional_tools')), c.droppedFields.join(', '));

    // Only additional_tools, no `tools`: still the request's tools.
    const only = decode({
      input: [
        { type: 'additional_tools', tools: [wait] },
        { role: 'user', content: 'x' },
      ],
    });
    assert.deepEqual(
      only.tools!.map((t) => t.name),
      ['wait'],
    );
    assert.equal(decode({ input: [{ role: 'user', content: 'x' }] }).tools, undefined);
    rejects400({ input: [{ type: 'additional_tools', tools: 'exec' }] }, 'input[0].tools', /input\[0\]\.tools: expected an array/);
  });

  it('hosted tools are dropped and named in ctx.droppedTools', () => {
    const c = ctx();
    const ir = decode(
      {
        input: 'x',
        tools: [
          { type: 'web_search' },
          { type: 'function', name: 'f', parameters: { type: 'object', properties: {} } },
          { type: 'file_search', vector_store_ids: ['vs_1'] },
          { type: 'code_interpreter', container: { type: 'auto' } },
          { type: 'image_generation' },
          { type: 'computer_use_preview', display_width: 1, display_height: 1, environment: 'linux' },
          { type: 'mcp', server_label: 'deepwiki', server_url: 'https://mcp.deepwiki.com/mcp' },
          { type: 'local_shell' },
        ],
      },
      c,
    );
    assert.deepEqual(
      ir.tools!.map((t) => t.name),
      ['f'],
    );
    assert.deepEqual(c.droppedTools, [
      'web_search',
      'file_search',
      'code_interpreter',
      'image_generation',
      'computer_use_preview',
      'mcp:deepwiki',
      'local_shell',
    ]);
  });

  it('item_reference to the gateway’s own items: self-contained ids give the item back; a streamed id is carried by the next call’s id or left out', () => {
    const rs = selfContainedReasoningId({ text: 'Think.', signature: 'sig-1' });
    const plain = selfContainedReasoningId({ text: 'Plain thought.' });
    const msg = selfContainedMessageId('Checking.');
    const c = ctx();
    const ir = decode(
      {
        input: [
          { role: 'user', content: 'q' },
          { type: 'item_reference', id: rs },
          { type: 'item_reference', id: plain },
          { type: 'item_reference', id: msg },
          { type: 'reasoning', id: rs, summary: [] },
          { type: 'item_reference', id: 'rs_swy0abc00' },
          { type: 'item_reference', id: 'msg_swy0abc01' },
          {
            type: 'function_call',
            call_id: sealCallId(
              'call_1',
              { google: { thoughtSignature: 'g-sig' } },
              { msg_swy0abc01: { type: 'text', text: 'Streamed.' } },
            ),
            name: 'f',
            arguments: '{}',
          },
          { type: 'function_call_output', call_id: sealCallId('call_1', { google: { thoughtSignature: 'g-sig' } }), output: 'ok' },
        ],
      },
      c,
    );
    assert.deepEqual(ir.messages[1], {
      role: 'assistant',
      parts: [
        { type: 'reasoning', text: 'Think.', signature: 'sig-1' },
        { type: 'reasoning', text: 'Plain thought.' },
        { type: 'text', text: 'Checking.' },
        { type: 'reasoning', text: 'Think.', signature: 'sig-1' },
        { type: 'text', text: 'Streamed.' },
        { type: 'tool_call', id: 'call_1', name: 'f', arguments: '{}', providerMetadata: { google: { thoughtSignature: 'g-sig' } } },
      ],
    });
    assert.deepEqual(ir.messages[2], { role: 'tool', parts: [{ type: 'tool_result', toolCallId: 'call_1', name: 'f', content: 'ok' }] });
    assert.ok(
      c.droppedFields.some((f) => f.includes('rs_swy0abc00')),
      c.droppedFields.join(', '),
    );
  });

  it('previous_response_id, item_reference, conversation, stored prompts and background: a 400 naming the limitation', () => {
    rejects400({ input: 'x', previous_response_id: 'resp_1' }, 'previous_response_id', /previous_response_id is not supported.*stateless/s);
    rejects400(
      {
        input: [
          { role: 'user', content: 'a' },
          { type: 'item_reference', id: 'msg_1' },
        ],
      },
      'input[1]',
      /item_reference is not supported/,
    );
    rejects400({ input: 'x', conversation: 'conv_1' }, 'conversation', /conversation is not supported/);
    rejects400({ input: 'x', prompt: { id: 'pmpt_1' } }, 'prompt', /stored prompt template/);
    rejects400({ input: 'x', background: true }, 'background', /background: true is not supported/);
    rejects400({ input: 'x', top_logprobs: 25 }, 'top_logprobs', /from 0 to 20/);
    assert.deepEqual(decode({ input: 'x', top_logprobs: 5 }).logprobs, { top: 5 });
    assert.deepEqual(decode({ input: 'x', include: ['message.output_text.logprobs'] }).logprobs, { top: 0 });
    // A null previous_response_id (some clients send it explicitly) is no request for state.
    assert.equal(decode({ input: 'x', previous_response_id: null }).messages.length, 1);
  });

  it('a missing or malformed input is a 400 naming the field', () => {
    rejects400({}, 'input', /input: required/);
    rejects400({ input: [{ role: 'robot', content: 'x' }] }, 'input[0].role', /expected user, assistant, system or developer/);
    rejects400({ input: [{ type: 'function_call_output', output: 'x' }] }, 'input[0].call_id', /call_id: required/);
  });
});

describe('openai.responses encodeRequest (backend side)', () => {
  it('a chat request as a /v1/responses body: instructions, input items, tools, effort, max_output_tokens, text.format', () => {
    const c = ctx();
    const ir = decodeOpenAIChatRequest(
      {
        model: 'gpt-x',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Weather?' },
          {
            role: 'assistant',
            content: 'Checking.',
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
          },
          { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        ],
        tools: [
          { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
        ],
        tool_choice: 'auto',
        max_tokens: 100,
        temperature: 0.5,
        stop: ['END'],
        reasoning_effort: 'low',
        response_format: { type: 'json_schema', json_schema: { name: 'w', schema: { type: 'object' }, strict: true } },
        stream: true,
      },
      c,
    );
    ir.model = 'gpt-real';
    assert.deepEqual(openaiResponsesCodec.encodeRequest!(ir, c), {
      model: 'gpt-real',
      instructions: 'Be brief.',
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather?' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.' }] },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
      ],
      tools: [
        { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false },
      ],
      tool_choice: 'auto',
      max_output_tokens: 100,
      temperature: 0.5,
      reasoning: { effort: 'low', summary: 'auto' },
      include: ['reasoning.encrypted_content'],
      store: false,
      text: { format: { type: 'json_schema', name: 'w', schema: { type: 'object' }, strict: true } },
      stream: true,
    });
    assert.ok(c.droppedFields.includes('stop'), 'the Responses API has no stop sequences');
  });

  it('tools keep a strict: true the source set, else strict: false; thinking off asks for no summary or encrypted reasoning', () => {
    const c = ctx();
    const params = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
    const body = openaiResponsesCodec.encodeRequest!(
      {
        model: 'm',
        system: [],
        messages: [{ role: 'user', parts: [{ type: 'text', text: 'q' }] }],
        tools: [
          { kind: 'function', name: 'strict_one', parameters: params, strict: true },
          { kind: 'function', name: 'loose_one', parameters: { type: 'object', properties: {} } },
        ],
        thinking: { enabled: false },
        stream: false,
      },
      c,
    );
    assert.deepEqual(
      (body.tools as Array<{ strict?: boolean }>).map((t) => t.strict),
      [true, false],
    );
    assert.deepEqual(body.reasoning, { effort: 'minimal' });
    assert.equal(body.include, undefined);
    assert.equal(body.store, false);
    assert.equal(checkOpenAiResponsesRequest(body), null, 'the strict Responses fake accepts the body');
  });

  it('reasoning is replayed only when it carries the backend’s own encrypted_content', () => {
    const c = ctx();
    const body = openaiResponsesCodec.encodeRequest!(
      {
        model: 'm',
        system: [],
        messages: [
          { role: 'user', parts: [{ type: 'text', text: 'q' }] },
          {
            role: 'assistant',
            parts: [
              { type: 'reasoning', text: 'thought', signature: 'enc-1' },
              { type: 'reasoning', text: 'plain thought' },
              { type: 'text', text: 'a' },
            ],
          },
        ],
        stream: false,
      },
      c,
    );
    assert.deepEqual((body.input as unknown[])[1], {
      type: 'reasoning',
      summary: [],
      content: [{ type: 'reasoning_text', text: 'thought' }],
      encrypted_content: 'enc-1',
    });
    assert.equal((body.input as unknown[]).length, 3);
  });
});
