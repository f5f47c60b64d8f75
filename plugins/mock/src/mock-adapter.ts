import { setTimeout as delay } from 'node:timers/promises';
import type { ModelInfo, Protocol, ProviderAdapter, UpstreamCall, UpstreamReply, WireProtocol } from '@switchyard/plugin-sdk';
import { MOCK_MODEL_CREATED, type MockSettings } from './mock-settings.js';
import { buildMockReply } from './build-mock-reply.js';
import { MockEventReadable } from './mock-event-readable.js';
import { SingleChunkPlan } from './mock-stream-plan.js';

const NATIVE: ReadonlySet<string> = new Set(['openai.chat', 'openai.completions', 'openai.embeddings']);

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('This operation was aborted', 'AbortError');
}

/**
 * The mock backend: answers in-process with exactly the bytes an OpenAI-compatible server
 * would send, paced by `ttft_ms` and `tokens_per_second`.
 */
export class MockAdapter implements ProviderAdapter {
  constructor(
    readonly backendId: string,
    readonly settings: MockSettings,
  ) {}

  wireProtocolFor(ingress: Protocol, _model?: string): WireProtocol | null {
    if (NATIVE.has(ingress)) return ingress;
    if (ingress === 'anthropic.messages' || ingress === 'openai.responses') return 'openai.chat';
    return null;
  }

  async send(call: UpstreamCall): Promise<UpstreamReply> {
    const signal = call.signal;
    if (signal.aborted) throw abortReason(signal);
    const reply = buildMockReply(call.protocol, call.body, call.model, this.settings, call.stream || call.body.stream === true);
    const headers: Record<string, string> = { 'content-type': reply.contentType, 'x-request-id': reply.requestId };
    let plan = reply.plan;
    if (plan) {
      headers['cache-control'] = 'no-cache';
    } else {
      const body = reply.body ?? '';
      headers['content-length'] = String(Buffer.byteLength(body));
      // A non-streamed reply's headers arrive with its body, once generation is done.
      if (reply.readyInMs > 0) await delay(reply.readyInMs, undefined, { signal });
      plan = new SingleChunkPlan(body);
    }
    return { status: reply.status, headers, body: new MockEventReadable(plan, signal) };
  }

  async listModels(_signal?: AbortSignal): Promise<ModelInfo[]> {
    return this.settings.models.map((id) => ({ id, owned_by: 'switchyard-mock', created: MOCK_MODEL_CREATED }));
  }

  async probe(_signal?: AbortSignal): Promise<void> {}

  async close(): Promise<void> {}
}
