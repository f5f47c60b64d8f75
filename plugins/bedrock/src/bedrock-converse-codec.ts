import type { ProtocolCodec } from '@switchyard/plugin-sdk';
import { decodeBedrockResponse } from './decode-bedrock-response.js';
import { createBedrockStreamDecoder } from './decode-bedrock-stream.js';
import { encodeBedrockRequest } from './encode-bedrock-request.js';
import { bedrockEventStreamFraming } from './frame-bedrock-event-stream.js';

/** The wire protocol of Bedrock's Converse and ConverseStream operations. */
export const AWS_BEDROCK_CONVERSE = 'aws.bedrock-converse';

/**
 * The aws.bedrock-converse codec (backend side only: no client speaks Converse to the gateway):
 * IR → Converse body, Converse reply → IR, and ConverseStream's binary event stream → IR events
 * through its own framing.
 */
export const bedrockConverseCodec: ProtocolCodec = {
  protocol: AWS_BEDROCK_CONVERSE,
  encodeRequest: encodeBedrockRequest,
  decodeResponse: decodeBedrockResponse,
  createStreamDecoder: createBedrockStreamDecoder,
  streamFraming: bedrockEventStreamFraming,
};
