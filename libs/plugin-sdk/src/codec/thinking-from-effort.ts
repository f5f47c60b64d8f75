import { GatewayError } from '../errors/gateway-error.js';
import type { IrThinking } from '../ir/ir-request.js';

/**
 * A reasoning effort level (a chat body's `reasoning_effort`, Responses `reasoning.effort`) as IR thinking:
 * `none` off, `minimal` off with its effort kept, `low`/`medium`/`high` on, `xhigh` as `high`.
 * Absent or null → undefined; anything else → 400 naming `field`.
 */
export function thinkingFromEffort(effort: unknown, field: string): IrThinking | undefined {
  switch (effort) {
    case undefined:
    case null:
      return undefined;
    case 'none':
      return { enabled: false };
    case 'minimal':
      return { enabled: false, effort };
    case 'low':
    case 'medium':
    case 'high':
      return { enabled: true, effort };
    case 'xhigh':
      return { enabled: true, effort: 'high' };
    default:
      throw GatewayError.invalidRequest(`${field}: expected 'none', 'minimal', 'low', 'medium' or 'high'`, field);
  }
}
