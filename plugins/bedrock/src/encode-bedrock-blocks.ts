import {
  GatewayError,
  isObject,
  parseDataUrl,
  parseJson,
  type CodecContext,
  type IrFilePart,
  type IrImagePart,
  type IrMediaSource,
  type IrPart,
  type IrReasoningPart,
  type IrToolCallPart,
  type IrToolResultPart,
  type Json,
  type ProviderMetadata,
} from '@switchyard/plugin-sdk';

/** Image formats a Converse `ImageBlock` takes, by media type. */
const IMAGE_FORMATS: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/** Document formats a Converse `DocumentBlock` takes, by media type. */
const DOCUMENT_FORMATS: Readonly<Record<string, string>> = {
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/html': 'html',
  'text/plain': 'txt',
  'text/markdown': 'md',
};

/** A cache point after a block whose IR part carries an Anthropic `cache_control`. */
export function cachePointAfter(providerMetadata: ProviderMetadata | undefined): Json[] {
  return isObject(providerMetadata?.anthropic?.cacheControl) ? [{ cachePoint: { type: 'default' } }] : [];
}

/** Inline bytes (base64) of a media source; Converse takes no URL or file id (only bytes or S3). */
function inlineBytes(source: IrMediaSource, what: string): { mediaType: string; data: string } {
  if (source.kind === 'base64') return { mediaType: source.mediaType, data: source.data };
  if (source.kind === 'url') {
    const data = parseDataUrl(source.url);
    if (data) return data;
    if (source.url.startsWith('s3://')) throw GatewayError.invalidRequest(`${what}: s3:// sources are not supported by this gateway`);
    throw GatewayError.invalidRequest(`${what}: Bedrock takes the bytes of an ${what}, not a URL; send it as base64 data`);
  }
  throw GatewayError.invalidRequest(`${what}: Bedrock takes the bytes of an ${what}, not a file id`);
}

/** A document name as Converse allows it: letters, digits, single spaces, hyphens, parentheses and brackets. */
function documentName(filename: string | undefined, index: number): string {
  const base = (filename ?? '').replace(/\.[A-Za-z0-9]+$/, '');
  const cleaned = base
    .replace(/[^A-Za-z0-9\s()[\]-]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length > 0 ? cleaned.slice(0, 200) : `document-${index + 1}`;
}

function encodeImage(part: IrImagePart | IrFilePart): Json {
  const { mediaType, data } = inlineBytes(part.source, 'image');
  const format = IMAGE_FORMATS[mediaType.toLowerCase()];
  if (!format) throw GatewayError.invalidRequest(`image: media type ${mediaType} is not one Bedrock takes (png, jpeg, gif, webp)`);
  return { image: { format, source: { bytes: data } } };
}

function encodeFile(part: IrFilePart, index: number, ctx: CodecContext): Json | null {
  const { mediaType: sourceType, data } = inlineBytes(part.source, 'document');
  const mediaType = (part.mediaType ?? sourceType).toLowerCase();
  if (mediaType.startsWith('image/')) return encodeImage(part);
  const format = DOCUMENT_FORMATS[mediaType];
  if (!format) {
    ctx.dropped(`file part (${mediaType}: not a document format Bedrock takes)`);
    return null;
  }
  return { document: { format, name: documentName(part.filename, index), source: { bytes: data } } };
}

/** Text, image and file parts as Converse content blocks (with a cache point where the part asks for one). */
export function encodeBedrockContentPart(part: IrPart, index: number, ctx: CodecContext): Json[] {
  let block: Json | null;
  switch (part.type) {
    case 'text':
      // Converse rejects blank text blocks.
      block = part.text.trim().length > 0 ? { text: part.text } : null;
      break;
    case 'image':
      if (part.detail !== undefined && part.detail !== 'auto') ctx.dropped(`image detail ${part.detail}`);
      block = encodeImage(part);
      break;
    case 'file':
      block = encodeFile(part, index, ctx);
      break;
    default:
      ctx.dropped(`${part.type} part in a ${part.type === 'tool_result' ? 'non-tool' : 'non-assistant'} message`);
      return [];
  }
  return block ? [block, ...cachePointAfter(part.providerMetadata)] : [];
}

/** The arguments text as `toolUse.input` (a JSON object; `{}` for none, reported when unreadable). */
function toolInput(part: IrToolCallPart, ctx: CodecContext): Json {
  if (part.arguments.trim() === '') return {};
  const parsed = parseJson(part.arguments);
  if (isObject(parsed)) return parsed;
  ctx.dropped(`tool call ${part.id} arguments (not a JSON object)`);
  return {};
}

/** A reasoning part as `reasoningContent` (signed text, or redacted bytes); unsigned reasoning cannot go back. */
function encodeReasoning(part: IrReasoningPart, ctx: CodecContext): Json | null {
  if (part.redactedData) return { reasoningContent: { redactedContent: part.redactedData } };
  if (part.signature) return { reasoningContent: { reasoningText: { text: part.text, signature: part.signature } } };
  if (part.text.length > 0) ctx.dropped('reasoning without a signature (Claude on Bedrock accepts only signed reasoning)');
  return null;
}

/** An assistant turn's parts as content blocks: reasoning, text and toolUse, in order. */
export function encodeBedrockAssistantParts(parts: readonly IrPart[], ctx: CodecContext): Json[] {
  const blocks: Json[] = [];
  parts.forEach((part, i) => {
    if (part.type === 'reasoning') {
      const block = encodeReasoning(part, ctx);
      if (block) blocks.push(block);
    } else if (part.type === 'tool_call') {
      blocks.push({ toolUse: { toolUseId: part.id, name: part.name, input: toolInput(part, ctx) } });
      blocks.push(...cachePointAfter(part.providerMetadata));
    } else {
      blocks.push(...encodeBedrockContentPart(part, i, ctx));
    }
  });
  return blocks;
}

/** A tool result as a `toolResult` block: its text, images and documents, and `status: error` for a failed call. */
export function encodeBedrockToolResult(part: IrToolResultPart, ctx: CodecContext): Json[] {
  const content: Json[] = [];
  if (typeof part.content === 'string') content.push({ text: part.content.length > 0 ? part.content : ' ' });
  else part.content.forEach((p, i) => content.push(...encodeBedrockContentPart(p, i, ctx).filter((b) => b.cachePoint === undefined)));
  if (content.length === 0) content.push({ text: ' ' });
  const block: Json = { toolUseId: part.toolCallId, content };
  if (part.isError) block.status = 'error';
  return [{ toolResult: block }, ...cachePointAfter(part.providerMetadata)];
}
