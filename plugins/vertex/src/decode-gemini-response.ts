import {
  GatewayError,
  type CodecContext,
  type IrChoice,
  type IrPart,
  type IrReasoningPart,
  type IrResponse,
  type IrTextPart,
  type IrTokenLogprob,
  type IrToolCallPart,
} from '@switchyard/plugin-sdk';
import { arr, isObject, str, type Json } from './gemini-json.js';
import { geminiPromptBlocked } from './gemini-errors.js';
import { geminiToolCallId } from './gemini-tool-call-ids.js';
import { decodeGeminiFinishReason } from './map-gemini-finish-reason.js';
import { decodeGeminiUsage } from './map-gemini-usage.js';

const signatureMetadata = (signature: string) => ({ google: { thoughtSignature: signature } });

/** `createTime` (RFC 3339) as Unix seconds. */
export function geminiCreated(body: Json): number | undefined {
  const t = str(body.createTime);
  const ms = t ? Date.parse(t) : NaN;
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

/**
 * A candidate's parts as IR parts, reasoning first, then text, then tool calls: thought parts →
 * reasoning (with their signature); function calls → tool calls with generated ids and their
 * `thoughtSignature` under providerMetadata.google; a signature on a text part (Gemini 3 puts one
 * on the answer's last part) → the signature of the reasoning, so a client can send it back.
 */
export function decodeGeminiParts(parts: unknown, responseId: string, ctx: CodecContext): IrPart[] {
  const reasoning: IrReasoningPart[] = [];
  const texts: IrTextPart[] = [];
  const calls: IrToolCallPart[] = [];
  for (const raw of arr(parts)) {
    if (!isObject(raw)) continue;
    const signature = str(raw.thoughtSignature) || undefined;
    if (isObject(raw.functionCall)) {
      const fc = raw.functionCall;
      const call: IrToolCallPart = {
        type: 'tool_call',
        id: geminiToolCallId(responseId, calls.length, fc.id),
        name: str(fc.name) ?? '',
        arguments: JSON.stringify(isObject(fc.args) ? fc.args : {}),
      };
      if (signature) call.providerMetadata = signatureMetadata(signature);
      calls.push(call);
    } else if (raw.thought === true) {
      const part: IrReasoningPart = { type: 'reasoning', text: str(raw.text) ?? '' };
      if (signature) {
        part.signature = signature;
        part.providerMetadata = signatureMetadata(signature);
      }
      reasoning.push(part);
    } else if (typeof raw.text === 'string') {
      if (raw.text.length > 0) texts.push({ type: 'text', text: raw.text });
      if (signature) {
        const open = reasoning.findLast((r) => r.signature === undefined);
        if (open) {
          open.signature = signature;
          open.providerMetadata = signatureMetadata(signature);
        } else reasoning.push({ type: 'reasoning', text: '', signature, providerMetadata: signatureMetadata(signature) });
      }
    } else {
      const kind = Object.keys(raw).find((k) => k !== 'thoughtSignature') ?? 'unknown';
      ctx.dropped(`response part ${kind}`);
    }
  }
  return [...reasoning, ...texts, ...calls];
}

/** A candidate's `logprobsResult` (chosen tokens, and the top alternatives per step) as IR token log-probabilities. */
function decodeGeminiLogprobs(result: unknown): IrTokenLogprob[] | undefined {
  if (!isObject(result)) return undefined;
  const top = arr(result.topCandidates);
  const entry = (c: unknown) =>
    isObject(c) ? { token: str(c.token) ?? '', logprob: typeof c.logProbability === 'number' ? c.logProbability : 0 } : null;
  return arr(result.chosenCandidates).flatMap((chosen, i) => {
    const token = entry(chosen);
    if (!token) return [];
    const alternatives = isObject(top[i])
      ? arr(top[i].candidates)
          .map(entry)
          .filter((t) => t !== null)
      : [];
    return [{ ...token, top: alternatives }];
  });
}

/** A candidate after the first (candidateCount > 1) as an IR choice; its tool calls get ids of their own. */
function decodeGeminiCandidate(candidate: Json, responseId: string, ctx: CodecContext): IrChoice {
  const parts = decodeGeminiParts(isObject(candidate.content) ? candidate.content.parts : undefined, responseId, ctx);
  const rawFinishReason = str(candidate.finishReason);
  const choice: IrChoice = {
    parts,
    finishReason: decodeGeminiFinishReason(
      rawFinishReason,
      parts.some((p) => p.type === 'tool_call'),
    ),
  };
  if (rawFinishReason !== undefined) choice.rawFinishReason = rawFinishReason;
  const logprobs = decodeGeminiLogprobs(candidate.logprobsResult);
  if (logprobs) choice.logprobs = logprobs;
  return choice;
}

/** A complete `generateContent` response → IR (backend side of the google.generate-content codec). */
export function decodeGeminiResponse(body: unknown, ctx: CodecContext): IrResponse {
  if (!isObject(body)) throw GatewayError.badGateway('the backend sent a reply that is not a Gemini response', 'upstream_malformed');
  const candidate = arr(body.candidates).find(isObject);
  if (!candidate) {
    const blocked = geminiPromptBlocked(body);
    if (blocked) throw blocked;
  }
  const responseId = str(body.responseId) ?? ctx.requestId;
  const content = isObject(candidate?.content) ? candidate.content : undefined;
  const parts = decodeGeminiParts(content?.parts, responseId, ctx);
  const rawFinishReason = str(candidate?.finishReason);
  const response: IrResponse = {
    id: responseId,
    model: str(body.modelVersion) ?? '',
    parts,
    finishReason: decodeGeminiFinishReason(
      rawFinishReason,
      parts.some((p) => p.type === 'tool_call'),
    ),
  };
  const created = geminiCreated(body);
  if (created !== undefined) response.created = created;
  if (rawFinishReason !== undefined) response.rawFinishReason = rawFinishReason;
  if (isObject(body.usageMetadata)) response.usage = decodeGeminiUsage(body.usageMetadata);
  const logprobs = decodeGeminiLogprobs(candidate?.logprobsResult);
  if (logprobs) response.logprobs = logprobs;
  const more = arr(body.candidates).filter(isObject).slice(1);
  if (more.length > 0) response.moreChoices = more.map((c, i) => decodeGeminiCandidate(c, `${responseId}_${i + 1}`, ctx));
  return response;
}
