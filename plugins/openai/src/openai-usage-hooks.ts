import type { ProtocolUsage } from '@switchyard/plugin-sdk';
import { createOpenAIStreamMeter } from './meter-openai-stream.js';
import { readOpenAIReplyUsage } from './read-openai-usage.js';
import { requestOpenAIStreamUsage } from './request-openai-stream-usage.js';
import { createOpenAIUsageChunkStripper } from './strip-openai-usage-chunk.js';

/** Usage of the streaming OpenAI protocols (chat, completions): read, metered, asked for and stripped. */
export const openaiStreamingUsage: ProtocolUsage = {
  readBody: readOpenAIReplyUsage,
  meterStream: createOpenAIStreamMeter,
  requestStreamUsage: requestOpenAIStreamUsage,
  stripStreamUsage: createOpenAIUsageChunkStripper,
};

/** Usage of OpenAI embeddings replies (never streamed). */
export const openaiUsage: ProtocolUsage = { readBody: readOpenAIReplyUsage, meterStream: createOpenAIStreamMeter };
