/* eslint-disable @typescript-eslint/no-explicit-any -- tests read fields the SDK types do not declare (thinking_blocks) */
/**
 * aws-bedrock end to end, against the built gateway: a fake Bedrock runtime (test/helpers/fake-bedrock.ts)
 * that verifies every request's SigV4 signature with the AWS SDK's SignatureV4, refuses unknown
 * keys, expired session tokens and non-Converse bodies as Bedrock does, and streams ConverseStream
 * in the real binary event-stream framing. Credentials come from the environment, from a
 * shared-config `profile` (temp AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE), and from a
 * credential_process whose credentials expire every two seconds. Clients are the official
 * `openai` and `@anthropic-ai/sdk` SDKs. Nothing reaches AWS: every endpoint is overridden and
 * instance metadata is disabled.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { startFakeUpstream, type FakeUpstream, type RecordedRequest } from '../helpers/fake-upstream.js';
import { assertAnthropicError, assertOpenAIError, get, post, receivedWithId, rid, waitForJournalLine } from '../helpers/e2e.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';
import { anthropicClient, openaiClient } from '../helpers/anthropic-e2e.js';
import { fakeBedrock, fakeBedrockControlPlane, fakeSecretFor, FAKE_KEY_PREFIX, type ConverseReply } from '../helpers/fake-bedrock.js';

const SONNET = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const NOVA = 'amazon.nova-lite-v1:0';
const ENV_KEY = `${FAKE_KEY_PREFIX}ENV0001`;
const PROFILE_KEY = `${FAKE_KEY_PREFIX}PROFILE1`;
const SIGNATURE = 'EqQBCkYIBhgCIkDsignature-of-the-thinking-block';

const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'weather',
    description: 'Current weather',
    parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  },
};

const THINKING_TOOL_REPLY: ConverseReply = {
  content: [
    { reasoningContent: { reasoningText: { text: 'The user wants the weather; call the tool.', signature: SIGNATURE } } },
    { text: 'Let me check.' },
    { toolUse: { toolUseId: 'tooluse_abc123', name: 'weather', input: { location: 'Paris' } } },
  ],
  stopReason: 'tool_use',
  usage: { inputTokens: 50, outputTokens: 30, totalTokens: 80 },
};

/**
 * Writes a credential_process script: each run issues key `AKIAFAKE<tag><n>` (with the fake's
 * secret) and a session token the fake takes as expired `tokenTtlMs` later, reporting an
 * `Expiration` `expirationMs` away. Returns the script's path.
 */
function writeCredentialProcess(dir: string, tag: string, tokenTtlMs: number, expirationMs: number): string {
  const counter = path.join(dir, `${tag}-issued.txt`);
  const script = path.join(dir, `issue-${tag}.mjs`);
  writeFileSync(counter, '0');
  writeFileSync(
    script,
    `import { readFileSync, writeFileSync } from 'node:fs';
const n = Number(readFileSync(${JSON.stringify(counter)}, 'utf8')) + 1;
writeFileSync(${JSON.stringify(counter)}, String(n));
const id = '${FAKE_KEY_PREFIX}${tag}' + n;
process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: id, SecretAccessKey: 'secret-for-' + id,
  SessionToken: 'fake-session-' + n + '-' + (Date.now() + ${tokenTtlMs}), Expiration: new Date(Date.now() + ${expirationMs}).toISOString() }));
`,
  );
  return script;
}

/** The access key id a signed request used. */
const keyOf = (r: RecordedRequest): string => /Credential=([^/]+)\//.exec(String(r.headers.authorization))?.[1] ?? '';

