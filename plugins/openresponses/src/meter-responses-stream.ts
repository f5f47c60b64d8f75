import { containsAny, type IrUsage, type SseEvent, type StreamMeter } from '@switchyard/plugin-sdk';
import { readResponsesEventUsage } from './read-responses-usage.js';

const RESPONSES_CONTENT = /^response\.(output_text|reasoning_text|reasoning_summary_text|function_call_arguments|refusal)\.delta$/;

/** What the meter still reads once content flowed: the terminal events (usage) and errors (built once, shared by every meter). */
const MAY_MATTER = containsAny([
  Buffer.from('response.completed'),
  Buffer.from('response.incomplete'),
  Buffer.from('response.failed'),
  Buffer.from('error'),
]);

/** Time to first content and usage of a Responses API stream (usage on its terminal event's response). */
class ResponsesStreamMeter implements StreamMeter {
  firstContentAt: number | null = null;
  usage: IrUsage | null = null;
  errored = false;

  event(e: SseEvent, now: number): void {
    const type = e.event ?? '';
    if (this.firstContentAt === null && RESPONSES_CONTENT.test(type)) this.firstContentAt = now;
    if (type === 'error' || type === 'response.failed') this.errored = true;
    if (type !== 'response.completed' && type !== 'response.incomplete' && type !== 'response.failed') return;
    const u = readResponsesEventUsage(e.data);
    if (u) this.usage = u;
  }

  readonly mayMatter = MAY_MATTER;
}

export function createResponsesStreamMeter(): StreamMeter {
  return new ResponsesStreamMeter();
}
