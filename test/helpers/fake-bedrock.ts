/**
 * A fake AWS Bedrock runtime for the aws-bedrock tests. It answers Converse
 * (`POST /model/{modelId}/converse`) with JSON and ConverseStream (`…/converse-stream`) with the
 * real binary event stream, encoded by the same Smithy EventStreamCodec the AWS SDK decodes
 * with. Before answering it does what Bedrock's front door does: it verifies the SigV4
 * signature with the AWS SDK's own SignatureV4 (so a request signed wrongly, with an unknown key
 * or with an expired session token is refused as Bedrock refuses it), and rejects bodies that
 * are not Converse requests. Each rule is a small function citing where Bedrock documents it.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { EventStreamCodec, type MessageHeaders } from '@smithy/core/event-streams';
import { HttpRequest } from '@smithy/core/protocols';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeHandler, RecordedRequest } from './fake-upstream.js';

/** The secret the fake expects for an access key id (credentials the tests hand out follow this rule). */
export const fakeSecretFor = (accessKeyId: string): string => `secret-for-${accessKeyId}`;

/** Access key ids the fake knows start with this (others: "not in our records"). */
export const FAKE_KEY_PREFIX = 'AKIAFAKE';

/**
 * A session token carrying its own expiry (`fake-session-<n>-<expiresAtMs>`), so the fake can say
 * ExpiredTokenException once it has passed, as STS-issued tokens do.
 */
export const fakeSessionToken = (n: number, expiresAt: Date): string => `fake-session-${n}-${expiresAt.getTime()}`;

export interface BedrockFault {
  status: number;
  type: string;
  message: string;
}

/** A Converse reply as the fake returns it (and streams it as events). */
export interface ConverseReply {
  content: Record<string, unknown>[];
  stopReason: string;
  usage?: Record<string, number>;
}

/** What a scripted request gets: a reply, an error reply, or a stream that fails after some events. */
export interface StreamException {
  afterEvents: number;
  type: string;
  message: string;
}

export type BedrockScript = { reply: ConverseReply; streamException?: StreamException } | { fault: BedrockFault };

// ---------------------------------------------------------------------------------------------
// Rules

/**
 * Bedrock's error reply (rest-json): the exception type in `x-amzn-ErrorType`, `{"message"}` in
 * the body. Error types and statuses: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_Errors
 */
