import { parse } from 'yaml';
import {
  buildConfig,
  GatewayPipeline,
  GatewayRuntime,
  PluginRegistry,
  silentLogger,
  type Protocol,
  type ProtocolCodec,
  type UpstreamCall,
  type UpstreamReply,
} from '@switchyard/kernel';

/**
 * A pipeline over one backend (`s`, every model) of a plugin speaking `protocols` (default
 * `openai.chat`; each request goes upstream in its own protocol) whose adapter answers each call
 * with `send` and closes with `close`; `codecs` are registered as the client protocols' codecs.
 */
export async function scriptedPipeline(
  send: (call: UpstreamCall) => Promise<UpstreamReply>,
  codecs: ProtocolCodec[] = [],
  options: { protocols?: Protocol[]; close?: () => Promise<void> } = {},
): Promise<{ pipeline: GatewayPipeline; runtime: GatewayRuntime }> {
  const close = options.close ?? (() => Promise.resolve());
  const registry = new PluginRegistry().register({
    type: 'scripted',
    nativeProtocols: options.protocols ?? ['openai.chat'],
    createAdapter: (config) => ({ backendId: config.id, wireProtocolFor: (ingress: Protocol) => ingress, send, close }),
  });
  for (const codec of codecs) registry.registerCodec(codec);
  const { config } = await buildConfig(parse('backends: [{ id: s, type: scripted, models: ["*"] }]'), {
    source: 'test.yaml',
    baseDir: '.',
    env: {},
    registry,
  });
  const runtime = new GatewayRuntime({ config, registry, logger: silentLogger() });
  return { pipeline: new GatewayPipeline({ current: () => runtime }, silentLogger()), runtime };
}
