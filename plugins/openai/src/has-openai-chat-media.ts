import { messagesHaveMedia } from '@switchyard/plugin-sdk';

/**
 * Content part types of a chat message that carry media: OpenAI's `image_url`, `input_audio` and `file`
 * (https://platform.openai.com/docs/api-reference/chat/create, user message content parts), and the
 * `video_url` / `video` / `audio` parts OpenAI-compatible servers take for video and audio models
 * (https://docs.vllm.ai/en/latest/features/multimodal_inputs.html).
 */
const OPENAI_CHAT_MEDIA_PARTS: ReadonlySet<string> = new Set(['image_url', 'input_audio', 'file', 'video_url', 'video', 'audio']);

/** Whether an `openai.chat` body carries media (ProtocolCodec `hasMediaContent`): its messages' content parts. */
export function hasOpenAIChatMedia(body: Record<string, unknown>): boolean {
  return messagesHaveMedia(body.messages, OPENAI_CHAT_MEDIA_PARTS);
}
