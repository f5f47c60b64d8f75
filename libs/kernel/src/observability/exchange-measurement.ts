import { createSseParser, endsAtEventBoundary } from '@switchyard/plugin-sdk';
import type { IrUsage } from '@switchyard/plugin-sdk';
import type { Exchange, ExchangeEnd } from '../pipeline/exchange.js';
import type { StreamMeter } from '@switchyard/plugin-sdk';

/** What one exchange measured, in milliseconds from when the pipeline took it. */
export interface Measurement {
  end: ExchangeEnd;
  durationMs: number;
  ttftMs: number | null;
  usage: IrUsage | null;
  /** Output tokens per second of generation (after the first token for streams). */
  tokensPerSecond: number | null;
  /** Time per output token after the first (streams). */
  timePerOutputTokenMs: number | null;
}

/**
 * The exchange's measurement, shared by every observer (metrics, journal): the stream is read
 * once. Call it from `observe`, before the response starts.
 */
export function measurementOf(exchange: Exchange): Promise<Measurement> {
  return (exchange.measurement ??= measureExchange(exchange)) as Promise<Measurement>;
}

/**
 * Measures an exchange off its side copy: a stream's events through a StreamMeter, or the
 * complete body's usage once the response is out, both read by the client protocol's
 * `usageReader` (none: no usage, no time to first token). Resolves when the exchange ends.
 */
export function measureExchange(exchange: Exchange): Promise<Measurement> {
  let meter: StreamMeter | null = null;
  exchange.onStream((chunks$) => {
    const reader = exchange.usageReader;
    if (!reader) return;
    const m = (meter = reader.meterStream());
    const parser = createSseParser((e) => m.event(e, performance.now()));
    // After the first content, chunks of whole events that cannot carry usage or an error are
    // skipped unparsed; the parser then holds nothing, so skipping never splits an event.
    let clean = true;
    chunks$.subscribe({
      next(chunk) {
        if (clean && m.firstContentAt !== null && endsAtEventBoundary(chunk) && !m.mayMatter(chunk)) return;
        parser.feed(chunk);
        clean = endsAtEventBoundary(chunk);
      },
      complete: () => parser.end(),
      error: () => undefined,
    });
  });
  return exchange.done.then(
    (end) =>
      new Promise<Measurement>((resolve) => {
        // After the response is written: the body parse below never delays the client.
        setImmediate(() => {
          const usage = meter
            ? (meter.usage ?? exchange.upstreamUsage)
            : exchange.responseBody && exchange.usageReader
              ? exchange.usageReader.readBody(exchange.responseBody)
              : null;
          const durationMs = end.endedAt - exchange.startedAt;
          const first = meter?.firstContentAt ?? null;
          const ttftMs = first !== null ? first - exchange.startedAt : null;
          const out = usage?.outputTokens ?? 0;
          let tokensPerSecond: number | null = null;
          let timePerOutputTokenMs: number | null = null;
          // A client abort ends with no error but a partial count: no rate from it.
          if (out > 0 && end.error === null && !end.aborted) {
            const genMs = first !== null ? end.endedAt - first : durationMs;
            if (genMs > 0) tokensPerSecond = (first !== null ? Math.max(out - 1, 1) : out) / (genMs / 1000);
            if (first !== null && out > 1) timePerOutputTokenMs = genMs / (out - 1);
          }
          resolve({ end, durationMs, ttftMs, usage, tokensPerSecond, timePerOutputTokenMs });
        });
      }),
  );
}
