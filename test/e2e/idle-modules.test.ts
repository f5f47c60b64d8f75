/**
 * Issue #19, idle memory: a gateway loads only the code its configuration uses. Without
 * `state.redis` it never loads ioredis, without OTLP never the OTLP exporter, and never the JSON
 * schema generator (class-validator-jsonschema) nor nestjs-otel's host metrics (systeminformation).
 * With OTLP configured, the exporter is loaded and export is on.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { startGateway } from '../helpers/start-gateway.js';

/** Loaded into the gateway with --import: records every module URL resolved, written out at exit. */
const RECORDER = `
import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';
const seen = new Set();
registerHooks({
  resolve(specifier, context, next) {
    const r = next(specifier, context);
    seen.add(r.url);
    return r;
  },
});
process.on('exit', () => writeFileSync(process.env.MODULES_OUT, [...seen].join('\\n')));
`;

const CONFIG = {
  logging: { level: 'info' },
  backends: [{ id: 'demo', type: 'mock', models: ['mock'] }],
};

/** The module URLs a gateway with `env` resolved from start to a graceful stop. */
async function modulesLoaded(env: Record<string, string>): Promise<{ modules: string[]; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-modules-'));
  const recorder = join(dir, 'record-modules.mjs');
  writeFileSync(recorder, RECORDER);
  const out = join(dir, 'modules.txt');
  const gw = await startGateway({
    config: CONFIG,
    env: { ...env, MODULES_OUT: out, NODE_OPTIONS: `--import ${pathToFileURL(recorder).href}` },
  });
  // One model request, so that what serving loads is loaded.
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'mock', messages: [{ role: 'user', content: 'hi' }] }),
  });
  assert.equal(res.status, 200);
  await res.arrayBuffer();
  const output = gw.stdout() + gw.stderr();
  assert.equal(await gw.stop(), 0);
  return { modules: readFileSync(out, 'utf8').split('\n'), output };
}

const loads = (modules: string[], pkg: string): boolean => modules.some((url) => url.includes(`/node_modules/${pkg}/`));

describe('idle memory: modules a configuration does not use are not loaded (issue #19)', () => {
  it('without Redis or OTLP: no ioredis, no OTLP exporter, no schema generator, no host metrics', async () => {
    const { modules } = await modulesLoaded({ OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: '' });
    assert.ok(loads(modules, 'fastify') && loads(modules, 'undici'), 'the recorder sees the gateway load its modules');
    for (const pkg of [
      'ioredis',
      '@opentelemetry/exporter-metrics-otlp-http',
      'class-validator-jsonschema',
      'systeminformation',
      '@opentelemetry/host-metrics',
    ]) {
      assert.equal(loads(modules, pkg), false, `${pkg} is not loaded`);
    }
  });

  it('with OTLP configured, the exporter is loaded and export is on', async () => {
    const { modules, output } = await modulesLoaded({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    assert.ok(loads(modules, '@opentelemetry/exporter-metrics-otlp-http'));
    assert.match(output, /OTLP metrics export on/);
  });
});
