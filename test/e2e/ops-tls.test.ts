/**
 * Issue #9: `server.tls` serves HTTPS with a certificate made in the test (openssl CLI); a SIGHUP
 * after the files were replaced serves the new certificate on new connections; a broken pair is
 * rejected on reload and the old one stays. A warning at start when the API listens on a
 * non-loopback address with neither TLS nor an API key.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify as toYaml } from 'yaml';
import { waitFor } from '../helpers/e2e.js';
import { httpsGet, makeTestCa, type TestCertificates } from '../helpers/ops.js';
import { freePort, runCli, startGateway, type RunningGateway } from '../helpers/start-gateway.js';

const EXPOSED_WARNING = 'with neither TLS nor an API key';

describe('HTTPS with server.tls', () => {
  let dir: string;
  let ca: TestCertificates;
  let first: ReturnType<TestCertificates['cert']>;
  let second: ReturnType<TestCertificates['cert']>;
  let gw: RunningGateway;
  let url: string;
  const live = { cert: '', key: '' };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'switchyard-tls-'));
    ca = makeTestCa(dir);
    first = ca.cert('first');
    second = ca.cert('second');
    live.cert = path.join(dir, 'tls.crt');
    live.key = path.join(dir, 'tls.key');
    copyFileSync(first.cert, live.cert);
    copyFileSync(first.key, live.key);
    const port = await freePort();
    const metricsPort = await freePort();
    const configFile = path.join(dir, 'switchyard.yaml');
    writeFileSync(
      configFile,
      toYaml({
        // Non-loopback with TLS (and no key): no exposure warning.
        server: { host: '0.0.0.0', port, tls: { cert: live.cert, key: live.key } },
        telemetry: { prometheus: { host: '127.0.0.1', port: metricsPort } },
        backends: [{ id: 'm', type: 'mock', models: ['*'] }],
      }),
    );
    gw = await startGateway({ configFile, listen: false });
    url = `https://127.0.0.1:${port}`;
    await waitFor(
      async () => {
        try {
          return (await httpsGet(`${url}/healthz`, ca.caCert)).status === 200;
        } catch {
          return false;
        }
      },
      20_000,
      'the HTTPS listener',
    );
  });
  after(async () => {
    await gw?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with the configured certificate, trusted through the test CA', async () => {
    const r = await httpsGet(`${url}/healthz`, ca.caCert);
    assert.equal(r.status, 200);
    assert.equal(r.fingerprint, first.fingerprint);
    assert.match(gw.stderr(), /Switchyard listening on https:\/\//);
    assert.equal(gw.stderr().includes(EXPOSED_WARNING), false, 'TLS on: no exposure warning');
  });

  it('plain HTTP on the HTTPS port gets no answer', async () => {
    await assert.rejects(fetch(url.replace('https:', 'http:') + '/healthz', { signal: AbortSignal.timeout(3000) }));
  });

  it('SIGHUP after replacing the files: new connections get the new certificate', async () => {
    copyFileSync(second.cert, live.cert);
    copyFileSync(second.key, live.key);
    gw.kill('SIGHUP');
    await gw.waitForOutput('configuration reloaded');
    const r = await httpsGet(`${url}/healthz`, ca.caCert);
    assert.equal(r.status, 200);
    assert.equal(r.fingerprint, second.fingerprint);
  });

  it('a certificate and key that do not match are rejected on reload; the current certificate stays', async () => {
    copyFileSync(first.cert, live.cert); // the second key stays: a mismatched pair
    gw.kill('SIGHUP');
    await gw.waitForOutput('configuration reload failed');
    assert.match(gw.stderr(), /server\.tls: the certificate .* cannot be used/);
    const r = await httpsGet(`${url}/healthz`, ca.caCert);
    assert.equal(r.status, 200);
    assert.equal(r.fingerprint, second.fingerprint);
  });
});

describe('--check and server.tls', () => {
  it('fails, naming the key, when the files are missing or do not belong together', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-tls-check-'));
    try {
      const ca = makeTestCa(dir);
      const a = ca.cert('a');
      const b = ca.cert('b');
      const check = (tls: object) => {
        const file = path.join(dir, 'check.yaml');
        writeFileSync(file, toYaml({ server: { tls }, backends: [{ id: 'm', type: 'mock' }] }));
        return runCli(['--config', file, '--check']);
      };
      assert.equal((await check({ cert: a.cert, key: a.key })).code, 0);
      const mismatched = await check({ cert: a.cert, key: b.key });
      assert.equal(mismatched.code, 1);
      assert.match(mismatched.stderr, /server\.tls: the certificate .* cannot be used/);
      const missing = await check({ cert: path.join(dir, 'nope.crt'), key: a.key });
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /server\.tls\.cert: cannot read .*nope\.crt: no such file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the exposure warning', () => {
  it('warns when listening on a non-loopback address with neither TLS nor an API key', async () => {
    const port = await freePort();
    const gw = await startGateway({
      config: { backends: [{ id: 'm', type: 'mock', models: ['*'] }] },
      args: ['--listen', `0.0.0.0:${port}`],
    });
    try {
      await gw.waitForOutput(EXPOSED_WARNING);
    } finally {
      await gw.stop('SIGKILL');
    }
  });

  it('no warning with an API key, or on loopback', async () => {
    const port = await freePort();
    const withKey = await startGateway({
      config: { server: { api_keys: ['k-123456'] }, backends: [{ id: 'm', type: 'mock', models: ['*'] }] },
      args: ['--listen', `0.0.0.0:${port}`],
    });
    const loopback = await startGateway({ config: { backends: [{ id: 'm', type: 'mock', models: ['*'] }] } });
    try {
      await withKey.waitForOutput('Switchyard listening');
      await loopback.waitForOutput('Switchyard listening');
      await new Promise((r) => setTimeout(r, 300)); // the warning would be logged right after that line
      assert.equal(withKey.stderr().includes(EXPOSED_WARNING), false);
      assert.equal(loopback.stderr().includes(EXPOSED_WARNING), false);
    } finally {
      await withKey.stop('SIGKILL');
      await loopback.stop('SIGKILL');
    }
  });
});
