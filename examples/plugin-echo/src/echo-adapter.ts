import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { ModelInfo, Protocol, ProviderAdapter, UpstreamCall, UpstreamReply, WireProtocol } from '@switchyard/plugin-sdk';
import type { EchoBackendConfig } from './echo-backend-config.js';
import { chatChunkEvents, chatCompletion, countWords, lastUserText, type EchoAnswer } from './echo-replies.js';

/**
 * One configured `type: echo` backend. It speaks `openai.chat` natively: chat clients pass
 * through; Anthropic Messages and Responses clients are translated to chat by the kernel (with
 * the `openai.chat` codec of the openai plugin) and the answer translated back.
 */
export class EchoAdapter implements ProviderAdapter {
  readonly backendId: string;

  constructor(private readonly config: EchoBackendConfig) {
    this.backendId = config.id;
  }

  wireProtocolFor(ingress: Protocol): WireProtocol | null {
    switch (ingress) {
      case 'openai.chat':
        return 'openai.chat'; // passthrough
      case 'anthropic.messages':
      case 'openai.responses':
        return 'openai.chat'; // translated through the IR
      default:
        return null; // completions, embeddings: a 400 naming the endpoint
    }
  }

  async send(call: UpstreamCall): Promise<UpstreamReply> {
    if (call.operation !== undefined) throw new Error(`the echo backend has no ${call.operation} operation`);
    const text = lastUserText(call.body.messages);
    if (text === null) {
      // An upstream error reply: the kernel maps it to the client's error envelope.
      return json(400, {
        error: { message: 'messages: needs a user message to echo', type: 'invalid_request_error', param: 'messages', code: null },
      });
    }
    const answer: EchoAnswer = {
      id: `chatcmpl-echo-${call.requestId}`,
      model: call.model,
      created: Math.floor(Date.now() / 1000),
      text: this.config.prefix + text,
      promptTokens: countWords(JSON.stringify(call.body.messages)),
    };
    if (!call.stream) return json(200, chatCompletion(answer));
    const options = call.body.stream_options as { include_usage?: unknown } | undefined;
    const events = chatChunkEvents(answer, options?.include_usage === true);
    const pause = this.config.chunk_delay_ms;
    const signal = call.signal;
    async function* paced(): AsyncGenerator<Buffer> {
      let first = true;
      for (const event of events) {
        if (!first && pause > 0) await delay(pause, undefined, { signal }); // rejects once the client went away
        first = false;
        signal.throwIfAborted();
        yield Buffer.from(event);
      }
    }
    return {
      status: 200,
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': answer.id },
      body: Readable.from(paced(), { objectMode: false }),
    };
  }

  async listModels(): Promise<ModelInfo[]> {
    return this.config.echo_models.map((id) => ({ id, owned_by: 'switchyard-example-echo' }));
  }

  async probe(): Promise<void> {}

  async close(): Promise<void> {}
}

function json(status: number, body: unknown): UpstreamReply {
  const bytes = Buffer.from(JSON.stringify(body));
  return {
    status,
    headers: { 'content-type': 'application/json', 'content-length': String(bytes.length) },
    body: Readable.from([bytes]),
  };
}
