/**
 * Application Default Credentials through google-auth-library's real code, against local fakes:
 * a fake GCE metadata server (GCE_METADATA_HOST) and a fake STS token endpoint (an
 * external_account credential file). The library caches the token; a forced refresh after a 401
 * asks once, shared by concurrent callers; a caller that already holds a newer token gets it
 * without another request. This file sets process-wide environment variables: node:test runs
 * each file in its own process.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GatewayError, SecretRedactor } from '@switchyard/kernel';
import { AdcCredentials, StaticCredentials } from '@switchyard/plugin-vertex';
import { json, startFakeUpstream, type FakeUpstream } from '../../../test/dist/helpers/fake-upstream.js';
import { startFakeGoogleAuth, type FakeGoogleAuth } from '../../../test/dist/helpers/vertex-e2e.js';

const signal = () => AbortSignal.timeout(20_000);
const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-adc-'));

function clearGoogleEnv(): void {
  for (const k of [
    'GOOGLE_APPLICATION_CREDENTIALS',
    'GOOGLE_CLOUD_PROJECT',
    'GCLOUD_PROJECT',
    'GCE_METADATA_HOST',
    'GCE_METADATA_IP',
    'METADATA_SERVER_DETECTION',
  ])
    delete process.env[k];
  process.env.CLOUDSDK_CONFIG = path.join(dir, 'no-gcloud');
}

after(() => rmSync(dir, { recursive: true, force: true }));

describe('ADC: external account (workload identity federation) through a fake token endpoint', () => {
  let auth: FakeGoogleAuth;

  before(async () => {
    clearGoogleEnv();
    auth = await startFakeGoogleAuth('proj-unit');
    Object.assign(process.env, auth.env);
  });

  after(async () => {
    await auth.close();
    clearGoogleEnv();
  });

  it('a token on first use, cached after; a forced refresh shared by concurrent callers; a stale caller gets the newer token', async () => {
    const creds = new AdcCredentials('vx', new SecretRedactor());
    assert.equal(auth.server.requests.length, 0, 'nothing is asked before the first request');
    const first = await creds.headers(signal());
    assert.deepEqual(first, { authorization: 'Bearer vertex-token-1' });
    assert.deepEqual(await creds.headers(signal()), first);
    assert.equal(auth.server.requests.length, 1);

    const [a, b] = await Promise.all([creds.refreshed(first, signal()), creds.refreshed(first, signal())]);
    assert.deepEqual(a, { authorization: 'Bearer vertex-token-2' });
    assert.deepEqual(b, a);
    assert.equal(auth.server.requests.length, 2, 'one refresh for two callers');
    assert.deepEqual(await creds.refreshed(first, signal()), a, 'already refreshed: no new request');
    assert.equal(auth.server.requests.length, 2);
    assert.equal(await creds.projectId(signal()), 'proj-unit');
  });

  it('a token endpoint failure is a 502 naming the backend, retried by the next request', async () => {
    const creds = new AdcCredentials('vx', new SecretRedactor());
    auth.server.next(json(400, { error: 'invalid_grant', error_description: 'subject token expired' }));
    await assert.rejects(creds.headers(signal()), (err: unknown) => {
      assert.ok(err instanceof GatewayError);
      assert.equal(err.status, 502);
      assert.equal(err.code, 'upstream_auth_failed');
      assert.match(err.message, /^backend vx could not get a Google access token \(Application Default Credentials\): /);
      return true;
    });
    assert.match((await creds.headers(signal())).authorization!, /^Bearer vertex-token-\d+$/);
  });
});

describe('ADC: the GCE metadata server (GCE_METADATA_HOST)', () => {
  let metadata: FakeUpstream;
  let tokens = 0;

  before(async () => {
    clearGoogleEnv();
    metadata = await startFakeUpstream((req, res, record) => {
      const flavor = { 'metadata-flavor': 'Google' };
      if (record.headers['metadata-flavor'] !== 'Google') return json(403, { error: 'missing Metadata-Flavor' })(req, res, record);
      if (record.path === '/computeMetadata/v1/instance/service-accounts/default/token') {
        tokens++;
        return json(200, { access_token: `meta-token-${tokens}`, expires_in: 3599, token_type: 'Bearer' }, flavor)(req, res, record);
      }
      if (record.path === '/computeMetadata/v1/project/project-id') {
        res.writeHead(200, { 'content-type': 'application/text', ...flavor });
        res.end('meta-project');
        return;
      }
      if (record.path.startsWith('/computeMetadata/v1/instance')) return json(200, {}, flavor)(req, res, record);
      return json(404, {}, flavor)(req, res, record);
    });
    process.env.GCE_METADATA_HOST = `127.0.0.1:${metadata.port}`;
  });

  after(async () => {
    await metadata.close();
    clearGoogleEnv();
  });

  it('finds the metadata server, asks it for a cloud-platform token, refreshes once when forced', async () => {
    const creds = new AdcCredentials('vx', new SecretRedactor());
    const first = await creds.headers(signal());
    assert.deepEqual(first, { authorization: 'Bearer meta-token-1' });
    await creds.headers(signal());
    assert.equal(tokens, 1);
    const tokenRequest = metadata.requests.find((r) => r.path.endsWith('/token'))!;
    assert.match(decodeURIComponent(tokenRequest.query), /scopes=https:\/\/www\.googleapis\.com\/auth\/cloud-platform/);
    assert.deepEqual(await creds.refreshed(first, signal()), { authorization: 'Bearer meta-token-2' });
    assert.equal(tokens, 2);
    assert.equal(await creds.projectId(signal()), 'meta-project');
  });
});

describe('auth_type: bearer', () => {
  it('sends the configured token and cannot refresh it', async () => {
    const creds = new StaticCredentials('static-token-1234');
    assert.deepEqual(await creds.headers(), { authorization: 'Bearer static-token-1234' });
    assert.equal(await creds.refreshed(), null);
    assert.deepEqual(await new StaticCredentials(undefined).headers(), {});
  });
});
