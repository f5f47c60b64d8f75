import { plugin } from './openresponses-plugin.js';

export { plugin };
export default plugin;

export { OpenResponsesAdapter } from './openresponses-adapter.js';
export { openaiResponsesCodec } from './openresponses-codec.js';
export { openaiResponsesProfile } from './openai-responses-profile.js';
export { applyResponsesSystemPrompt } from './apply-responses-system-prompt.js';
export { hasResponsesMedia } from './has-responses-media.js';
export * from './openresponses-api-paths.js';
export { parseOpenResponsesModelList } from './list-openresponses-models.js';
export { decodeResponsesRequest } from './decode-responses-request.js';
export { decodeResponsesInput, statelessError, type DeclaredTool, type DecodedResponsesInput } from './decode-responses-input.js';
export { decodeResponsesTools, decodeResponsesToolChoice, CUSTOM_TOOL_ARGUMENT } from './decode-responses-tools.js';
export { encodeResponsesResponse, messageItem, reasoningItem } from './encode-responses-response.js';
export { ResponsesStreamEncoder, createResponsesStreamEncoder } from './encode-responses-stream.js';
export { encodeResponsesRequest } from './encode-responses-request.js';
export { decodeResponsesResponse, decodeResponsesStatus } from './decode-responses-response.js';
export { ResponsesStreamDecoder, createResponsesStreamDecoder } from './decode-responses-stream.js';
export { encodeResponsesUsage, customToolInput } from './encode-responses-output.js';
export { usageFromResponses, readResponsesReplyUsage } from './read-responses-usage.js';
export { createResponsesStreamMeter } from './meter-responses-stream.js';
export { responsesErrorCode } from './map-responses-error-code.js';
export { createResponsesPassthroughFailure } from './track-responses-passthrough-failure.js';
export { sealReasoning, openReasoning } from './responses-reasoning-envelope.js';
export {
  DEFAULT_TOOL_NAMESPACE,
  NAMESPACE_SEPARATOR,
  flattenToolName,
  requestStateOf,
  type ResponsesRequestState,
} from './responses-request-state.js';
export { openItemId, selfContainedMessageId, selfContainedReasoningId, type ReferencedItem } from './responses-item-ids.js';
export { openCallId, sealCallId, type OpenedCallId, type SealedItems } from './responses-call-ids.js';
export { validateResponsesRequest, RESPONSES_REQUEST_FIELDS } from './validate-responses-request.js';
