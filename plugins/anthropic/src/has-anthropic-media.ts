import { messagesHaveMedia } from '@switchyard/plugin-sdk';

/**
 * Content block types of a message that carry media: `image` and `document` (PDF, text), also inside a
 * `tool_result`'s content (https://docs.anthropic.com/en/api/messages, `messages.content`).
 */
const ANTHROPIC_MEDIA_BLOCKS: ReadonlySet<string> = new Set(['image', 'document']);

/** Whether an `anthropic.messages` body carries media (ProtocolCodec `hasMediaContent`): its messages' content blocks. */
export function hasAnthropicMedia(body: Record<string, unknown>): boolean {
  return messagesHaveMedia(body.messages, ANTHROPIC_MEDIA_BLOCKS);
}
