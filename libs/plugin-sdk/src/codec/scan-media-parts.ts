/**
 * Whether a list of content parts holds one whose `type` is in `mediaTypes`, looking `depth` levels into the
 * parts' own `content` lists (tool results, messages listed as items). A cheap scan for a codec's
 * `hasMediaContent`: only `type` strings are read, nothing is decoded or copied.
 */
export function hasMediaPart(parts: unknown, mediaTypes: ReadonlySet<string>, depth: number): boolean {
  if (!Array.isArray(parts)) return false;
  for (const p of parts) {
    if (typeof p !== 'object' || p === null) continue;
    const type = (p as { type?: unknown }).type;
    if (typeof type === 'string' && mediaTypes.has(type)) return true;
    if (depth > 0 && hasMediaPart((p as { content?: unknown }).content, mediaTypes, depth - 1)) return true;
  }
  return false;
}

/**
 * Whether any message of a `messages` list carries a media part in its `content` list, or one level down
 * (a tool result's own content): the scan of bodies that keep their conversation in `messages`.
 */
export function messagesHaveMedia(messages: unknown, mediaTypes: ReadonlySet<string>): boolean {
  if (!Array.isArray(messages)) return false;
  for (const m of messages) {
    if (typeof m === 'object' && m !== null && hasMediaPart((m as { content?: unknown }).content, mediaTypes, 1)) return true;
  }
  return false;
}