function sendFault(res: ServerResponse, fault: BedrockFault): void {
  const body = JSON.stringify({ message: fault.message });
  res.writeHead(fault.status, {
    'content-type': 'application/json',
    'x-amzn-errortype': `${fault.type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    'x-amzn-requestid': 'fake-aws-request-id',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

/**
 * No SigV4 `authorization` header: 403 MissingAuthenticationToken ("errors common to the API
 * actions of all AWS services", https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html).
 */
function missingSignature(record: RecordedRequest): BedrockFault | null {
  const auth = record.headers.authorization;
  if (typeof auth === 'string' && AUTH.test(auth) && typeof record.headers['x-amz-date'] === 'string') return null;
  return { status: 403, type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
}

/**
 * An access key id Bedrock does not know: 403 UnrecognizedClientException, "The security token
 * included in the request is invalid." (as Bedrock answers Converse, seen in
 * https://github.com/Arize-ai/openinference/issues/2358; InvalidClientTokenId in
 * https://docs.aws.amazon.com/bedrock/latest/userguide/troubleshooting-api-error-codes.html).
 */
function unknownKey(accessKeyId: string): BedrockFault | null {
  if (accessKeyId.startsWith(FAKE_KEY_PREFIX)) return null;
  return { status: 403, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
}

/**
 * A session token past its expiry: 403 ExpiredTokenException, "The security token included in
 * the request is expired" (https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html).
 */
function expiredToken(record: RecordedRequest): BedrockFault | null {
  const token = record.headers['x-amz-security-token'];
  const m = typeof token === 'string' ? /^fake-session-\d+-(\d+)$/.exec(token) : null;
  if (!m || Number(m[1]) > Date.now()) return null;
  return { status: 403, type: 'ExpiredTokenException', message: 'The security token included in the request is expired' };
}

/**
 * The signature does not verify (recomputed with the AWS SDK's SignatureV4 over the signed
 * headers, the path as sent and the body): 403 InvalidSignatureException, "The request signature
 * we calculated does not match the signature you provided…" (as Bedrock answers ConverseStream,
 * https://github.com/BerriAI/litellm/issues/14763).
 */
async function badSignature(record: RecordedRequest): Promise<BedrockFault | null> {
  const [, accessKeyId, , region, service, signedHeaders, signature] = AUTH.exec(String(record.headers.authorization))!;
  const headers: Record<string, string> = {};
  for (const name of signedHeaders!.split(';')) {
    const value = record.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const amzDate = String(record.headers['x-amz-date']);
  const date = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  const token = record.headers['x-amz-security-token'];
  const signer = new SignatureV4({
    service: service!,
    region: region!,
    sha256: Sha256,
    credentials: {
      accessKeyId: accessKeyId!,
      secretAccessKey: fakeSecretFor(accessKeyId!),
      ...(typeof token === 'string' ? { sessionToken: token } : {}),
    },
  });
  const [host, port] = String(record.headers.host).split(':');
  const query: Record<string, string> = {};
  new URLSearchParams(record.query).forEach((v, k) => (query[k] = v));
  const request = new HttpRequest({
    method: record.method,
    protocol: 'http:',
    hostname: host!,
    ...(port ? { port: Number(port) } : {}),
    path: record.path,
    query,
    headers,
    body: record.rawBody.toString('utf8'),
  });
  const expected = await signer.sign(request, { signingDate: date });
  const computed = /Signature=([0-9a-f]{64})/.exec(String(expected.headers.authorization))?.[1];
  if (computed === signature && service === 'bedrock') return null;
  return {
    status: 403,
    type: 'InvalidSignatureException',
    message:
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  };
}

/**
 * The top-level fields of a Converse / ConverseStream request body; anything else is a
 * ValidationException (request syntax: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_RequestSyntax).
 */
const CONVERSE_FIELDS = new Set([
  'messages',
  'system',
  'inferenceConfig',
  'toolConfig',
  'guardrailConfig',
  'additionalModelRequestFields',
  'additionalModelResponseFieldPaths',
  'promptVariables',
  'requestMetadata',
  'performanceConfig',
  'serviceTier',
  'outputConfig',
]);

function validation(message: string): BedrockFault {
  return { status: 400, type: 'ValidationException', message };
}

function notConverseFields(body: Record<string, unknown>): BedrockFault | null {
  const extra = Object.keys(body).filter((k) => !CONVERSE_FIELDS.has(k));
  return extra.length ? validation(`The request body has fields Converse does not take: ${extra.join(', ')}`) : null;
}

/** Message `role`: user | assistant (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Message.html). */
function badRole(messages: unknown[]): BedrockFault | null {
  const bad = messages.findIndex((m) => !['user', 'assistant'].includes((m as { role?: unknown })?.role as string));
  return bad >= 0 ? validation(`messages.${bad}.role: must be user or assistant`) : null;
}

/**
 * A content block is a UNION: exactly one member (text, image, document, toolUse, toolResult,
 * reasoningContent, cachePoint, …) (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ContentBlock.html).
 */
function notUnion(messages: unknown[]): BedrockFault | null {
  for (const [i, m] of messages.entries()) {
    const content = (m as { content?: unknown }).content;
    if (!Array.isArray(content) || content.length === 0) return validation(`messages.${i}.content: at least one content block is required`);
    for (const [j, block] of content.entries()) {
      if (typeof block !== 'object' || block === null || Object.keys(block).length !== 1)
        return validation(`messages.${i}.content.${j}: a content block takes exactly one member`);
    }
  }
  return null;
}

/**
 * inferenceConfig: maxTokens at least 1; temperature and topP from 0 to 1; at most 4
 * stopSequences (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InferenceConfiguration.html).
 */
function badInferenceConfig(config: unknown): BedrockFault | null {
  if (config === undefined) return null;
  const c = config as Record<string, unknown>;
  const known = new Set(['maxTokens', 'temperature', 'topP', 'stopSequences']);
  const extra = Object.keys(c).filter((k) => !known.has(k));
  if (extra.length) return validation(`inferenceConfig has fields it does not take: ${extra.join(', ')}`);
  if (c.maxTokens !== undefined && !(Number.isInteger(c.maxTokens) && (c.maxTokens as number) >= 1))
    return validation('inferenceConfig.maxTokens: at least 1');
  for (const k of ['temperature', 'topP'])
    if (c[k] !== undefined && !(typeof c[k] === 'number' && c[k] >= 0 && c[k] <= 1)) return validation(`inferenceConfig.${k}: from 0 to 1`);
  if (Array.isArray(c.stopSequences) && c.stopSequences.length > 4) return validation('inferenceConfig.stopSequences: at most 4');
  return null;
}

/** toolChoice is a UNION of auto, any and tool (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolChoice.html). */
function badToolChoice(toolConfig: unknown): BedrockFault | null {
  const choice = (toolConfig as { toolChoice?: unknown } | undefined)?.toolChoice;
  if (choice === undefined) return null;
  const keys = typeof choice === 'object' && choice !== null ? Object.keys(choice) : [];
  return keys.length === 1 && ['auto', 'any', 'tool'].includes(keys[0]!)
    ? null
    : validation('toolConfig.toolChoice: one of auto, any, tool');
}

/** The front door's rules, in order: a signature, a known key, an unexpired token, a signature that verifies. */
async function authFault(record: RecordedRequest): Promise<BedrockFault | null> {
  const accessKeyId = AUTH.exec(String(record.headers.authorization ?? ''))?.[1] ?? '';
  return missingSignature(record) ?? unknownKey(accessKeyId) ?? expiredToken(record) ?? (await badSignature(record));
}

/**
 * CountTokens: `input` is a UNION of `converse` and `invokeModel`
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CountTokensInput.html); the
 * converse form takes messages and system only
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseTokensRequest.html).
 */
function countTokensBodyFault(body: unknown): BedrockFault | null {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const extra = Object.keys(b).filter((k) => k !== 'input');
  if (extra.length) return validation(`The request body has fields CountTokens does not take: ${extra.join(', ')}`);
  const input = b.input as Record<string, unknown> | undefined;
  const members = input && typeof input === 'object' ? Object.keys(input) : [];
  if (members.length !== 1 || !['converse', 'invokeModel'].includes(members[0]!))
    return validation('input: exactly one of converse, invokeModel');
  if (members[0] === 'invokeModel') return null;
  const converse = input!.converse as Record<string, unknown>;
  const unknown = Object.keys(converse).filter((k) => k !== 'messages' && k !== 'system');
  if (unknown.length) return validation(`input.converse has fields it does not take: ${unknown.join(', ')}`);
  const messages = Array.isArray(converse.messages) ? converse.messages : [];
  return badRole(messages) ?? notUnion(messages);
}

/** The fake's token count: the words of every text block (deterministic, so a test can predict it). */
export function fakeTokenCount(converse: { messages?: { content: { text?: string }[] }[]; system?: { text?: string }[] }): number {
  const texts = [...(converse.system ?? []), ...(converse.messages ?? []).flatMap((m) => m.content)].map((b) => b.text ?? '');
  return texts.join(' ').split(/\s+/).filter(Boolean).length;
}

/** The body's Converse rules, first failure wins. */
function converseBodyFault(body: unknown): BedrockFault | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return validation('The request body is not a JSON object');
  const b = body as Record<string, unknown>;
  const messages = Array.isArray(b.messages) ? b.messages : [];
  return (
    notConverseFields(b) ?? badRole(messages) ?? notUnion(messages) ?? badInferenceConfig(b.inferenceConfig) ?? badToolChoice(b.toolConfig)
  );
}

// ---------------------------------------------------------------------------------------------
// Replies

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** One event-stream message (`:message-type: event`, `:event-type`), as Bedrock frames ConverseStream. */
export function encodeBedrockEvent(eventType: string, payload: object): Uint8Array {
  const headers: MessageHeaders = {
    ':message-type': { type: 'string', value: 'event' },
    ':event-type': { type: 'string', value: eventType },
    ':content-type': { type: 'string', value: 'application/json' },
  };
  return codec.encode({ headers, body: fromUtf8(JSON.stringify(payload)) });
}

/** An exception message (`:message-type: exception`, `:exception-type`) ending a ConverseStream. */
export function encodeBedrockException(exceptionType: string, message: string): Uint8Array {
  const headers: MessageHeaders = {
    ':message-type': { type: 'string', value: 'exception' },
    ':exception-type': { type: 'string', value: exceptionType },
    ':content-type': { type: 'string', value: 'application/json' },
  };
  return codec.encode({ headers, body: fromUtf8(JSON.stringify({ message })) });
}

/** Splits text into pieces of a few characters (deltas). */
function pieces(text: string, size = 6): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/**
 * A Converse reply as ConverseStream's events (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html):
 * messageStart; per block contentBlockStart (toolUse only), contentBlockDelta(s), contentBlockStop;
 * messageStop with the stop reason; metadata with usage.
 */
export function converseStreamEvents(reply: ConverseReply): [string, object][] {
  const events: [string, object][] = [['messageStart', { role: 'assistant' }]];
  reply.content.forEach((block, contentBlockIndex) => {
    const b = block as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- wire JSON
    if (typeof b.text === 'string') {
      for (const text of pieces(b.text)) events.push(['contentBlockDelta', { contentBlockIndex, delta: { text } }]);
    } else if (b.toolUse) {
      events.push([
        'contentBlockStart',
        { contentBlockIndex, start: { toolUse: { toolUseId: b.toolUse.toolUseId, name: b.toolUse.name } } },
      ]);
      for (const input of pieces(JSON.stringify(b.toolUse.input), 10))
        events.push(['contentBlockDelta', { contentBlockIndex, delta: { toolUse: { input } } }]);
    } else if (b.reasoningContent?.reasoningText) {
      for (const text of pieces(b.reasoningContent.reasoningText.text))
        events.push(['contentBlockDelta', { contentBlockIndex, delta: { reasoningContent: { text } } }]);
      events.push([
        'contentBlockDelta',
        { contentBlockIndex, delta: { reasoningContent: { signature: b.reasoningContent.reasoningText.signature } } },
      ]);
    } else if (b.reasoningContent?.redactedContent) {
      events.push([
        'contentBlockDelta',
        { contentBlockIndex, delta: { reasoningContent: { redactedContent: b.reasoningContent.redactedContent } } },
      ]);
    }
    events.push(['contentBlockStop', { contentBlockIndex }]);
  });
  events.push(['messageStop', { stopReason: reply.stopReason }]);
  events.push(['metadata', { usage: reply.usage ?? { inputTokens: 10, outputTokens: 5, totalTokens: 15 }, metrics: { latencyMs: 42 } }]);
  return events;
}

/** Writes one ConverseStream (the reply's events, optionally cut by an exception event) in several writes. */
function streamReply(
  res: ServerResponse,
  record: RecordedRequest,
  reply: ConverseReply,
  exception?: { afterEvents: number; type: string; message: string },
): void {
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'fake-aws-request-id' });
  let events = converseStreamEvents(reply).map(([type, payload]) => encodeBedrockEvent(type, payload));
  if (exception) events = [...events.slice(0, exception.afterEvents), encodeBedrockException(exception.type, exception.message)];
  const bytes = Buffer.concat(events);
  // Written in odd-sized pieces: messages split across reads, several in one read.
  for (let i = 0; i < bytes.length; i += 37) res.write(bytes.subarray(i, i + 37));
  record.chunksSent = events.length;
  res.end();
}

export const DEFAULT_REPLY: ConverseReply = {
  content: [{ text: 'Hello from the fake Bedrock.' }],
  stopReason: 'end_turn',
  usage: { inputTokens: 12, outputTokens: 7, totalTokens: 19, cacheReadInputTokens: 3, cacheWriteInputTokens: 2 },
};

const ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream|count-tokens)$/;

export interface FakeBedrock extends FakeHandler {
  /** Answer the request carrying `x-request-id: id` with `script` (after the auth and body rules). */
  on(id: string, script: BedrockScript): void;
  /** Answer every request for `modelId` (without a script of its own) with `script`. */
  onModel(modelId: string, script: BedrockScript): void;
  /** Models the account may not use: AccessDeniedException. */
  deny(modelId: string): void;
  /** Requests the rules refused, with why. */
  readonly refused: { path: string; fault: BedrockFault }[];
}

/**
 * The fake Bedrock runtime. A model the account was denied gets 403 AccessDeniedException, "You
 * don't have access to the model with the specified model ID." (https://docs.aws.amazon.com/bedrock/latest/userguide/troubleshooting-api-error-codes.html).
 */
export function fakeBedrock(): FakeBedrock {
  const scripts = new Map<string, BedrockScript>();
  const denied = new Set<string>();
  const byModel = new Map<string, BedrockScript>();
  const refused: { path: string; fault: BedrockFault }[] = [];
  const handler = async (_req: IncomingMessage, res: ServerResponse, record: RecordedRequest): Promise<void> => {
    const route = ROUTE.exec(record.path);
    if (record.method !== 'POST' || !route) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `fake Bedrock: no route for ${record.method} ${record.path}` }));
      return;
    }
    const modelId = decodeURIComponent(route[1]!);
    const fault =
      (await authFault(record)) ??
      (denied.has(modelId)
        ? { status: 403, type: 'AccessDeniedException', message: "You don't have access to the model with the specified model ID." }
        : null) ??
      (route[2] === 'count-tokens' ? countTokensBodyFault(record.body) : converseBodyFault(record.body));
    if (fault) {
      refused.push({ path: record.path, fault });
      return sendFault(res, fault);
    }
    if (route[2] === 'count-tokens') {
      const body = JSON.stringify({ inputTokens: fakeTokenCount(record.body.input.converse ?? {}) });
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': 'fake-aws-request-id' });
      res.end(body);
      return;
    }
    const id = record.headers['x-request-id'];
    const script: BedrockScript = (typeof id === 'string' ? scripts.get(id) : undefined) ??
      byModel.get(modelId) ?? { reply: DEFAULT_REPLY };
    if ('fault' in script) return sendFault(res, script.fault);
    if (route[2] === 'converse-stream') return streamReply(res, record, script.reply, script.streamException);
    const body = JSON.stringify({
      output: { message: { role: 'assistant', content: script.reply.content } },
      stopReason: script.reply.stopReason,
      usage: script.reply.usage ?? { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
      metrics: { latencyMs: 42 },
    });
    res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': 'fake-aws-request-id' });
    res.end(body);
  };
  return Object.assign(handler, {
    on: (id: string, script: BedrockScript) => void scripts.set(id, script),
    deny: (modelId: string) => void denied.add(modelId),
    onModel: (modelId: string, script: BedrockScript) => void byModel.set(modelId, script),
    refused,
  });
}

// ---------------------------------------------------------------------------------------------
// Control plane

export interface FakeFoundationModel {
  modelId: string;
  providerName: string;
  outputModalities: string[];
  inferenceTypesSupported: string[];
  status?: 'ACTIVE' | 'LEGACY';
}

export interface FakeInferenceProfile {
  inferenceProfileId: string;
  status?: 'ACTIVE';
}

/**
 * ListFoundationModels query values: byInferenceType ON_DEMAND | PROVISIONED, byOutputModality
 * TEXT | IMAGE | EMBEDDING (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_ListFoundationModels.html).
 */
function badFoundationQuery(query: URLSearchParams): BedrockFault | null {
  const inference = query.get('byInferenceType');
  const modality = query.get('byOutputModality');
  if (inference !== null && !['ON_DEMAND', 'PROVISIONED'].includes(inference))
    return validation('byInferenceType: ON_DEMAND | PROVISIONED');
  if (modality !== null && !['TEXT', 'IMAGE', 'EMBEDDING'].includes(modality))
    return validation('byOutputModality: TEXT | IMAGE | EMBEDDING');
  return null;
}

/** ListInferenceProfiles maxResults: 1 to 1000 (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_ListInferenceProfiles.html). */
function badMaxResults(query: URLSearchParams): BedrockFault | null {
  const max = query.get('maxResults');
  if (max === null) return null;
  const n = Number(max);
  return Number.isInteger(n) && n >= 1 && n <= 1000 ? null : validation('maxResults: from 1 to 1000');
}

/**
 * A fake Bedrock control plane (`bedrock.<region>`): GET /foundation-models (filtered by the
 * query, as Bedrock filters) and GET /inference-profiles (paged by maxResults with nextToken),
 * behind the same signature rules as the runtime.
 */
export function fakeBedrockControlPlane(
  models: FakeFoundationModel[],
  profiles: FakeInferenceProfile[],
): FakeHandler & { readonly refused: BedrockFault[] } {
  const refused: BedrockFault[] = [];
  const handler = async (_req: IncomingMessage, res: ServerResponse, record: RecordedRequest): Promise<void> => {
    const query = new URLSearchParams(record.query);
    const send = (body: object): void => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const auth = await authFault(record);
    const fault =
      auth ??
      (record.path === '/foundation-models'
        ? badFoundationQuery(query)
        : record.path === '/inference-profiles'
          ? badMaxResults(query)
          : null);
    if (fault) {
      refused.push(fault);
      return sendFault(res, fault);
    }
    if (record.method === 'GET' && record.path === '/foundation-models') {
      const inference = query.get('byInferenceType');
      const modality = query.get('byOutputModality');
      const summaries = models
        .filter(
          (m) =>
            (inference === null || m.inferenceTypesSupported.includes(inference)) &&
            (modality === null || m.outputModalities.includes(modality)),
        )
        .map((m) => ({
          ...m,
          status: undefined,
          modelLifecycle: { status: m.status ?? 'ACTIVE' },
          modelArn: `arn:aws:bedrock:us-east-1::foundation-model/${m.modelId}`,
        }));
      return send({ modelSummaries: summaries });
    }
    if (record.method === 'GET' && record.path === '/inference-profiles') {
      const size = Number(query.get('maxResults') ?? 1000);
      const start = Number(query.get('nextToken') ?? 0);
      const page = profiles.slice(start, start + size).map((p) => ({ ...p, status: p.status ?? 'ACTIVE', type: 'SYSTEM_DEFINED' }));
      return send({ inferenceProfileSummaries: page, ...(start + size < profiles.length ? { nextToken: String(start + size) } : {}) });
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: `fake Bedrock control plane: no route for ${record.method} ${record.path}` }));
  };
  return Object.assign(handler, { refused });
}
