import { plugin } from './bedrock-plugin.js';

export { plugin };
export default plugin;

export { BedrockAdapter } from './bedrock-adapter.js';
export { BedrockBackendConfig } from './bedrock-backend-config.js';
export { BedrockCredentials } from './bedrock-credentials.js';
export { bedrockConverseCodec, AWS_BEDROCK_CONVERSE } from './bedrock-converse-codec.js';
export { bedrockConverseUrl, bedrockCountTokensUrl, bedrockRuntimeBase, bedrockControlPlaneBase } from './bedrock-urls.js';
export { encodeBedrockCountTokens, decodeBedrockCountTokensReply } from './count-bedrock-tokens.js';
export { encodeBedrockRequest } from './encode-bedrock-request.js';
export { decodeBedrockResponse, decodeBedrockBlock } from './decode-bedrock-response.js';
export { BedrockStreamDecoder, createBedrockStreamDecoder } from './decode-bedrock-stream.js';
export {
  AWS_EVENT_STREAM,
  BEDROCK_STREAM_EXCEPTION,
  bedrockEventStreamFraming,
  createBedrockEventStreamFramer,
} from './frame-bedrock-event-stream.js';
export { decodeBedrockStopReason } from './map-bedrock-stop-reason.js';
export { decodeBedrockUsage } from './map-bedrock-usage.js';
export { bedrockErrorType, bedrockExceptionStatus } from './map-bedrock-error.js';
export { normaliseBedrockErrorReply, BEDROCK_THROTTLE_RETRY_AFTER_SECONDS } from './bedrock-error-reply.js';
export { shapeBedrockBody, CONVERSE_REQUEST_FIELDS } from './shape-bedrock-body.js';
export { signBedrockRequest, BEDROCK_SIGNING_NAME, type UnsignedRequest } from './sign-bedrock-request.js';
export { loadAwsModules, awsModules, type AwsModules } from './aws-modules.js';
export { isBedrockClaude } from './bedrock-models.js';
export { listBedrockModels } from './list-bedrock-models.js';