describe('aws-bedrock backend (fake Bedrock runtime, SigV4 verified)', () => {
  let bedrock: FakeUpstream;
  let controlPlane: FakeUpstream;
  const plane = fakeBedrockControlPlane(
    [
      {
        modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
        providerName: 'Anthropic',
        outputModalities: ['TEXT'],
        inferenceTypesSupported: ['ON_DEMAND'],
      },
      {
        modelId: 'anthropic.claude-v2',
        providerName: 'Anthropic',
        outputModalities: ['TEXT'],
        inferenceTypesSupported: ['ON_DEMAND'],
        status: 'LEGACY',
      },
      {
        modelId: 'anthropic.claude-3-opus-20240229-v1:0',
        providerName: 'Anthropic',
        outputModalities: ['TEXT'],
        inferenceTypesSupported: ['PROVISIONED'],
      },
      {
        modelId: 'amazon.titan-image-generator-v2:0',
        providerName: 'Amazon',
        outputModalities: ['IMAGE'],
        inferenceTypesSupported: ['ON_DEMAND'],
      },
      {
        modelId: 'meta.llama3-1-70b-instruct-v1:0',
        providerName: 'Meta',
        outputModalities: ['TEXT'],
        inferenceTypesSupported: ['ON_DEMAND'],
      },
    ],
    [
      { inferenceProfileId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' },
      { inferenceProfileId: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0' },
    ],
  );
  let gw: RunningGateway;
  let oa: OpenAI;
  let ant: Anthropic;
  let dir: string;
  const script = fakeBedrock();

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'switchyard-aws-'));
    // credential_process: each run issues a new key whose session token expires two seconds later.
    const issuer = writeCredentialProcess(dir, 'ROT', 2000, 2000);
    // One whose sessions Bedrock ends after 1.5 s though the credentials say an hour (a revoked session, a skewed clock).
    const skewIssuer = writeCredentialProcess(dir, 'SKEW', 1500, 3_600_000);
    const configFile = path.join(dir, 'config');
    writeFileSync(
      configFile,
      `[profile rotating]\ncredential_process = ${process.execPath} ${issuer}\n\n[profile skewed]\ncredential_process = ${process.execPath} ${skewIssuer}\n\n` +
        `[profile wrong-key]\nregion = us-east-1\n`,
    );
    const credentialsFile = path.join(dir, 'credentials');
    writeFileSync(
      credentialsFile,
      `[switchyard-test]\naws_access_key_id = ${PROFILE_KEY}\naws_secret_access_key = ${fakeSecretFor(PROFILE_KEY)}\n\n` +
        `[wrong-key]\naws_access_key_id = AKIAUNKNOWNKEY1\naws_secret_access_key = whatever\n`,
    );
    bedrock = await startFakeUpstream(script);
    controlPlane = await startFakeUpstream(plane);
    const backend = (id: string, extra: object) => ({ id, type: 'aws-bedrock', region: 'us-east-1', base_url: bedrock.url, ...extra });
    gw = await startGateway({
      config: {
        logging: { level: 'debug' },
        journal: { enabled: true, path: path.join(dir, 'journal.jsonl') },
        backends: [
          backend('bedrock', { models: ['us.anthropic.claude-*', 'amazon.nova-*', 'denied.*', SONNET] }),
          backend('bedrock-profile', { profile: 'switchyard-test' }),
          backend('bedrock-rotating', { profile: 'rotating' }),
          backend('bedrock-wrong-key', { profile: 'wrong-key' }),
          backend('bedrock-skewed', { profile: 'skewed' }),
          backend('bedrock-nope', { profile: 'no-such-profile' }),
          backend('bedrock-listing', {
            profile: 'switchyard-test',
            control_plane_url: controlPlane.url,
            models: ['anthropic.claude-*', 'us.anthropic.*', 'my.custom-model-v1'],
          }),
          backend('bedrock-listing-refused', {
            profile: 'wrong-key',
            control_plane_url: controlPlane.url,
            models: ['other.*', 'other.fallback-v1'],
          }),
        ],
        routes: [
          { virtual_model: 'via-profile', backend: 'bedrock-profile', real_model: SONNET },
          { virtual_model: 'via-rotating', backend: 'bedrock-rotating', real_model: SONNET },
          { virtual_model: 'via-wrong-key', backend: 'bedrock-wrong-key', real_model: SONNET },
          { virtual_model: 'via-skewed', backend: 'bedrock-skewed', real_model: SONNET },
          { virtual_model: 'via-nope', backend: 'bedrock-nope', real_model: SONNET },
          { virtual_model: 'sonnet-thinker', backend: 'bedrock', real_model: SONNET, clamp: { enable_thinking: true } },
          {
            virtual_model: 'nova-ha',
            strategy: 'failover',
            targets: [
              { backend: 'bedrock', real_model: 'amazon.nova-notready-v1:0' },
              { backend: 'bedrock-profile', real_model: NOVA },
            ],
          },
        ],
      },
      env: {
        AWS_ACCESS_KEY_ID: ENV_KEY,
        AWS_SECRET_ACCESS_KEY: fakeSecretFor(ENV_KEY),
        AWS_SESSION_TOKEN: undefined,
        AWS_PROFILE: undefined,
        AWS_REGION: undefined,
        AWS_CONFIG_FILE: configFile,
        AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
        AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
      },
    });
    oa = openaiClient(gw.url);
    ant = anthropicClient(gw.url);
  });

  after(async () => {
    await gw?.stop();
    await bedrock?.close();
    await controlPlane?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('Converse (not streamed)', () => {
    it('OpenAI client: signed request to /model/{id}/converse with env credentials, Converse body, answer with usage', async () => {
      const id = rid('br-oa-json');
      const completion = await oa.chat.completions.create(
        {
          model: SONNET,
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'Hello?' },
          ],
          temperature: 0.3,
          max_tokens: 300,
          stop: ['END'],
        },
        { headers: { 'x-request-id': id } },
      );
      assert.equal(completion.choices[0]!.message.content, 'Hello from the fake Bedrock.');
      assert.equal(completion.choices[0]!.finish_reason, 'stop');
      // Bedrock's inputTokens leave the cache out; the client's prompt count has them: 12 + 3 read + 2 written.
      assert.equal(completion.usage!.prompt_tokens, 17);
      assert.equal(completion.usage!.completion_tokens, 7);
      const got = await receivedWithId(bedrock, id);
      assert.equal(got.path, `/model/${encodeURIComponent(SONNET)}/converse`);
      assert.equal(keyOf(got), ENV_KEY);
      assert.match(String(got.headers.authorization), /^AWS4-HMAC-SHA256 Credential=\w+\/\d{8}\/us-east-1\/bedrock\/aws4_request/);
      assert.equal(got.headers['x-amz-security-token'], undefined);
      assert.deepEqual(got.body, {
        messages: [{ role: 'user', content: [{ text: 'Hello?' }] }],
        system: [{ text: 'Be brief.' }],
        inferenceConfig: { maxTokens: 300, temperature: 0.3, stopSequences: ['END'] },
      });
      assert.equal(script.refused.length, 0, JSON.stringify(script.refused));
    });

    it('Anthropic client, tools and thinking: reasoningContent (signed), text and toolUse come back as blocks; the next turn carries them back', async () => {
      const id = rid('br-ant-tools');
      script.on(id, { reply: THINKING_TOOL_REPLY });
      const message = await ant.messages.create(
        {
          model: SONNET,
          max_tokens: 4000,
          thinking: { type: 'enabled', budget_tokens: 2048 },
          tools: [{ name: 'weather', description: 'Current weather', input_schema: WEATHER_TOOL.function.parameters as any }],
          messages: [{ role: 'user', content: 'Weather in Paris?' }],
        },
        { headers: { 'x-request-id': id } },
      );
      assert.equal(message.stop_reason, 'tool_use');
      assert.deepEqual(
        message.content.map((b) => b.type),
        ['thinking', 'text', 'tool_use'],
      );
      assert.equal((message.content[0] as any).signature, SIGNATURE);
      assert.deepEqual((message.content[2] as any).input, { location: 'Paris' });
      assert.equal((message.content[2] as any).id, 'tooluse_abc123');
      const got = await receivedWithId(bedrock, id);
      assert.deepEqual(got.body.additionalModelRequestFields, { thinking: { type: 'enabled', budget_tokens: 2048 } });
      assert.deepEqual(got.body.toolConfig, {
        tools: [{ toolSpec: { name: 'weather', description: 'Current weather', inputSchema: { json: WEATHER_TOOL.function.parameters } } }],
      });
      assert.equal(got.body.inferenceConfig.temperature, undefined);

      const next = rid('br-ant-tools-2');
      await ant.messages.create(
        {
          model: SONNET,
          max_tokens: 4000,
          thinking: { type: 'enabled', budget_tokens: 2048 },
          tools: [{ name: 'weather', description: 'Current weather', input_schema: WEATHER_TOOL.function.parameters as any }],
          messages: [
            { role: 'user', content: 'Weather in Paris?' },
            { role: 'assistant', content: message.content as any },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tooluse_abc123', content: '18°C, sunny' }] },
          ],
        },
        { headers: { 'x-request-id': next } },
      );
      const second = await receivedWithId(bedrock, next);
      assert.deepEqual(second.body.messages[1], {
        role: 'assistant',
        content: [
          { reasoningContent: { reasoningText: { text: 'The user wants the weather; call the tool.', signature: SIGNATURE } } },
          { text: 'Let me check.' },
          { toolUse: { toolUseId: 'tooluse_abc123', name: 'weather', input: { location: 'Paris' } } },
        ],
      });
      assert.deepEqual(second.body.messages[2], {
        role: 'user',
        content: [{ toolResult: { toolUseId: 'tooluse_abc123', content: [{ text: '18°C, sunny' }] } }],
      });
    });

    it('a guardrail intervention is a content_filter finish for an OpenAI client', async () => {
      const id = rid('br-guard');
      script.on(id, { reply: { content: [{ text: 'Sorry, I cannot help with that.' }], stopReason: 'guardrail_intervened' } });
      const completion = await oa.chat.completions.create(
        { model: NOVA, messages: [{ role: 'user', content: 'x' }] },
        { headers: { 'x-request-id': id } },
      );
      assert.equal(completion.choices[0]!.finish_reason, 'content_filter');
    });
  });

  describe('count_tokens', () => {
    it('Anthropic client: /v1/messages/count_tokens → CountTokens (converse input), input_tokens back', async () => {
      const id = rid('br-count');
      const result = await ant.messages.countTokens(
        {
          model: SONNET,
          system: 'You are terse.',
          messages: [{ role: 'user', content: 'How many words are in this question?' }],
        },
        { headers: { 'x-request-id': id } },
      );
      // The fake counts words: 3 in the system prompt, 7 in the message.
      assert.equal(result.input_tokens, 10);
      const got = await receivedWithId(bedrock, id);
      assert.equal(got.path, `/model/${encodeURIComponent(SONNET)}/count-tokens`);
      assert.deepEqual(got.body, {
        input: {
          converse: {
            messages: [{ role: 'user', content: [{ text: 'How many words are in this question?' }] }],
            system: [{ text: 'You are terse.' }],
          },
        },
      });
    });
  });

  describe('Responses API clients', () => {
    it('POST /v1/responses, not streamed and streamed, reaches Converse', async () => {
      const id = rid('br-resp');
      const reply = await post(`${gw.url}/v1/responses`, { model: NOVA, input: 'Hi', instructions: 'Be brief.' }, { 'x-request-id': id });
      assert.equal(reply.status, 200, reply.text);
      const body = reply.json();
      assert.equal(body.output.find((o: any) => o.type === 'message').content[0].text, 'Hello from the fake Bedrock.');
      const got = await receivedWithId(bedrock, id);
      assert.deepEqual(got.body.system, [{ text: 'Be brief.' }]);
      assert.deepEqual(got.body.messages, [{ role: 'user', content: [{ text: 'Hi' }] }]);

      const sid = rid('br-resp-sse');
      const streamed = await post(`${gw.url}/v1/responses`, { model: NOVA, input: 'Hi', stream: true }, { 'x-request-id': sid });
      assert.equal(streamed.status, 200, streamed.text);
      assert.match(streamed.text, /event: response\.completed/);
      assert.equal((await receivedWithId(bedrock, sid)).path, `/model/${encodeURIComponent(NOVA)}/converse-stream`);
    });
  });

  describe('ConverseStream (binary event stream)', () => {
    it('OpenAI client, streamed: /converse-stream, text deltas, finish and usage', async () => {
      const id = rid('br-oa-sse');
      const stream = await oa.chat.completions.create(
        { model: SONNET, messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true } },
        { headers: { 'x-request-id': id } },
      );
      let text = '';
      let finish: string | null = null;
      let usage: any = null;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usage = chunk.usage;
      }
      assert.equal(text, 'Hello from the fake Bedrock.');
      assert.equal(finish, 'stop');
      assert.equal(usage.prompt_tokens, 17);
      assert.equal(usage.completion_tokens, 7);
      const got = await receivedWithId(bedrock, id);
      assert.equal(got.path, `/model/${encodeURIComponent(SONNET)}/converse-stream`);
      assert.equal(got.headers.accept, 'application/vnd.amazon.eventstream');
      assert.ok(got.chunksSent > 3);
    });

    it('Anthropic client, streamed with thinking and a tool: thinking (signed), text, tool_use events in order', async () => {
      const id = rid('br-ant-sse');
      script.on(id, { reply: THINKING_TOOL_REPLY });
      const stream = ant.messages.stream(
        {
          model: SONNET,
          max_tokens: 4000,
          thinking: { type: 'enabled', budget_tokens: 2048 },
          tools: [{ name: 'weather', description: 'Current weather', input_schema: WEATHER_TOOL.function.parameters as any }],
          messages: [{ role: 'user', content: 'Weather in Paris?' }],
        },
        { headers: { 'x-request-id': id } },
      );
      const final = await stream.finalMessage();
      assert.deepEqual(
        final.content.map((b) => b.type),
        ['thinking', 'text', 'tool_use'],
      );
      assert.equal((final.content[0] as any).thinking, 'The user wants the weather; call the tool.');
      assert.equal((final.content[0] as any).signature, SIGNATURE);
      assert.equal((final.content[1] as any).text, 'Let me check.');
      assert.deepEqual((final.content[2] as any).input, { location: 'Paris' });
      assert.equal(final.stop_reason, 'tool_use');
      assert.equal(final.usage.output_tokens, 30);
    });

    it("Claude Code's request shape (?beta=true, beta headers, cached system blocks, metadata, tools, thinking, streamed) reaches ConverseStream", async () => {
      const id = rid('br-claude-code');
      const reply = await post(
        `${gw.url}/v1/messages?beta=true`,
        {
          model: SONNET,
          max_tokens: 32000,
          stream: true,
          thinking: { type: 'enabled', budget_tokens: 31999 },
          metadata: { user_id: 'user_abc_account_def_session_ghi' },
          system: [
            { type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude." },
            { type: 'text', text: 'Project instructions…', cache_control: { type: 'ephemeral' } },
          ],
          tools: [
            { name: 'Bash', description: 'Run a command', input_schema: { type: 'object', properties: { command: { type: 'string' } } } },
          ],
          messages: [{ role: 'user', content: [{ type: 'text', text: 'list files', cache_control: { type: 'ephemeral' } }] }],
        },
        { 'x-request-id': id, 'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14', 'anthropic-version': '2023-06-01' },
      );
      assert.equal(reply.status, 200, reply.text);
      assert.match(reply.text, /event: message_stop/);
      const got = await receivedWithId(bedrock, id);
      assert.equal(got.path, `/model/${encodeURIComponent(SONNET)}/converse-stream`);
      assert.equal(got.query, '');
      assert.equal(got.headers['anthropic-beta'], undefined);
      assert.deepEqual(got.body.system, [
        { text: "You are Claude Code, Anthropic's official CLI for Claude." },
        { text: 'Project instructions…' },
        { cachePoint: { type: 'default' } },
      ]);
      assert.deepEqual(got.body.messages[0].content, [{ text: 'list files' }, { cachePoint: { type: 'default' } }]);
      assert.deepEqual(got.body.inferenceConfig, { maxTokens: 32000 });
      assert.deepEqual(got.body.additionalModelRequestFields, { thinking: { type: 'enabled', budget_tokens: 31999 } });
      assert.equal(got.body.toolConfig.tools[0].toolSpec.name, 'Bash');
    });

    it('an exception event mid-stream ends the stream with an error event in the client protocol', async () => {
      const id = rid('br-exc');
      script.on(id, {
        reply: { content: [{ text: 'This answer will be cut short by throttling.' }], stopReason: 'end_turn' },
        streamException: { afterEvents: 3, type: 'throttlingException', message: 'Too many tokens, please wait.' },
      });
      const reply = await post(
        `${gw.url}/v1/messages`,
        { model: SONNET, max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'x' }] },
        { 'x-request-id': id },
      );
      assert.equal(reply.status, 200);
      const events = reply.text.split('\n').filter((l) => l.startsWith('event: '));
      assert.equal(events.at(-1), 'event: error');
      const last = JSON.parse(
        reply.text
          .trim()
          .split('\n')
          .at(-1)!
          .replace(/^data: /, ''),
      );
      assert.equal(last.error.type, 'rate_limit_error');
      assert.match(last.error.message, /throttlingException: Too many tokens, please wait\./);
      assert.ok(!reply.text.includes('message_stop'));
      // Recorded as the failure the client saw, not as the 200 the stream started with.
      const line = await waitForJournalLine(path.join(dir, 'journal.jsonl'), id);
      assert.equal(line.status, 502);
      assert.match(line.error, /throttlingException: Too many tokens/);

      const oid = rid('br-exc-oa');
      script.on(oid, {
        reply: { content: [{ text: 'cut' }], stopReason: 'end_turn' },
        streamException: { afterEvents: 1, type: 'modelStreamErrorException', message: 'The model stream failed.' },
      });
      const stream = await oa.chat.completions.create(
        { model: SONNET, messages: [{ role: 'user', content: 'x' }], stream: true },
        { headers: { 'x-request-id': oid } },
      );
      await assert.rejects(
        (async () => {
          for await (const _ of stream) void _;
        })(),
        /modelStreamErrorException: The model stream failed\./,
      );
    });
  });

  describe('errors', () => {
    const cases: [string, number, string, RegExp][] = [
      ['ThrottlingException', 429, 'Too many requests, please wait before trying again.', /ThrottlingException: Too many requests/],
      ['ValidationException', 400, 'The model returned the following errors: messages: roles must alternate', /roles must alternate/],
      ['ModelNotReadyException', 503, 'Model is not ready to serve inference requests.', /ModelNotReadyException/],
      ['ServiceUnavailableException', 503, 'Service unavailable.', /ServiceUnavailableException/],
      ['ModelTimeoutException', 504, 'Model has timed out in processing the request.', /ModelTimeoutException/],
    ];
    for (const [type, status, message, pattern] of cases) {
      it(`${type} → ${status} in the client's envelope, with Bedrock's message`, async () => {
        const id = rid('br-err');
        const bedrockStatus: Record<string, number> = {
          ThrottlingException: 429,
          ValidationException: 400,
          ModelNotReadyException: 429,
          ServiceUnavailableException: 503,
          ModelTimeoutException: 408,
        };
        script.on(id, { fault: { status: bedrockStatus[type]!, type, message } });
        const reply = await post(
          `${gw.url}/v1/chat/completions`,
          { model: NOVA, messages: [{ role: 'user', content: 'x' }] },
          { 'x-request-id': id },
        );
        assertOpenAIError(reply, status, pattern);
        if (status === 429) assert.equal(reply.headers.get('retry-after'), '1');
      });
    }

    it('ModelNotReadyException on the first target of a failover route: the next target answers', async () => {
      script.onModel('amazon.nova-notready-v1:0', {
        fault: { status: 429, type: 'ModelNotReadyException', message: 'Model is not ready to serve inference requests.' },
      });
      const id = rid('br-failover');
      const reply = await post(
        `${gw.url}/v1/chat/completions`,
        { model: 'nova-ha', messages: [{ role: 'user', content: 'x' }] },
        { 'x-request-id': id },
      );
      assert.equal(reply.status, 200, reply.text);
      const attempts = bedrock.requests.filter((r) => r.headers['x-request-id'] === id);
      assert.deepEqual(
        attempts.map((r) => [r.path, keyOf(r)]),
        [
          [`/model/${encodeURIComponent('amazon.nova-notready-v1:0')}/converse`, ENV_KEY],
          [`/model/${encodeURIComponent(NOVA)}/converse`, PROFILE_KEY],
        ],
      );
    });

    it('a key Bedrock does not know → 502 "backend X rejected the gateway\'s credentials"', async () => {
      const reply = await post(`${gw.url}/v1/messages`, {
        model: 'via-wrong-key',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'x' }],
      });
      const error = assertAnthropicError(reply, 502);
      assert.match(error.message, /backend bedrock-wrong-key rejected the gateway's credentials \(UnrecognizedClientException/);
    });

    it('AccessDenied for a model → 502 naming the backend and the model', async () => {
      script.deny('denied.model-v1');
      const reply = await post(`${gw.url}/v1/chat/completions`, { model: 'denied.model-v1', messages: [{ role: 'user', content: 'x' }] });
      assertOpenAIError(reply, 502, /backend bedrock is not allowed to use model denied\.model-v1 on Bedrock \(AccessDeniedException/);
    });

    it('an unknown profile → 502 naming the profile key', async () => {
      const reply = await post(`${gw.url}/v1/chat/completions`, { model: 'via-nope', messages: [{ role: 'user', content: 'x' }] });
      assertOpenAIError(
        reply,
        502,
        /backend bedrock-nope: profile: "no-such-profile" is in neither the AWS config file nor the credentials file/,
      );
    });

    it('an image by URL (Converse takes bytes only) → 400 before anything is sent', async () => {
      const before = bedrock.requests.length;
      const reply = await post(`${gw.url}/v1/chat/completions`, {
        model: NOVA,
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }],
      });
      assertOpenAIError(reply, 400, /Bedrock takes the bytes of an image, not a URL/);
      assert.equal(bedrock.requests.length, before);
    });
  });

  describe('credentials', () => {
    it("from a shared-config profile: the profile's key signs the request (the environment's is not used)", async () => {
      const id = rid('br-profile');
      await oa.chat.completions.create(
        { model: 'via-profile', messages: [{ role: 'user', content: 'x' }] },
        { headers: { 'x-request-id': id } },
      );
      assert.equal(keyOf(await receivedWithId(bedrock, id)), PROFILE_KEY);
    });

    it('credentials that expire mid-test are refreshed by the SDK provider: no request fails', async () => {
      const used: string[] = [];
      for (let i = 0; i < 7; i++) {
        const id = rid('br-rot');
        const reply = await post(
          `${gw.url}/v1/chat/completions`,
          { model: 'via-rotating', messages: [{ role: 'user', content: 'x' }] },
          { 'x-request-id': id },
        );
        assert.equal(reply.status, 200, reply.text);
        const got = await receivedWithId(bedrock, id);
        used.push(keyOf(got));
        assert.match(String(got.headers['x-amz-security-token']), /^fake-session-\d+-\d+$/);
        await delay(600);
      }
      // Seven requests over ~4 s with two-second credentials: at least two keys were issued and used.
      assert.ok(new Set(used).size >= 2, `keys used: ${used.join(', ')}`);
      assert.ok(!script.refused.some((r) => r.fault.type === 'ExpiredTokenException'), JSON.stringify(script.refused));
    });

    it('ExpiredTokenException for credentials the SDK still holds valid: one forced refresh and a retry, the client sees 200', async () => {
      const first = rid('br-skew-1');
      const ok = await post(
        `${gw.url}/v1/chat/completions`,
        { model: 'via-skewed', messages: [{ role: 'user', content: 'x' }] },
        { 'x-request-id': first },
      );
      assert.equal(ok.status, 200, ok.text);
      assert.equal(keyOf(await receivedWithId(bedrock, first)), `${FAKE_KEY_PREFIX}SKEW1`);
      await delay(1700);
      const second = rid('br-skew-2');
      const reply = await post(
        `${gw.url}/v1/chat/completions`,
        { model: 'via-skewed', messages: [{ role: 'user', content: 'x' }] },
        { 'x-request-id': second },
      );
      assert.equal(reply.status, 200, reply.text);
      const attempts = bedrock.requests.filter((r) => r.headers['x-request-id'] === second);
      assert.deepEqual(
        attempts.map((r) => keyOf(r)),
        [`${FAKE_KEY_PREFIX}SKEW1`, `${FAKE_KEY_PREFIX}SKEW2`],
      );
    });

    it('no secret reaches the logs', () => {
      const logs = gw.stdout() + gw.stderr();
      assert.ok(!logs.includes(fakeSecretFor(ENV_KEY)));
      assert.ok(!logs.includes(fakeSecretFor(PROFILE_KEY)));
      assert.ok(!/secret-for-AKIAFAKEROT/.test(logs));
    });
  });

  it('/v1/models: the literal names of a backend without a control plane; from ListFoundationModels / ListInferenceProfiles what the globs admit', async () => {
    const reply = await get(`${gw.url}/v1/models`);
    const models = reply.json().data as { id: string; owned_by: string }[];
    const ids = models.map((m) => m.id);
    assert.ok(ids.includes(SONNET), ids.join(', '));
    assert.ok(!ids.includes('us.anthropic.claude-*'));
    // bedrock-listing: active, on-demand, text foundation models and active inference profiles its globs admit, plus its literal name.
    assert.ok(ids.includes('anthropic.claude-3-5-haiku-20241022-v1:0'), ids.join(', '));
    assert.equal(models.find((m) => m.id === 'anthropic.claude-3-5-haiku-20241022-v1:0')!.owned_by, 'Anthropic');
    assert.ok(ids.includes('my.custom-model-v1'), ids.join(', '));
    for (const absent of [
      'anthropic.claude-v2',
      'anthropic.claude-3-opus-20240229-v1:0',
      'amazon.titan-image-generator-v2:0',
      'meta.llama3-1-70b-instruct-v1:0',
      'eu.anthropic.claude-sonnet-4-5-20250929-v1:0',
    ])
      assert.ok(!ids.includes(absent), `${absent} listed`);
    // Signed GETs (verified by the fake), with the documented filters.
    // (only the wrong-key backend's requests are refused, and for its key)
    assert.deepEqual([...new Set(plane.refused.map((f) => f.type))], ['UnrecognizedClientException']);
    const paths = controlPlane.requests.map((r) => r.url);
    assert.ok(paths.includes('/foundation-models?byInferenceType=ON_DEMAND&byOutputModality=TEXT'), paths.join(', '));
    assert.ok(paths.includes('/inference-profiles?maxResults=1000'), paths.join(', '));
    assert.ok(controlPlane.requests.some((r) => keyOf(r) === PROFILE_KEY));
    // A control plane that refuses the credentials: the literal names, and a warning saying why.
    assert.ok(ids.includes('other.fallback-v1'), ids.join(', '));
    await gw.waitForOutput(/backend bedrock-listing-refused: could not list Bedrock models \(GET \/foundation-models answered 403/);
  });
});
