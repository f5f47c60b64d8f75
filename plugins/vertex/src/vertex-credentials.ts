import { GatewayError, type SecretRedactor } from '@switchyard/plugin-sdk';
import type { AuthClient, GoogleAuth } from 'google-auth-library';

/** The OAuth scope Vertex AI needs. */
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** How long the gateway waits for a token (metadata server, token endpoint) before a 504. */
const TOKEN_TIMEOUT_MS = 60_000;

/** Headers that carry a backend's credential on one request. */
export type AuthHeaders = Record<string, string>;

/** Where a gcp-vertex backend's credentials come from (auth_type). */
export interface VertexCredentials {
  /** Headers for the next request (a cached token while it is valid). */
  headers(signal: AbortSignal): Promise<AuthHeaders>;
  /**
   * After Vertex answered 401 to a request sent with `used`: headers with a fresh token (one
   * forced refresh, shared by concurrent callers; none when another caller already refreshed),
   * or null when this kind of credential cannot be refreshed.
   */
  refreshed(used: AuthHeaders, signal: AbortSignal): Promise<AuthHeaders | null>;
  /** The project of the credentials (for a backend without `project`); undefined when unknown. */
  projectId(signal: AbortSignal): Promise<string | undefined>;
}

/** Rejects when `signal` aborts or the token takes too long. */
async function bounded<T>(work: Promise<T>, signal: AbortSignal, backendId: string): Promise<T> {
  const timeout = AbortSignal.timeout(TOKEN_TIMEOUT_MS);
  const either = AbortSignal.any([signal, timeout]);
  if (either.aborted)
    throw signal.aborted ? signal.reason : GatewayError.gatewayTimeout(`backend ${backendId} timed out getting a Google access token`);
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () =>
      reject(signal.aborted ? signal.reason : GatewayError.gatewayTimeout(`backend ${backendId} timed out getting a Google access token`));
    either.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    either.removeEventListener('abort', onAbort);
  }
}

/**
 * Application Default Credentials through google-auth-library, in the library's order
 * (GOOGLE_APPLICATION_CREDENTIALS, the gcloud ADC file, the metadata server), scope
 * cloud-platform. The library caches and refreshes tokens; this class keeps none of its own.
 * Nothing is looked up before the first request (no metadata-server probe at start-up), and a
 * failed lookup is retried by the next request. Tokens are never logged.
 */
export class AdcCredentials implements VertexCredentials {
  private auth: GoogleAuth | null = null;
  private client: Promise<AuthClient> | null = null;
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly backendId: string,
    private readonly redactor: SecretRedactor,
  ) {}

  async headers(signal: AbortSignal): Promise<AuthHeaders> {
    return bounded(this.read(), signal, this.backendId).catch((err: unknown) => {
      throw this.failure(err);
    });
  }

  async refreshed(used: AuthHeaders, signal: AbortSignal): Promise<AuthHeaders | null> {
    const work = async (): Promise<AuthHeaders> => {
      const current = await this.read();
      if (current.authorization !== used.authorization) return current;
      const client = await this.authClient();
      this.refreshing ??= forceRefresh(client).finally(() => (this.refreshing = null));
      await this.refreshing;
      return this.read();
    };
    return bounded(work(), signal, this.backendId).catch((err: unknown) => {
      throw this.failure(err);
    });
  }

  async projectId(signal: AbortSignal): Promise<string | undefined> {
    try {
      return (
        (await bounded(
          this.googleAuth().then((auth) => auth.getProjectId()),
          signal,
          this.backendId,
        )) || undefined
      );
    } catch (err) {
      if (signal.aborted || err instanceof GatewayError) throw err;
      return undefined;
    }
  }

  /** The library is loaded on first use: a gateway without a gcp-vertex request never pays for it. */
  private async googleAuth(): Promise<GoogleAuth> {
    if (!this.auth) {
      const { GoogleAuth } = await import('google-auth-library');
      this.auth ??= new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] });
    }
    return this.auth;
  }

  private authClient(): Promise<AuthClient> {
    this.client ??= this.googleAuth()
      .then((auth) => auth.getClient())
      .catch((err: unknown) => {
        // Not found now (no credentials yet, metadata server not up): look again next time.
        this.client = null;
        this.auth = null;
        throw err;
      });
    return this.client;
  }

  private async read(): Promise<AuthHeaders> {
    const client = await this.authClient();
    const headers = await client.getRequestHeaders();
    const out: AuthHeaders = {};
    headers.forEach((value, name) => (out[name.toLowerCase()] = value));
    if (!out.authorization) throw new Error('the credentials gave no access token');
    return out;
  }

  private failure(err: unknown): unknown {
    if (err instanceof GatewayError) return err;
    if ((err as { name?: string })?.name === 'AbortError') return err;
    const message = this.redactor.redact(err instanceof Error ? err.message : String(err));
    return new GatewayError({
      status: 502,
      kind: 'upstream',
      code: 'upstream_auth_failed',
      message: `backend ${this.backendId} could not get a Google access token (Application Default Credentials): ${message}`,
    });
  }
}

/**
 * One forced token refresh, as the library itself does when an API answers 401
 * (AuthClient.request): its refreshAccessTokenAsync, on every client kind that has one
 * (user, service account, compute, impersonated, external account).
 */
async function forceRefresh(client: AuthClient): Promise<void> {
  const refresh = (client as unknown as { refreshAccessTokenAsync?: () => Promise<unknown> }).refreshAccessTokenAsync;
  if (typeof refresh === 'function') await refresh.call(client);
}

/** `auth_type: bearer`: the configured api_key sent as a bearer token (a token minted elsewhere). */
export class StaticCredentials implements VertexCredentials {
  constructor(private readonly token: string | undefined) {}

  headers(): Promise<AuthHeaders> {
    const headers: AuthHeaders = this.token ? { authorization: `Bearer ${this.token}` } : {};
    return Promise.resolve(headers);
  }

  refreshed(): Promise<AuthHeaders | null> {
    return Promise.resolve(null);
  }

  projectId(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }
}
