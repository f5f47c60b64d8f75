import type { AwsCredentialIdentity } from '@smithy/types';

/** The SDK's memoized chain: cached credentials, or new ones when asked to refresh. */
type CredentialChain = (options?: { forceRefresh?: boolean }) => Promise<AwsCredentialIdentity>;
import { GatewayError, type SecretRedactor } from '@switchyard/plugin-sdk';

/** How long the gateway waits for credentials (SSO, STS, container or instance metadata) before a 504. */
const CREDENTIALS_TIMEOUT_MS = 30_000;

/**
 * A backend's AWS credentials from the SDK's default chain (`fromNodeProviderChain`): the
 * environment, SSO, the shared config and credentials files (`profile`, else AWS_PROFILE),
 * credential_process, web identity (EKS), container and instance metadata, in the SDK's order.
 * The SDK's provider memoizes the credentials and fetches new ones before they expire; this
 * class keeps none of its own. Nothing is looked up before the first request, and a failed
 * lookup is tried again by the next one. Credentials are never logged.
 */
export class BedrockCredentials {
  private provider: CredentialChain | null = null;
  private refreshing: Promise<AwsCredentialIdentity> | null = null;

  constructor(
    private readonly backendId: string,
    private readonly profile: string | undefined,
    private readonly redactor: SecretRedactor,
  ) {}

  async get(signal?: AbortSignal): Promise<AwsCredentialIdentity> {
    try {
      return await bounded(
        this.chain().then((p) => p()),
        signal,
      );
    } catch (err) {
      throw await this.failure(err);
    }
  }

  /**
   * After Bedrock said ExpiredTokenException to a request signed with `used` while the SDK still
   * held them valid (a revoked session, a skewed clock): new credentials, forced once and shared by
   * concurrent callers; the current ones when another caller already replaced `used`.
   */
  async refreshed(used: AwsCredentialIdentity, signal?: AbortSignal): Promise<AwsCredentialIdentity> {
    try {
      const current = await bounded(
        this.chain().then((p) => p()),
        signal,
      );
      if (current.accessKeyId !== used.accessKeyId || current.sessionToken !== used.sessionToken) return current;
      this.refreshing ??= this.chain()
        .then((p) => p({ forceRefresh: true }))
        .finally(() => (this.refreshing = null));
      return await bounded(this.refreshing, signal);
    } catch (err) {
      throw await this.failure(err);
    }
  }

  /** The SDK is loaded on first use: a gateway without a Bedrock request never pays for it. */
  private async chain(): Promise<CredentialChain> {
    if (!this.provider) {
      const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
      this.provider ??= fromNodeProviderChain(this.profile ? { profile: this.profile } : {});
    }
    return this.provider;
  }

  private async failure(err: unknown): Promise<unknown> {
    if (err instanceof GatewayError) return err;
    if ((err as { name?: string })?.name === 'AbortError') return err;
    // A failed chain is built again next time (a provider that failed may work later: SSO login, metadata up).
    this.provider = null;
    const reason = this.redactor.redact(err instanceof Error ? err.message : String(err));
    const missing = this.profile && !(await profileExists(this.profile));
    return new GatewayError({
      status: 502,
      kind: 'upstream',
      code: 'upstream_auth_failed',
      message: missing
        ? `backend ${this.backendId}: profile: "${this.profile}" is in neither the AWS config file nor the credentials file (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/config and ~/.aws/credentials)`
        : `backend ${this.backendId} could not get AWS credentials${this.profile ? ` (profile: "${this.profile}")` : ''}: ${reason}`,
    });
  }
}

/** Whether the shared config or credentials file names this profile (read as the SDK reads them). */
async function profileExists(profile: string): Promise<boolean> {
  try {
    const { loadSharedConfigFiles } = await import('@smithy/core/config');
    const files = await loadSharedConfigFiles({ ignoreCache: true });
    return Object.hasOwn(files.configFile, profile) || Object.hasOwn(files.credentialsFile, profile);
  } catch {
    return true;
  }
}

/** Rejects when `signal` aborts or the credentials take too long. */
async function bounded<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  const timeout = AbortSignal.timeout(CREDENTIALS_TIMEOUT_MS);
  const either = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const reason = (): unknown => (signal?.aborted ? signal.reason : GatewayError.gatewayTimeout('timed out getting AWS credentials'));
  if (either.aborted) throw reason();
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(reason());
    either.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    either.removeEventListener('abort', onAbort);
  }
}
