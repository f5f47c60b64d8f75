import {
  asNumber,
  asString,
  GatewayError,
  isObject,
  ndjsonFraming,
  parseJson,
  type IrFinishReason,
  type IrMessage,
  type IrStreamEvent,
  type IrUsage,
  type ProtocolCodec,
} from '@switchyard/plugin-sdk';

/** The wire protocol of Acme's `POST /generate`. */
export const ACME_GENERATE = 'acme.generate';

const textOf = (m: IrMessage): string => m.parts.map((p) => (p.type === 'text' ? p.text : '')).join('');
const finishOf = (finish: unknown): IrFinishReason => (finish === 'length' ? 'length' : 'stop');
const usageOf = (tokens: unknown): IrUsage | undefined =>
  isObject(tokens) ? { inputTokens: asNumber(tokens.in) ?? 0, outputTokens: asNumber(tokens.out) ?? 0 } : undefined;

/** Acme's generate API: a JSON request, a JSON reply, or an NDJSON stream (one JSON object a line). */
export const acmeCodec: ProtocolCodec = {
  protocol: ACME_GENERATE,

  encodeRequest(ir, ctx) {
    if (ir.tools?.length) ctx.dropped('tools');
    for (const m of [...ir.system, ...ir.messages]) for (const p of m.parts) if (p.type !== 'text') ctx.dropped(p.type);
    return {
      model: ir.model,
      messages: [...ir.system, ...ir.messages].map((m) => ({ role: m.role, content: textOf(m) })),
      ...(ir.maxTokens !== undefined ? { max_new_tokens: ir.maxTokens } : {}),
      ...(ir.temperature !== undefined ? { temperature: ir.temperature } : {}),
    };
  },

  decodeResponse(body, ctx) {
    if (!isObject(body) || typeof body.text !== 'string')
      throw GatewayError.badGateway('the backend sent a reply without text', 'upstream_malformed');
    return {
      id: asString(body.id) ?? ctx.requestId,
      model: ctx.clientModel,
      parts: [{ type: 'text', text: body.text }],
      finishReason: finishOf(body.finish),
      usage: usageOf(body.tokens),
    };
  },

  // The kernel splits the reply into lines; each line reaches the decoder as one event's `data`.
  streamFraming: ndjsonFraming('application/x-ndjson'),

  createStreamDecoder(ctx) {
    let started = false;
    let done = false;
    return {
      push(event) {
        const line = parseJson(event.data);
        const out: IrStreamEvent[] = [];
        if (!started) {
          started = true;
          out.push({ type: 'start', id: ctx.requestId, model: ctx.clientModel });
        }
        if (!isObject(line) || typeof line.error === 'string') {
          done = true;
          const message = isObject(line) ? String(line.error) : 'the backend sent a line that is not a JSON object';
          out.push({ type: 'error', status: 502, errorType: 'upstream', message });
          return out;
        }
        const delta = asString(line.delta);
        if (delta) out.push({ type: 'text_delta', text: delta });
        if (line.done === true) {
          done = true;
          const usage = usageOf(line.tokens);
          if (usage) out.push({ type: 'usage', usage });
          out.push({ type: 'finish', reason: finishOf(line.finish) });
        }
        return out;
      },
      end(): IrStreamEvent[] {
        if (done) return [];
        return [{ type: 'error', status: 502, errorType: 'upstream', message: 'the backend ended its stream before the reply was done' }];
      },
    };
  },

  // Acme answers errors as {"error": "…"} with an HTTP status; the kernel does the rest.
  decodeError(_status, _headers, body) {
    const parsed = parseJson(body);
    return isObject(parsed) && typeof parsed.error === 'string' ? { message: parsed.error } : null;
  },
};
