/** What is measured: the request shapes, the upstream behaviour they need, and their concurrencies. */
import { claudeCodeSizedBody, filler } from './large-request-body.js';
import type { LoadSpec } from './load-generator.js';

/**
 * Which port of the bench upstream serves the scenario: `fast` (OpenAI chat, at once), `paced`
 * (OpenAI chat, GAP_MS between events), `burst` (OpenAI chat, BURST_GAP_MS between events) or
 * `anthropic` (Anthropic Messages, at once).
 */
export type Pacing = 'fast' | 'paced' | 'burst' | 'anthropic';

/** The protocol the load generator speaks to the target (its path, body and end-of-stream marker). */
export type ClientProtocol = 'openai.chat' | 'anthropic.messages' | 'openai.responses';

/** Target kinds (see targets.ts), repeated here to keep this module free of imports. */
export type TargetKind = 'direct' | 'switchyard' | 'nginx' | 'floor' | 'fastify' | 'ccr';

export interface Scenario {
  id: string;
  label: string;
  stream: boolean;
  pacing: Pacing;
  /** The client's protocol; default openai.chat. */
  client?: ClientProtocol;
  /** The passthrough scenario a translated lane is compared with (same stream mode, same concurrency). */
  passthrough?: string;
  /** Approximate request body size; undefined = a short chat request. */
  bodyBytes?: number;
  /** The request body is shaped like Claude Code's: a long system prompt and tool definitions. */
  claudeCode?: boolean;
  /** Only these target kinds run the scenario (translation needs Switchyard); default all. */
  only?: TargetKind[];
  /** Probe `/healthz` with a new connection every 100 ms and read the target's event-loop delay. */
  probe?: boolean;
  /** Measured seconds at least (streams that last about a second need a longer phase than --seconds may give). */
  minSeconds?: number;
  concurrency: number[];
}

export interface Cell {
  scenario: Scenario;
  concurrency: number;
}

/** Output tokens of every reply: 20 content chunks when streamed. */
export const CHUNKS = 20;
/** Gap between two streamed chunks on the paced upstream. */
export const GAP_MS = 5;
/** Gap between two streamed chunks on the burst upstream (500 slow streams open at once). */
export const BURST_GAP_MS = 40;
/** Concurrent streams of the burst scenarios. */
export const BURST_STREAMS = 500;
/** Concurrency of the lane and large-body comparisons. */
const LANE_C = [16];

const PATHS: Record<ClientProtocol, string> = {
  'openai.chat': '/v1/chat/completions',
  'anthropic.messages': '/v1/messages',
  'openai.responses': '/v1/responses',
};

/** The last event of a complete stream in each client protocol. */
const STREAM_END: Record<ClientProtocol, string> = {
  'openai.chat': 'data: [DONE]',
  'anthropic.messages': 'event: message_stop',
  'openai.responses': 'event: response.completed',
};

/** What a complete non-streamed reply contains in each client protocol. */
const REPLY_MARK: Record<ClientProtocol, string> = {
  'openai.chat': '"choices"',
  'anthropic.messages': '"stop_reason"',
  'openai.responses': '"output"',
};

export const pathOf = (s: Scenario): string => PATHS[s.client ?? 'openai.chat'];
export const streamEndOf = (s: Scenario): string => STREAM_END[s.client ?? 'openai.chat'];
export const replyMarkOf = (s: Scenario): string => REPLY_MARK[s.client ?? 'openai.chat'];

