/**
 * Pieces for the Vertex AI end-to-end tests: a fake Google token endpoint (an STS reached by
 * google-auth-library through an `external_account` credential file, the library's real code
 * path), a fake Vertex AI that routes by path (Gemini generateContent / streamGenerateContent,
 * Claude rawPredict / streamRawPredict / count-tokens) and checks the bearer token, and Google
 * error bodies.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { vertexEmbeddingsPredict } from './fake-vertex-embeddings.js';
import { json, replayFixture, startFakeUpstream, type FakeHandler, type FakeUpstream, type RecordedRequest } from './fake-upstream.js';

export interface FakeGoogleAuth {
  /** The fake token endpoint (STS `token_url` of the credential file). */
  readonly server: FakeUpstream;
  /** Access tokens issued so far, in order (`vertex-token-1`, …). */
  readonly issued: string[];
  /** The last token issued. */
  readonly latest: string | undefined;
  /** Environment for a gateway that should find these credentials (ADC via GOOGLE_APPLICATION_CREDENTIALS). */
  readonly env: Record<string, string>;
  readonly credentialsFile: string;
  close(): Promise<void>;
}

/**
 * Starts a fake token endpoint and writes an `external_account` (workload identity federation)
 * credential file pointing at it: google-auth-library reads the subject token from a file,
 * exchanges it at `token_url` for an access token, caches it and refreshes it, all its own code.
 */
export async function startFakeGoogleAuth(project: string): Promise<FakeGoogleAuth> {
  const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-gcp-auth-'));
  const issued: string[] = [];
  const server = await startFakeUpstream((req, res, record) => {
    const token = `vertex-token-${issued.length + 1}`;
    issued.push(token);
    return json(200, {
      access_token: token,
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
      expires_in: 3600,
    })(req, res, record);
  });
  const subjectFile = path.join(dir, 'subject-token.txt');
  writeFileSync(subjectFile, 'subject-token-from-the-workload');
  const credentialsFile = path.join(dir, 'external-account.json');
  writeFileSync(
    credentialsFile,
    JSON.stringify({
      type: 'external_account',
      audience: '//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/e2e-pool/providers/e2e-provider',
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      token_url: `${server.url}/v1/token`,
      credential_source: { file: subjectFile },
    }),
  );
  const gcloudDir = path.join(dir, 'gcloud');
  return {
    server,
    issued,
    get latest() {
      return issued.at(-1);
    },
    credentialsFile,
    env: {
      GOOGLE_APPLICATION_CREDENTIALS: credentialsFile,
      // No gcloud ADC file of the machine's, no metadata-server probing.
      CLOUDSDK_CONFIG: gcloudDir,
      METADATA_SERVER_DETECTION: 'none',
      // google-auth-library resolves the credentials' project while it sets them up; the env var spares it a network lookup.
      GOOGLE_CLOUD_PROJECT: project,
    },
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A Google API error reply: `{"error": {code, message, status, details}}`. */
export function googleError(status: number, googleStatus: string, message: string, details: object[] = []): FakeHandler {
  return json(status, { error: { code: status, message, status: googleStatus, ...(details.length ? { details } : {}) } });
}

/** What a request to the fake Vertex AI addressed (from its path). */
export interface VertexTarget {
  project: string;
  location: string;
  publisher: 'google' | 'anthropic';
  model: string;
  method: string;
}

const VERTEX_PATH = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/(google|anthropic)\/models\/([^/:]+):([A-Za-z]+)$/;

export function vertexTarget(record: RecordedRequest): VertexTarget | null {
  const m = VERTEX_PATH.exec(record.path);
  if (!m) return null;
  return { project: m[1]!, location: m[2]!, publisher: m[3] as 'google' | 'anthropic', model: decodeURIComponent(m[4]!), method: m[5]! };
}

const METHODS: Record<'google' | 'anthropic', string[]> = {
  google: ['generateContent', 'streamGenerateContent', 'countTokens', 'predict'],
  anthropic: ['rawPredict', 'streamRawPredict'],
};

export interface FakeVertex extends FakeHandler {
  /** Answer the request carrying `x-request-id: id` with `handler` (after the path and token checks). */
  on(id: string, handler: FakeHandler): void;
  /** Tokens answered with 401 from now on. */
  revoke(token: string): void;
  /** Every token answered with 401 (until `acceptTokens`). */
  rejectAllTokens(): void;
  acceptTokens(): void;
}

/**
 * A fake Vertex AI: a request whose path is not a Vertex model method gets Google's 404; one
 * without `authorization: Bearer vertex-token-N` (or with a revoked token) Google's 401; the rest
 * the handler registered for its request id, else a recorded fixture (gemini/google-text for
 * Gemini, anthropic/anthropic-text for Claude; streamed when the method streams); Google's text
 * embeddings `:predict` answers through its documented rules (fake-vertex-embeddings.ts).
 */
export function fakeVertex(): FakeVertex {
  const handlers = new Map<string, FakeHandler>();
  const revoked = new Set<string>();
  let rejectAll = false;
  const handler: FakeHandler = (req, res, record) => {
    const target = vertexTarget(record);
    const known =
      target !== null &&
      (METHODS[target.publisher].includes(target.method) || (target.model === 'count-tokens' && target.method === 'rawPredict'));
    if (req.method !== 'POST' || !known) {
      return googleError(404, 'NOT_FOUND', `fake Vertex: no route for ${req.method} ${record.path}`)(req, res, record);
    }
    const token = /^Bearer (vertex-token-\d+)$/.exec(String(record.headers.authorization ?? ''))?.[1];
    if (!token || revoked.has(token) || rejectAll) {
      return googleError(
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      )(req, res, record);
    }
    const id = record.headers['x-request-id'];
    const scripted = typeof id === 'string' ? handlers.get(id) : undefined;
    if (scripted) return scripted(req, res, record);
    // Text embeddings: the documented rules, then vectors (fake-vertex-embeddings.ts).
    if (target!.method === 'predict') return vertexEmbeddingsPredict(target!.model)(req, res, record);
    const fixture = target!.publisher === 'google' ? 'gemini/google-text' : 'anthropic/anthropic-text';
    return replayFixture(fixture, { variant: target!.method.startsWith('stream') ? 'stream' : 'json' })(req, res, record);
  };
  return Object.assign(handler, {
    on: (id: string, h: FakeHandler) => void handlers.set(id, h),
    revoke: (token: string) => void revoked.add(token),
    rejectAllTokens: () => void (rejectAll = true),
    acceptTokens: () => void (rejectAll = false),
  });
}
