/** What is measured: the request shapes, the upstream behaviour they need, and their concurrencies. */

/** Which port of the bench upstream serves the scenario. */
export type Pacing = 'fast' | 'paced';

export interface Scenario {
  id: string;
  label: string;
  stream: boolean;
  pacing: Pacing;
  /** Approximate request body size; undefined = a short chat request. */
  bodyBytes?: number;
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

export function scenarios(concurrency: number[]): Scenario[] {
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
  ];
}

export function cellsOf(list: Scenario[]): Cell[] {
  return list.flatMap((scenario) => scenario.concurrency.map((concurrency) => ({ scenario, concurrency })));
}

/** The request body a scenario sends, with the model name the target expects. */
export function requestBody(scenario: Scenario, model: string): Buffer {
  const body: Record<string, unknown> = {
    model,
    messages: [{ role: 'user', content: 'Write a short reply for the Switchyard benchmark.' }],
  };
  if (scenario.stream) body.stream = true;
  if (scenario.bodyBytes) {
    const base = Buffer.byteLength(JSON.stringify(body));
    const words = 'lorem ipsum dolor sit amet consectetur adipiscing elit ';
    const need = Math.max(0, scenario.bodyBytes - base);
    body.messages = [
      { role: 'system', content: words.repeat(Math.ceil(need / words.length)).slice(0, need) },
      ...(body.messages as unknown[]),
    ];
  }
  return Buffer.from(JSON.stringify(body));
}
