import { hasErrorMarker, hasObjectMember, parseJsonObject, type IrUsage, type SseEvent, type StreamMeter } from '@switchyard/plugin-sdk';
import { usageFromOpenAI } from './read-openai-usage.js';

type Json = Record<string, unknown>;

const USAGE_KEY = Buffer.from('"usage"');

const nonEmpty = (v: unknown): boolean => (typeof v === 'string' ? v.length > 0 : Array.isArray(v) ? v.length > 0 : false);

function openAIChunkHasContent(chunk: Json): boolean {
  const choices = chunk.choices;
  if (!Array.isArray(choices)) return false;
  for (const c of choices as Json[]) {
    const d = (c?.delta ?? c) as Json | undefined;
    if (!d) continue;
    if (nonEmpty(d.content) || nonEmpty(d.reasoning_content) || nonEmpty(d.reasoning) || nonEmpty(d.tool_calls) || nonEmpty(d.text))
      return true;
  }
  return false;
}

/** Time to first content and usage of an OpenAI chat or completions stream (`data:` chunks, `[DONE]`). */
class OpenAIStreamMeter implements StreamMeter {
  firstContentAt: number | null = null;
  usage: IrUsage | null = null;
  errored = false;

  event(e: SseEvent, now: number): void {
    const data = e.data;
    if (data === '[DONE]') return;
    // OpenAI and DeepSeek put `"usage":null` on every chunk: that one carries no usage either.
    if (this.firstContentAt !== null && !data.includes('"error"') && (!data.includes('"usage"') || data.includes('"usage":null'))) return;
    const chunk = parseJsonObject(data);
    if (!chunk) return;
    if (chunk.error) this.errored = true;
    if (this.firstContentAt === null && openAIChunkHasContent(chunk)) this.firstContentAt = now;
    const u = chunk.usage;
    if (typeof u === 'object' && u !== null) this.usage = usageFromOpenAI(u as Json);
  }

  mayMatter(chunk: Buffer): boolean {
    return hasObjectMember(chunk, USAGE_KEY) || hasErrorMarker(chunk);
  }
}

export function createOpenAIStreamMeter(): StreamMeter {
  return new OpenAIStreamMeter();
}