export function scenarios(concurrency: number[]): Scenario[] {
  const translated: TargetKind[] = ['switchyard'];
  return [
    { id: 'chat', label: 'chat, non-streaming', stream: false, pacing: 'fast', concurrency },
    { id: 'stream-0ms', label: `stream, ${CHUNKS} chunks 0 ms apart`, stream: true, pacing: 'fast', concurrency },
    { id: 'stream-5ms', label: `stream, ${CHUNKS} chunks ${GAP_MS} ms apart`, stream: true, pacing: 'paced', concurrency },
    {
      id: 'body-256k',
      label: '256 KB request body, non-streaming',
      stream: false,
      pacing: 'fast',
      bodyBytes: 256 * 1024,
      concurrency: [16],
    },
    // The translated lanes against the passthrough lane (chat, stream-0ms) at the same concurrency.
    // claude-code-router (`--targets …,ccr`) is the peer on this lane.
    ...lane('anthropic', 'Anthropic client → chat upstream', 'anthropic.messages', 'fast', [...translated, 'ccr']),
    ...lane('to-anthropic', 'OpenAI client → Anthropic upstream', 'openai.chat', 'anthropic', translated),
    ...lane('responses', 'Responses client → chat upstream', 'openai.responses', 'fast', translated),
    {
      id: 'chat-88k',
      label: '88 KB Claude-Code-sized request (system prompt + tools), non-streaming',
      stream: false,
      pacing: 'fast',
      bodyBytes: 88 * 1024,
      claudeCode: true,
      concurrency: LANE_C,
    },
    {
      id: 'anthropic-88k',
      label: '88 KB Claude-Code-sized request, Anthropic client → chat upstream, non-streaming',
      stream: false,
      pacing: 'fast',
      client: 'anthropic.messages',
      passthrough: 'anthropic',
      bodyBytes: 88 * 1024,
      claudeCode: true,
      only: [...translated, 'ccr'],
      concurrency: LANE_C,
    },
    {
      id: 'burst',
      label: `${BURST_STREAMS} open streams, ${CHUNKS} chunks ${BURST_GAP_MS} ms apart`,
      stream: true,
      pacing: 'burst',
      only: ['switchyard', 'floor', 'fastify'],
      probe: true,
      minSeconds: 5,
      concurrency: [BURST_STREAMS],
    },
    {
      id: 'burst-anthropic',
      label: `${BURST_STREAMS} open streams, ${CHUNKS} chunks ${BURST_GAP_MS} ms apart, Anthropic client → chat upstream`,
      stream: true,
      pacing: 'burst',
      client: 'anthropic.messages',
      only: translated,
      probe: true,
      minSeconds: 5,
      concurrency: [BURST_STREAMS],
    },
  ];
}

/** A translated lane: the non-streamed and the streamed scenario, each compared with its passthrough twin. */
function lane(id: string, label: string, client: ClientProtocol, pacing: Pacing, only: TargetKind[]): Scenario[] {
  return [
    { id, label: `${label}, non-streaming`, stream: false, pacing, client, passthrough: 'chat', only, concurrency: LANE_C },
    {
      id: `${id}-stream`,
      label: `${label}, stream, ${CHUNKS} chunks 0 ms apart`,
      stream: true,
      pacing,
      client,
      passthrough: 'stream-0ms',
      only,
      concurrency: LANE_C,
    },
  ];
}

export function cellsOf(list: Scenario[]): Cell[] {
  return list.flatMap((scenario) => scenario.concurrency.map((concurrency) => ({ scenario, concurrency })));
}

/** The request body a scenario sends, with the model name the target expects. */
export function requestBody(scenario: Scenario, model: string): Buffer {
  const client = scenario.client ?? 'openai.chat';
  if (scenario.claudeCode) return claudeCodeSizedBody(client, model, scenario.stream, scenario.bodyBytes ?? 88 * 1024);
  const prompt = 'Write a short reply for the Switchyard benchmark.';
  const body: Record<string, unknown> =
    client === 'openai.responses'
      ? { model, input: prompt }
      : client === 'anthropic.messages'
        ? { model, max_tokens: 64, messages: [{ role: 'user', content: prompt }] }
        : { model, messages: [{ role: 'user', content: prompt }] };
  if (scenario.stream) body.stream = true;
  if (scenario.bodyBytes) {
    const base = Buffer.byteLength(JSON.stringify(body));
    const need = Math.max(0, scenario.bodyBytes - base);
    body.messages = [{ role: 'system', content: filler(need) }, ...(body.messages as unknown[])];
  }
  return Buffer.from(JSON.stringify(body));
}

/** What a load generator sends for `scenario` to a target's endpoint (the rest of a LoadSpec is the caller's). */
export function scenarioRequests(
  scenario: Scenario,
  endpoint: { origin: string; model: string; headers?: Readonly<Record<string, string>> },
): Pick<LoadSpec, 'origin' | 'path' | 'body' | 'stream' | 'streamEnd' | 'headers'> {
  return {
    origin: endpoint.origin,
    path: pathOf(scenario),
    body: requestBody(scenario, endpoint.model),
    stream: scenario.stream,
    streamEnd: streamEndOf(scenario),
    headers: endpoint.headers,
  };
}
