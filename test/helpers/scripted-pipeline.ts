import { parse } from 'yaml';
import {
  buildConfig,
  GatewayPipeline,
  GatewayRuntime,
  PluginRegistry,
  silentLogger,
  type ProtocolCodec,
  type UpstreamCall,
  type UpstreamReply,
} from '@switchyard/kernel';

/**
 * A pipeline over one backend (`s`, every model) of a plugin speaking `openai.chat` whose adapter
 * answers each call with `send`; `codecs` are registered as the client protocols' codecs.
 */
export async function scriptedPipeline(
  send: (call: UpstreamCall) => Promise<UpstreamReply>,
  codecs: ProtocolCodec[] = [],
): Promise<{ pipeline: GatewayPipeline; runtime: GatewayRuntime }> {
  const registry = new PluginRegistry().register({
    type: 'scripted',
    nativeProtocols: ['openai.chat'],
    createAdapter: (config) => ({ backendId: config.id, wireProtocolFor: () => 'openai.chat', send, close: () => Promise.resolve() }),
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
