import { GatewayError, type IrStreamEvent } from '@switchyard/plugin-sdk';
import { isObject, num, str, type Json } from './gemini-json.js';

/**
 * A prompt Gemini refused to answer (`promptFeedback.blockReason`, no candidates) as a 400 that
 * says so, with Google's own explanation when it gave one; null when the prompt was not blocked.
 */
export function geminiPromptBlocked(body: Json): GatewayError | null {
  const feedback = isObject(body.promptFeedback) ? body.promptFeedback : undefined;
  const reason = str(feedback?.blockReason);
  if (!reason) return null;
  const detail = str(feedback?.blockReasonMessage);
  return new GatewayError({
    status: 400,
    kind: 'invalid_request',
    message: `Gemini blocked the prompt (blockReason ${reason})${detail ? `: ${detail}` : ''}; no answer was generated.`,
    code: 'content_filter',
  });
}

/** Google's `{"error": {code, message, status}}` as an IR stream error event. */
export function geminiStreamError(error: Json): Extract<IrStreamEvent, { type: 'error' }> {
  const status = num(error.code) ?? 500;
  const googleStatus = str(error.status);
  const message = str(error.message) ?? 'the backend reported an error';
  return {
    type: 'error',
    status: status >= 400 && status <= 599 ? status : 502,
    errorType: googleStatus ?? 'upstream',
    message: googleStatus ? `${googleStatus}: ${message}` : message,
  };
}

/** A GatewayError as an IR stream error event (for a blocked prompt discovered mid-stream). */
export function streamErrorOf(error: GatewayError): Extract<IrStreamEvent, { type: 'error' }> {
  return { type: 'error', status: error.status, errorType: error.kind, message: error.message };
}
