/**
 * The Responses encoder's item ids carry 8 random bytes per response (hex), also inside the
 * base64url of a sealed id (a call id carries the items before it): masked, so that the rest of a
 * translated reply can be compared byte for byte (translated-stream-bytes, translated-reply-bytes).
 */
export function maskRandomIds(text: string): string {
  return text
    .replace(/swy0[0-9a-f]{16}/g, 'swy0RANDOMRANDOMRAND')
    .replace(
      /(swy1\.|~swy1~)([A-Za-z0-9_-]+)/g,
      (_, tag: string, b64: string) => `${tag}<${maskRandomIds(Buffer.from(b64, 'base64url').toString('utf8'))}>`,
    );
}
