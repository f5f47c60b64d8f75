/**
 * The ingress request validators (issue #14 item 4): every documented top-level field of an
 * Anthropic Messages, count_tokens, Responses and OpenAI chat request gets a wrong type (and,
 * where documented, an out-of-range value) and must be a 400 naming that field; a request with
 * every field well-typed, nulls, and unknown fields passes untouched.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGatewayError, type FieldRules } from '@switchyard/kernel';
import {
  ANTHROPIC_COUNT_TOKENS_FIELDS,
  ANTHROPIC_MESSAGES_FIELDS,
  anthropicMessagesCodec,
  validateAnthropicMessagesRequest,
} from '@switchyard/plugin-anthropic';
import {
  OPENAI_CHAT_REQUEST_FIELDS,
  OPENAI_COMPLETIONS_REQUEST_FIELDS,
  OPENAI_EMBEDDINGS_REQUEST_FIELDS,
  openaiChatCodec,
  validateOpenAIChatRequest,
  validateOpenAICompletionsRequest,
  validateOpenAIEmbeddingsRequest,
} from '@switchyard/plugin-openai';
import { openaiResponsesCodec, RESPONSES_REQUEST_FIELDS, validateResponsesRequest } from '@switchyard/plugin-openresponses';

type Body = Record<string, unknown>;

interface Ingress {
  name: string;
  rules: FieldRules;
  validate(body: Body): void;
  /** A request with every field of `rules` set to a valid value. */
  valid: Body;
  /** For each field of `rules`: values it must reject. */
  wrong: Record<string, unknown[]>;
}

const ANTHROPIC_WRONG: Record<string, unknown[]> = {
  model: [42, ['claude']],
  messages: ['hello', [null], [1], {}],
  max_tokens: ['100', -1, 1.5, true],
  system: [123, [null], ['text'], true],
  stream: ['yes', 1],
  stop_sequences: ['END', [1], [null]],
  temperature: ['0.5', false],
  top_p: ['0.9', []],
  top_k: ['5', 2.5],
  tools: [{}, [null], ['get_weather']],
  tool_choice: ['auto', []],
  thinking: ['enabled', true],
  metadata: ['user-1', []],
  output_config: ['json', []],
  cache_control: ['ephemeral', 1],
  container: [1, true],
  context_management: ['auto', []],
  diagnostics: [true, 'x'],
  inference_geo: [1, {}],
  mcp_servers: [{}, [null]],
  output_format: ['json', []],
  service_tier: ['priority', 1],
  speed: ['slow', true],
};

const ANTHROPIC_VALID: Body = {
  model: 'claude-sonnet-4-5',
  messages: [{ role: 'user', content: 'hi' }],
  max_tokens: 0,
  system: [{ type: 'text', text: 'be brief' }],
  stream: false,
  stop_sequences: ['END'],
  temperature: 0.5,
  top_p: 0.9,
  top_k: 5,
  tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
  tool_choice: { type: 'auto' },
  thinking: { type: 'enabled', budget_tokens: 1024 },
  metadata: { user_id: 'u-1' },
  output_config: { effort: 'high' },
  cache_control: { type: 'ephemeral' },
  container: 'container-1',
  context_management: { edits: [] },
  diagnostics: { previous_message_id: 'msg_1' },
  inference_geo: 'us',
  mcp_servers: [{ type: 'url', url: 'https://mcp.example', name: 'm' }],
  output_format: { type: 'json_schema', schema: {} },
  service_tier: 'standard_only',
  speed: 'fast',
};

