/**
 * The soak's upstream: the fake OpenAI-compatible server of @switchyard/testing, with one fault
 * per request chosen by the soak (looked up by the `x-request-id` the gateway forwards).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  destroyMidStream,
  frameSse,
  hang,
  json,
  openAiCompatible,
  sse,
  startFakeUpstream,
  type FakeHandler,
  type FakeUpstream,
  type RecordedRequest,
} from '@switchyard/testing/fake-upstream';

export const FAULTS = ['ok', 'reset', 'stall', 'malformed', '5xx', '429', 'drop'] as const;
export type Fault = (typeof FAULTS)[number];

/** Output tokens of a healthy stream, paced so client aborts land mid-stream. */
const TOKENS = 24;
const TOKENS_PER_SECOND = 400;

function chunk(model: string, delta: Record<string, unknown>, finish: string | null = null): object {
  return {
    id: 'chatcmpl-soak',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
}

function modelOf(record: RecordedRequest): string {
  return typeof record.body?.model === 'string' ? (record.body.model as string) : 'soak';
}

/** Two good chunks, then a `data:` line that is not JSON, then the rest of a normal stream. */
const malformed: FakeHandler = (req, res, record) => {
  const model = modelOf(record);
  const good = frameSse([chunk(model, { role: 'assistant', content: 'Hel' }), chunk(model, { content: 'lo' })], 'data');
  const tail = frameSse([chunk(model, {}, 'stop')], 'openai');
  return sse([...good, 'data: {"id":"chatcmpl-soak","choices":[{"delta":{"content":"x"}\n\n', ...tail], { framing: 'raw', delayMs: 5 })(
    req,
    res,
    record,
  );
};

/** Two chunks, then nothing more: the connection stays open (the gateway's timeout_seconds ends it). */
const stall: FakeHandler = (req, res, record) => {
  const model = modelOf(record);
  return hang({ chunks: frameSse([chunk(model, { role: 'assistant', content: 'Hel' }), chunk(model, { content: 'lo' })], 'data') })(
    req,
    res,
    record,
  );
};

/** The connection is cut once the request is read, before any byte of a response. */
const drop: FakeHandler = (_req: IncomingMessage, res: ServerResponse) => {
  res.socket?.destroy();
};

/**
 * The error bodies follow OpenAI's error object (`{error: {message, type, param, code}}`) and its
 * documented statuses: 429 "Rate limit reached for requests" (`rate_limit_exceeded`) and 503
 * "The server is overloaded" — https://platform.openai.com/docs/guides/error-codes
 */
const HANDLERS: Record<Fault, FakeHandler> = {
  ok: openAiCompatible({ output_tokens: TOKENS, tokens_per_second: TOKENS_PER_SECOND, mock_models: ['soak'] }),
  reset: destroyMidStream(3, { delayMs: 5 }),
  stall,
  malformed,
  '5xx': json(503, { error: { message: 'The server is overloaded or not ready yet.', type: 'server_error', param: null, code: null } }),
  '429': json(
    429,
    { error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
    { 'retry-after': '1' },
  ),
  drop,
};

export interface SoakUpstream {
  readonly fake: FakeUpstream;
  /** Which fault the request with this id gets (forgotten once it arrives). */
  assign(requestId: string, fault: Fault): void;
  /** Open TCP connections to the fake (the gateway's upstream pool). */
  connections(): Promise<number>;
  close(): Promise<void>;
}

export async function startSoakUpstream(): Promise<SoakUpstream> {
  const faults = new Map<string, Fault>();
  const fallback = HANDLERS.ok;
  const fake = await startFakeUpstream((req, res, record) => {
    const id = req.headers['x-request-id'];
    const fault = typeof id === 'string' ? faults.get(id) : undefined;
    if (typeof id === 'string') faults.delete(id);
    return (fault ? HANDLERS[fault] : fallback)(req, res, record);
  });
  // Idle keep-alive connections close after 1 s, so "back to baseline" is reached quickly.
  fake.server.keepAliveTimeout = 1000;
  return {
    fake,
    assign: (requestId, fault) => void faults.set(requestId, fault),
    connections: () => new Promise((resolve, reject) => fake.server.getConnections((err, n) => (err ? reject(err) : resolve(n)))),
    close: () => fake.close(),
  };
}
