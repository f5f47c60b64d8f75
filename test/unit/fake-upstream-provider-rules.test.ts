/**
 * The strict fakes' OpenAI Responses and Gemini rules (libs/testing/src/rules): each rule rejects
 * what the provider documents as a 400, in the provider's envelope, and lets a valid body through;
 * the fake upstream answers a breaking request with that 400 whatever was scripted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkGeminiRequest, checkOpenAiResponsesRequest, checkVertexEmbeddingsRequest } from '@switchyard/testing';
import { json, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';

const closed = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
const open = { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string' } }, required: ['city'] };

function assertOpenAi400(rejection: ReturnType<typeof checkOpenAiResponsesRequest>, param: string, pattern: RegExp): void {
  assert.ok(rejection, 'rejected');
  assert.equal(rejection.status, 400);
  const error = (rejection.body as { error: { message: string; type: string; param: string } }).error;
  assert.equal(error.type, 'invalid_request_error');
  assert.equal(error.param, param);
  assert.match(error.message, pattern);
}

function assertGoogle400(rejection: ReturnType<typeof checkGeminiRequest>, pattern: RegExp): void {
  assert.ok(rejection, 'rejected');
  assert.equal(rejection.status, 400);
  const error = (rejection.body as { error: { code: number; message: string; status: string } }).error;
  assert.equal(error.code, 400);
  assert.equal(error.status, 'INVALID_ARGUMENT');
  assert.match(error.message, pattern);
}

describe('strict fake: OpenAI Responses rules', () => {
  it('function tools are strict unless strict: false; a strict schema is closed and lists every property as required', () => {
    const tool = (parameters: object, strict?: boolean) => ({
      input: 'x',
      tools: [{ type: 'function', name: 'w', parameters, ...(strict === undefined ? {} : { strict }) }],
    });
    assertOpenAi400(checkOpenAiResponsesRequest(tool(open)), 'tools[0].parameters', /additionalProperties/);
    assertOpenAi400(checkOpenAiResponsesRequest(tool(open, true)), 'tools[0].parameters', /additionalProperties/);
    assertOpenAi400(
      checkOpenAiResponsesRequest(tool({ ...open, additionalProperties: false }, true)),
      'tools[0].parameters',
      /Missing 'unit'/,
    );
    const nested = { type: 'object', properties: { loc: open }, required: ['loc'], additionalProperties: false };
    assertOpenAi400(checkOpenAiResponsesRequest(tool(nested)), 'tools[0].parameters', /additionalProperties/);
    assert.equal(checkOpenAiResponsesRequest(tool(open, false)), null);
    assert.equal(checkOpenAiResponsesRequest(tool(closed)), null);
    assert.equal(checkOpenAiResponsesRequest(tool(closed, true)), null);
  });

  it('store: false → item_reference, a bare reasoning id and previous_response_id are 400s; with encrypted_content or store on they pass', () => {
    const ref = { input: [{ type: 'item_reference', id: 'rs_1' }], store: false };
    assertOpenAi400(
      checkOpenAiResponsesRequest(ref),
      'input',
      /Item with id 'rs_1' not found\. Items are not persisted when `store` is set to false/,
    );
    const bare = { input: [{ type: 'reasoning', id: 'rs_2', summary: [] }], store: false };
    assertOpenAi400(checkOpenAiResponsesRequest(bare), 'input', /rs_2/);
    assertOpenAi400(
      checkOpenAiResponsesRequest({ input: 'x', store: false, previous_response_id: 'resp_1' }),
      'previous_response_id',
      /not found/,
    );
    assert.equal(
      checkOpenAiResponsesRequest({ input: [{ type: 'reasoning', id: 'rs_3', summary: [], encrypted_content: 'e' }], store: false }),
      null,
    );
    assert.equal(checkOpenAiResponsesRequest({ input: [{ type: 'reasoning', summary: [], encrypted_content: 'e' }], store: false }), null);
    assert.equal(checkOpenAiResponsesRequest({ ...ref, store: true }), null);
  });
});

describe('strict fake: Gemini generateContent rules', () => {
  const user = (text: string) => ({ role: 'user', parts: [{ text }] });
  const call = (name: string, signature?: string) => ({
    functionCall: { name, args: {} },
    ...(signature ? { thoughtSignature: signature } : {}),
  });
  const answer = (name: string) => ({ functionResponse: { name, response: { ok: true } } });

  it('roles are user or model', () => {
    assertGoogle400(
      checkGeminiRequest({ contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] }, 'gemini-2.5-flash'),
      /valid role: user, model/,
    );
    assertGoogle400(checkGeminiRequest({ contents: [{ role: 'function', parts: [answer('f')] }] }, 'gemini-2.5-flash'), /valid role/);
    assert.equal(
      checkGeminiRequest(
        { contents: [user('hi'), { role: 'model', parts: [{ text: 'yo' }] }, { parts: [{ text: 'x' }] }] },
        'gemini-2.5-flash',
      ),
      null,
    );
  });

  it('function responses answer the function-call turn right before them, one per call', () => {
    const m = 'gemini-2.5-flash';
    assertGoogle400(
      checkGeminiRequest({ contents: [user('q'), { role: 'user', parts: [answer('f')] }] }, m),
      /immediately after a function call turn/,
    );
    const twoCalls = { role: 'model', parts: [call('f'), call('g')] };
    assertGoogle400(
      checkGeminiRequest(
        { contents: [user('q'), twoCalls, { role: 'user', parts: [answer('f')] }, { role: 'user', parts: [answer('g')] }] },
        m,
      ),
      /number of function response parts is equal/,
    );
    assert.equal(checkGeminiRequest({ contents: [user('q'), twoCalls, { role: 'user', parts: [answer('f'), answer('g')] }] }, m), null);
  });

  it('schemas use the Schema fields only (tools and responseSchema)', () => {
    const m = 'gemini-2.5-flash';
    const withParams = (parameters: object) => ({ contents: [user('q')], tools: [{ functionDeclarations: [{ name: 'f', parameters }] }] });
    assertGoogle400(
      checkGeminiRequest(withParams({ type: 'object', properties: { n: { type: 'integer', exclusiveMinimum: 0 } } }), m),
      /Unknown name "exclusiveMinimum" at 'tools\[0\]\.function_declarations\[0\]\.parameters\.properties\[n\]\.value'/,
    );
    assertGoogle400(checkGeminiRequest(withParams({ $schema: 'x', type: 'object' }), m), /Unknown name "\$schema"/);
    assertGoogle400(
      checkGeminiRequest({ contents: [user('q')], generationConfig: { responseSchema: { type: 'array', items: { const: 1 } } } }, m),
      /Unknown name "const" at 'generation_config\.response_schema\.items'/,
    );
    const fine = {
      type: 'object',
      properties: { a: { type: 'string', enum: ['x'], nullable: true }, b: { anyOf: [{ type: 'string' }] } },
      required: ['a'],
    };
    assert.equal(checkGeminiRequest(withParams(fine), m), null);
  });

  it('Gemini 3: each step of the current turn carries a thought signature on its first function call', () => {
    const history = (first: object[]) => ({
      contents: [user('q'), { role: 'model', parts: first }, { role: 'user', parts: [answer('f'), answer('g')] }],
    });
    assertGoogle400(
      checkGeminiRequest(history([call('f'), call('g')]), 'gemini-3-pro-preview'),
      /missing a thought_signature.*default_api:f.*position 1/,
    );
    assert.equal(
      checkGeminiRequest(history([call('f', 'sig'), call('g')]), 'gemini-3-pro-preview'),
      null,
      'parallel calls: only the first is signed',
    );
    assert.equal(checkGeminiRequest(history([call('f', 'skip_thought_signature_validator'), call('g')]), 'gemini-3-flash'), null);
    assert.equal(checkGeminiRequest(history([call('f'), call('g')]), 'gemini-2.5-pro'), null, 'Gemini 2.x does not validate');
    const older = { contents: [...history([call('f'), call('g')]).contents, { role: 'model', parts: [{ text: 'done' }] }, user('next')] };
    assert.equal(checkGeminiRequest(older, 'gemini-3-pro-preview'), null, 'an earlier turn is not validated');
  });
});

describe('strict fake: the fake upstream answers a breaking request with the provider’s 400', () => {
  let up: FakeUpstream;
  before(async () => {
    up = await startFakeUpstream(json(200, { ok: true }));
  });
  after(() => up.close());

  const post = (path: string, body: object) =>
    fetch(`${up.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('Responses and Gemini paths are checked; other paths are not', async () => {
    const responses = await post('/v1/responses', { input: [{ type: 'item_reference', id: 'msg_1' }], store: false });
    assert.equal(responses.status, 400);
    assert.equal(((await responses.json()) as { error: { type: string } }).error.type, 'invalid_request_error');
    const gemini = await post('/v1/projects/p/locations/l/publishers/google/models/gemini-2.5-flash:streamGenerateContent', {
      contents: [{ role: 'assistant', parts: [{ text: 'x' }] }],
    });
    assert.equal(gemini.status, 400);
    assert.equal(((await gemini.json()) as { error: { status: string } }).error.status, 'INVALID_ARGUMENT');
    const chat = await post('/v1/chat/completions', { input: [{ type: 'item_reference', id: 'msg_1' }], store: false });
    assert.equal(chat.status, 200, 'the scripted handler answers what no rule covers');
    assert.equal((await post('/v1/responses', { input: 'hi' })).status, 200);
  });
});

describe('strict fake: Vertex AI text embeddings rules', () => {
  it('instances with content, known task types, the batch limits, a supported outputDimensionality', () => {
    const texts = (n: number) => Array.from({ length: n }, (_, i) => ({ content: `t${i}` }));
    assertGoogle400(checkVertexEmbeddingsRequest({}, 'text-embedding-005'), /instances/);
    assertGoogle400(checkVertexEmbeddingsRequest({ instances: [{ text: 'a' }] }, 'text-embedding-005'), /instances\[0\]\.content/);
    assertGoogle400(
      checkVertexEmbeddingsRequest({ instances: [{ content: 'a', task_type: 'SEARCH' }] }, 'text-embedding-005'),
      /task_type/,
    );
    assertGoogle400(checkVertexEmbeddingsRequest({ instances: texts(251) }, 'text-embedding-005'), /at most 250/);
    assertGoogle400(checkVertexEmbeddingsRequest({ instances: texts(2) }, 'gemini-embedding-001'), /at most 1/);
    assertGoogle400(
      checkVertexEmbeddingsRequest({ instances: texts(1), parameters: { outputDimensionality: 769 } }, 'text-embedding-005'),
      /outputDimensionality/,
    );
    assert.equal(
      checkVertexEmbeddingsRequest({ instances: texts(250), parameters: { outputDimensionality: 768 } }, 'text-embedding-005'),
      null,
    );
    assert.equal(
      checkVertexEmbeddingsRequest(
        { instances: [{ content: 'a', task_type: 'RETRIEVAL_QUERY' }], parameters: { outputDimensionality: 3072 } },
        'gemini-embedding-001',
      ),
      null,
    );
  });
});
