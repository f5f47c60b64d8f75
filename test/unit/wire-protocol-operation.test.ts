/**
 * The kernel asks an adapter for the wire protocol of a sub-operation (`count_tokens`) with the
 * operation named: a backend that translates the endpoint itself may still take the operation in
 * the client's protocol (passthrough), and one that does not gets the 400 naming the operation.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { parse } from 'yaml';
import {
  buildConfig,
  GatewayPipeline,
  GatewayRuntime,
  PluginRegistry,
  silentLogger,
  type Protocol,
  type ProviderPlugin,
  type UpstreamCall,
} from '@switchyard/kernel';
import { plugin as anthropic } from '@switchyard/plugin-anthropic';

async function pipelineWith(countTokens: boolean) {
  const asked: Array<[Protocol, string | undefined]> = [];
  const sent: UpstreamCall[] = [];
  const plugin: ProviderPlugin = {
    type: 'translating',
    nativeProtocols: [],
    createAdapter: (config) => ({
      backendId: config.id,
      wireProtocolFor: (ingress: Protocol, _model: string, operation?: string) => {
        asked.push([ingress, operation]);
        return operation === 'count_tokens' && countTokens ? ingress : 'openai.chat';
      },
      send(call: UpstreamCall) {
        sent.push(call);
        return Promise.resolve({
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: Readable.from([Buffer.from('{"input_tokens":42}')]),
        });
      },
      close: async () => undefined,
    }),
  };
  const registry = new PluginRegistry().register(anthropic).register(plugin);
  const yaml = 'backends:\n  - { id: t, type: translating, models: ["*"] }\n';
  const { config } = await buildConfig(parse(yaml), { source: 'test.yaml', baseDir: '.', env: {}, registry });
  const runtime = new GatewayRuntime({ config, registry, logger: silentLogger() });
  const pipeline = new GatewayPipeline({ current: () => runtime }, silentLogger());
  const countTokensRequest = () =>
    pipeline.handle({
      protocol: 'anthropic.messages',
      operation: 'count_tokens',
      body: { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
      headers: {},
      requestId: 'r',
      signal: new AbortController().signal,
    });
  return { asked, sent, countTokensRequest };
}

test('wireProtocolFor gets the operation; an adapter that takes count_tokens in the client protocol is sent it', async () => {
  const h = await pipelineWith(true);
  const reply = await h.countTokensRequest();
  assert.equal(reply.status, 200);
  assert.deepEqual(h.asked, [['anthropic.messages', 'count_tokens']]);
  assert.equal(h.sent[0]!.operation, 'count_tokens');
  assert.equal(h.sent[0]!.protocol, 'anthropic.messages');
});

test('an adapter that answers another protocol for the operation: 400 naming the operation, nothing sent', async () => {
  const h = await pipelineWith(false);
  await assert.rejects(h.countTokensRequest(), /count_tokens is not available for backend t/);
  assert.equal(h.sent.length, 0);
});
