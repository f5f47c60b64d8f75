import { GatewayError, numberField, type IrRequest, type Json } from '@switchyard/plugin-sdk';

/** OpenAI's `stop` (a string or a list of strings) as a list; anything else is a 400. */
export function decodeStop(stop: unknown): string[] | undefined {
  if (stop === undefined || stop === null) return undefined;
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop) && stop.every((s) => typeof s === 'string')) return stop;
  throw GatewayError.invalidRequest('stop: expected a string or an array of strings', 'stop');
}

/** The request fields decodeOpenAISampling reads. */
export const OPENAI_SAMPLING_FIELDS = [
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'top_k',
  'stop',
  'seed',
  'presence_penalty',
  'frequency_penalty',
] as const;

/**
 * The sampling fields chat and legacy completions share, set on the IR where present:
 * `max_completion_tokens` (chat) or `max_tokens`, `temperature`, `top_p`, `top_k` (vLLM),
 * `stop`, `seed`, `presence_penalty`, `frequency_penalty`.
 */
export function decodeOpenAISampling(body: Json, ir: IrRequest): void {
  const set = <K extends keyof IrRequest>(key: K, value: IrRequest[K] | undefined) => {
    if (value !== undefined) ir[key] = value;
  };
  set('maxTokens', numberField(body, 'max_completion_tokens') ?? numberField(body, 'max_tokens'));
  set('temperature', numberField(body, 'temperature'));
  set('topP', numberField(body, 'top_p'));
  set('topK', numberField(body, 'top_k'));
  set('stop', decodeStop(body.stop));
  set('seed', numberField(body, 'seed'));
  set('presencePenalty', numberField(body, 'presence_penalty'));
  set('frequencyPenalty', numberField(body, 'frequency_penalty'));
}
