import type { Attributes, ObservableResult } from '@opentelemetry/api';

interface Row {
  attrs: Attributes;
  value: number;
}

/**
 * Counts by attribute set, kept in-process and read by an observable instrument when the SDK
 * collects. A request costs one map lookup by a key the caller builds cheaply (the fields joined),
 * instead of the SDK sorting and serialising the attribute set on every `add`. The key must
 * determine the attributes; the attribute object is built once per key.
 */
export class CounterTable {
  private readonly rows = new Map<string, Row>();

  add(key: string, attrs: () => Attributes, n = 1): void {
    const row = this.rows.get(key);
    if (row) row.value += n;
    else this.rows.set(key, { attrs: attrs(), value: n });
  }

  /** Observable callback: every row's current value (cumulative for counters, current for gauges). */
  readonly observe = (result: ObservableResult): void => {
    for (const row of this.rows.values()) result.observe(row.value, row.attrs);
  };
}
