import { hasMediaPart } from '@switchyard/plugin-sdk';

/**
 * Input content types that carry media: `input_image`, `input_file` and `input_audio`
 * (https://platform.openai.com/docs/api-reference/responses/create, `input` message content).
 */
const RESPONSES_MEDIA_PARTS: ReadonlySet<string> = new Set(['input_image', 'input_file', 'input_audio']);

/**
 * Whether an `openai.responses` body carries media (ProtocolCodec `hasMediaContent`): the `input` list's items,
 * their messages' content, and one level below that (a string `input` is text).
 */
export function hasResponsesMedia(body: Record<string, unknown>): boolean {
  return hasMediaPart(body.input, RESPONSES_MEDIA_PARTS, 2);
}
