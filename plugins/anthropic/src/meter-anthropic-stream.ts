import { containsAny, parseJsonObject, type IrUsage, type SseEvent, type StreamMeter } from '@switchyard/plugin-sdk';
import { usageFromAnthropic } from './read-anthropic-usage.js';

type Json = Record<string, unknown>;

const ANTHROPIC_CONTENT = new Set(['content_block_delta']);

/** What the meter still reads once content flowed: the usage events and errors (built once, shared by every meter). */
const MAY_MATTER = containsAny([Buffer.from('message_delta'), Buffer.from('message_start'), Buffer.from('error')]);

/** Time to first content and usage of an Anthropic Messages stream (named events; usage on message_start and message_delta). */
class AnthropicStreamMeter implements StreamMeter {
  firstContentAt: number | null = null;
  usage: IrUsage | null = null;
  errored = false;

  event(e: SseEvent, now: number): void {
    const type = e.event;
    if (this.firstContentAt === null && type && ANTHROPIC_CONTENT.has(type)) this.firstContentAt = now;
    if (type === 'error') this.errored = true;
    if (type !== 'message_start' && type !== 'message_delta') {
      if (this.firstContentAt === null && type === 'content_block_start' && e.data.includes('"tool_use"')) this.firstContentAt = now;
      return;
    }
    const json = parseJsonObject(e.data);
    const u = (type === 'message_start' ? (json?.message as Json | undefined)?.usage : json?.usage) as Json | undefined;
    if (u) this.usage = usageFromAnthropic(u, this.usage);
  }

  readonly mayMatter = MAY_MATTER;
}

export function createAnthropicStreamMeter(): StreamMeter {
  return new AnthropicStreamMeter();
}
