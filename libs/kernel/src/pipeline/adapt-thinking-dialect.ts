import type { ThinkingDialect } from '@switchyard/plugin-sdk';
import type { ProtocolCodec } from '@switchyard/plugin-sdk';

/**
 * A translated body says thinking the way its wire protocol's encoder does; a backend may want another
 * dialect of that protocol (its `thinking` setting). The wire codec's ProfileDialect.adaptThinking rewrites the
 * body in place; a codec without one leaves it as encoded.
 */
export function adaptThinkingDialect(
  body: Record<string, unknown>,
  codec: ProtocolCodec | undefined,
  dialect: ThinkingDialect | undefined,
): void {
  codec?.profile?.adaptThinking?.(body, dialect);
}
