/**
 * Gemini function calls carry no ids (Vertex may send `functionCall.id`; then it is used). The
 * IR needs one per call that a client can send its result back with: `call_<responseId>_<n>`,
 * unique per response (Google's `responseId`, else the gateway's request id) and stable, the same
 * for a call in the streamed and the non-streamed decoding of one response.
 */
export function geminiToolCallId(responseId: string, index: number, given?: unknown): string {
  if (typeof given === 'string' && given.length > 0) return given;
  const base = responseId.replace(/[^A-Za-z0-9_-]/g, '') || 'gemini';
  return `call_${base}_${index}`;
}
