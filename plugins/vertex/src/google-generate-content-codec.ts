import type { ProtocolCodec } from '@switchyard/plugin-sdk';
import { decodeGeminiResponse } from './decode-gemini-response.js';
import { createGeminiStreamDecoder } from './decode-gemini-stream.js';
import { decodeGoogleError } from './decode-google-error.js';
import { encodeGeminiRequest } from './encode-gemini-request.js';

/** The wire protocol of Gemini's `generateContent` / `streamGenerateContent` (Vertex AI and the Gemini API share the body). */
export const GOOGLE_GENERATE_CONTENT = 'google.generate-content';

/**
 * The google.generate-content codec, backend side only (Gemini is not an ingress): encodeRequest
 * (IR → generateContent body), decodeResponse, createStreamDecoder (`?alt=sse` events → IR),
 * decodeError (Google's error body).
 */
export const googleGenerateContentCodec: ProtocolCodec = {
  protocol: GOOGLE_GENERATE_CONTENT,
  // candidateCount and responseLogprobs / logprobs (complete replies).
  serves: { choices: true, logprobs: true },
  encodeRequest: encodeGeminiRequest,
  decodeResponse: decodeGeminiResponse,
  createStreamDecoder: createGeminiStreamDecoder,
  decodeError: decodeGoogleError,
};