const RESPONSES_WRONG: Record<string, unknown[]> = {
  model: [7],
  input: [42, [null], ['hello'], {}],
  instructions: [1, ['be brief']],
  stream: ['yes', 0],
  stream_options: ['on', []],
  max_output_tokens: ['100', 2.5],
  max_tool_calls: ['3', 1.5],
  temperature: ['1', -0.1, 2.5],
  top_p: ['0.9'],
  top_logprobs: [-1, 21, 2.5, '3'],
  tools: [{}, [null], ['web_search']],
  tool_choice: ['always', 1, []],
  parallel_tool_calls: ['true', 1],
  text: ['json', []],
  reasoning: ['high', []],
  include: ['reasoning.encrypted_content', [1]],
  metadata: ['x', { a: 1 }, Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']))],
  store: ['false', 0],
  background: ['no', 0],
  previous_response_id: [1, {}],
  conversation: [1, true],
  prompt: ['p', []],
  prompt_cache_key: [1],
  prompt_cache_retention: ['forever', 24],
  safety_identifier: [1, 'x'.repeat(129)],
  service_tier: ['gold', 1],
  truncation: ['yes', true],
  user: [1, {}],
  context_management: [{}, [null]],
};

const RESPONSES_VALID: Body = {
  model: 'gpt-5',
  input: [{ role: 'user', content: 'hi' }],
  instructions: 'be brief',
  stream: true,
  stream_options: { include_obfuscation: false },
  max_output_tokens: 100,
  max_tool_calls: 3,
  temperature: 2,
  top_p: 0.9,
  top_logprobs: 20,
  tools: [{ type: 'function', name: 'f', parameters: {} }],
  tool_choice: 'required',
  parallel_tool_calls: false,
  text: { format: { type: 'text' } },
  reasoning: { effort: 'high' },
  include: ['reasoning.encrypted_content'],
  metadata: { team: 'a' },
  store: false,
  background: false,
  previous_response_id: 'resp_1',
  conversation: { id: 'conv_1' },
  prompt: { id: 'pmpt_1' },
  prompt_cache_key: 'k',
  prompt_cache_retention: '24h',
  safety_identifier: 'user-hash',
  service_tier: 'flex',
  truncation: 'auto',
  user: 'u',
  context_management: [{ type: 'compaction' }],
};

const CHAT_WRONG: Record<string, unknown[]> = {
  model: [1],
  messages: ['hi', [null], {}],
  stream: ['yes'],
  stream_options: [true],
  max_tokens: ['100', 1.5],
  max_completion_tokens: ['100', 1.5],
  temperature: ['0.2'],
  top_p: ['1'],
  top_k: ['20'],
  n: ['2', 1.5],
  stop: [1, [1]],
  seed: ['7', 0.5],
  presence_penalty: ['0'],
  frequency_penalty: ['0'],
  logit_bias: [[1]],
  logprobs: ['true'],
  top_logprobs: ['2', 1.5],
  tools: [[null], {}],
  tool_choice: [1, []],
  parallel_tool_calls: ['false'],
  functions: [[null]],
  function_call: [1],
  response_format: ['json_object'],
  reasoning_effort: [1],
  verbosity: [1],
  modalities: ['text', [1]],
  audio: ['mp3'],
  prediction: ['x'],
  web_search_options: ['on'],
  metadata: ['x'],
  store: ['no'],
  service_tier: [1],
  prompt_cache_key: [1],
  prompt_cache_retention: [24],
  safety_identifier: [1],
  user: [1],
};

const CHAT_VALID: Body = {
  model: 'gpt-4.1',
  messages: [{ role: 'user', content: 'hi' }],
  stream: true,
  stream_options: { include_usage: true },
  max_tokens: 10,
  max_completion_tokens: 10,
  temperature: 0.2,
  top_p: 1,
  top_k: 20,
  n: 1,
  stop: ['END'],
  seed: 7,
  presence_penalty: 0,
  frequency_penalty: 0,
  logit_bias: { '50256': -100 },
  logprobs: true,
  top_logprobs: 2,
  tools: [{ type: 'function', function: { name: 'f' } }],
  tool_choice: 'auto',
  parallel_tool_calls: false,
  functions: [{ name: 'f' }],
  function_call: { name: 'f' },
  response_format: { type: 'json_object' },
  reasoning_effort: 'low',
  verbosity: 'low',
  modalities: ['text'],
  audio: { voice: 'alloy', format: 'mp3' },
  prediction: { type: 'content', content: 'x' },
  web_search_options: {},
  metadata: { a: 'b' },
  store: false,
  service_tier: 'auto',
  prompt_cache_key: 'k',
  prompt_cache_retention: 'in_memory',
  safety_identifier: 's',
  user: 'u',
};

const COMPLETIONS_WRONG: Record<string, unknown[]> = {
  model: [1],
  prompt: [1, [null], [{}]],
  suffix: [1],
  stream: ['yes'],
  stream_options: ['on'],
  max_tokens: ['16', 1.5],
  temperature: ['1'],
  top_p: ['1'],
  n: ['1'],
  best_of: ['1'],
  stop: [1],
  seed: ['1'],
  presence_penalty: ['0'],
  frequency_penalty: ['0'],
  logit_bias: ['x'],
  logprobs: [true, 1.5],
  echo: ['no'],
  user: [1],
};

const COMPLETIONS_VALID: Body = {
  model: 'Qwen/Qwen2.5-Coder',
  prompt: 'def f(',
  suffix: '  return x',
  stream: false,
  stream_options: { include_usage: true },
  max_tokens: 16,
  temperature: 0,
  top_p: 1,
  n: 1,
  best_of: 1,
  stop: '\n\n',
  seed: 1,
  presence_penalty: 0,
  frequency_penalty: 0,
  logit_bias: {},
  logprobs: 2,
  echo: false,
  user: 'u',
};

const EMBEDDINGS_WRONG: Record<string, unknown[]> = {
  model: [1],
  input: [1, [null], [{}]],
  dimensions: ['256', 0, 2.5],
  encoding_format: ['binary', 1],
  user: [1],
};

const EMBEDDINGS_VALID: Body = { model: 'e5', input: [[1, 2, 3]], dimensions: 256, encoding_format: 'base64', user: 'u' };

const INGRESSES: Ingress[] = [
  {
    name: 'anthropic.messages',
    rules: ANTHROPIC_MESSAGES_FIELDS,
    validate: (b) => validateAnthropicMessagesRequest(b),
    valid: ANTHROPIC_VALID,
    wrong: ANTHROPIC_WRONG,
  },
  {
    name: 'anthropic.messages count_tokens',
    rules: ANTHROPIC_COUNT_TOKENS_FIELDS,
    validate: (b) => validateAnthropicMessagesRequest(b, 'count_tokens'),
    valid: Object.fromEntries(Object.keys(ANTHROPIC_COUNT_TOKENS_FIELDS).map((k) => [k, ANTHROPIC_VALID[k]])),
    wrong: Object.fromEntries(Object.keys(ANTHROPIC_COUNT_TOKENS_FIELDS).map((k) => [k, ANTHROPIC_WRONG[k]!])),
  },
  {
    name: 'openai.responses',
    rules: RESPONSES_REQUEST_FIELDS,
    validate: validateResponsesRequest,
    valid: RESPONSES_VALID,
    wrong: RESPONSES_WRONG,
  },
  { name: 'openai.chat', rules: OPENAI_CHAT_REQUEST_FIELDS, validate: validateOpenAIChatRequest, valid: CHAT_VALID, wrong: CHAT_WRONG },
  {
    name: 'openai.completions',
    rules: OPENAI_COMPLETIONS_REQUEST_FIELDS,
    validate: validateOpenAICompletionsRequest,
    valid: COMPLETIONS_VALID,
    wrong: COMPLETIONS_WRONG,
  },
  {
    name: 'openai.embeddings',
    rules: OPENAI_EMBEDDINGS_REQUEST_FIELDS,
    validate: validateOpenAIEmbeddingsRequest,
    valid: EMBEDDINGS_VALID,
    wrong: EMBEDDINGS_WRONG,
  },
];

function rejection(validate: (b: Body) => void, body: Body): { status: number; param: string | null; message: string } | null {
  try {
    validate(body);
    return null;
  } catch (err) {
    assert.ok(isGatewayError(err), `a GatewayError, not ${String(err)}`);
    return { status: err.status, param: err.param, message: err.message };
  }
}

for (const ingress of INGRESSES) {
  describe(`${ingress.name} request validation`, () => {
    it('the tables cover every checked field, and the valid request sets each one', () => {
      assert.deepEqual(Object.keys(ingress.wrong).sort(), Object.keys(ingress.rules).sort());
      assert.deepEqual(Object.keys(ingress.valid).sort(), Object.keys(ingress.rules).sort());
    });

    it('a request with every field well-typed and in range passes, unchanged', () => {
      const body = structuredClone(ingress.valid);
      ingress.validate(body);
      assert.deepEqual(body, ingress.valid);
    });

    it('unknown fields and null values pass', () => {
      const body: Body = { ...ingress.valid, x_vendor_flag: { anything: [1, 'two'] }, repetition_penalty: 1.1 };
      for (const key of Object.keys(ingress.rules)) if (key !== 'messages' && key !== 'input') body[key] = null;
      assert.equal(rejection(ingress.validate, body), null);
    });

    for (const [field, values] of Object.entries(ingress.wrong)) {
      for (const value of values) {
        it(`${field}: ${JSON.stringify(value)?.slice(0, 40)} → 400 naming ${field}`, () => {
          const r = rejection(ingress.validate, { ...ingress.valid, [field]: value });
          assert.ok(r, `${field} = ${JSON.stringify(value)} was accepted`);
          assert.equal(r.status, 400);
          assert.equal(r.param, field);
          assert.match(r.message, new RegExp(`^${field}: expected `));
        });
      }
    }
  });
}

describe('required fields', () => {
  it('messages is required on /v1/messages, count_tokens and /v1/chat/completions', () => {
    for (const validate of [validateAnthropicMessagesRequest, (b: Body) => validateAnthropicMessagesRequest(b, 'count_tokens')]) {
      const r = rejection(validate, { model: 'claude' });
      assert.equal(r?.param, 'messages');
      assert.match(r!.message, /^messages: required, an array of objects/);
    }
    assert.equal(rejection(validateOpenAIChatRequest, { model: 'gpt' })?.param, 'messages');
  });

  it('an embeddings request needs no input (vLLM takes chat-style messages instead)', () => {
    assert.equal(rejection(validateOpenAIEmbeddingsRequest, { model: 'e5', messages: [{ role: 'user', content: 'hi' }] }), null);
  });

  it('a Responses request needs no input (a stored prompt may stand for it)', () => {
    assert.equal(rejection(validateResponsesRequest, { model: 'gpt-5', prompt: { id: 'pmpt_1' } }), null);
  });
});

describe('the codecs expose their validators to the kernel', () => {
  it('anthropic.messages, openai.responses and openai.chat have validateRequest', () => {
    assert.equal(anthropicMessagesCodec.validateRequest, validateAnthropicMessagesRequest);
    assert.equal(openaiResponsesCodec.validateRequest, validateResponsesRequest);
    assert.equal(openaiChatCodec.validateRequest, validateOpenAIChatRequest);
  });
});
