/**
 * Issue #9: the kernel's BackendMonitor — one background loop per backend for its probe and its
 * model listing; down on failure, up on recovery; skip_probe never probed; a reload (sync) moves
 * the loops to the new runtime's adapters.
 */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  BackendMonitor,
  buildConfig,
  GatewayRuntime,
  PluginRegistry,
  silentLogger,
  type ModelInfo,
  type ProviderAdapter,
  type ProviderPlugin,
} from '@switchyard/kernel';

interface Script {
  probe?: () => Promise<void>;
  listModels?: () => Promise<ModelInfo[]>;
  probes: number;
  listings: number;
  closed: boolean;
}

/** A registry whose `scripted` backends get adapters driven by `scripts[backend id]`. */
function registryWith(scripts: Record<string, Script>): PluginRegistry {
  const plugin: ProviderPlugin = {
    type: 'scripted',
    nativeProtocols: ['openai.chat'],
    createAdapter(config) {
      const s = scripts[config.id]!;
      const adapter: ProviderAdapter = {
        backendId: config.id,
        wireProtocolFor: () => 'openai.chat',
        send: () => Promise.reject(new Error('not used')),
        close: async () => void (s.closed = true),
      };
      if (s.probe) adapter.probe = () => (s.probes++, s.probe!());
      if (s.listModels) adapter.listModels = () => (s.listings++, s.listModels!());
      return adapter;
    },
  };
  return new PluginRegistry().register(plugin);
}

const script = (parts: Partial<Script> = {}): Script => ({ probes: 0, listings: 0, closed: false, ...parts });

async function runtime(yaml: string, registry: PluginRegistry): Promise<GatewayRuntime> {
  const { config } = await buildConfig(parse(yaml), { source: 'test.yaml', baseDir: '.', env: {}, registry });
  return new GatewayRuntime({ config, registry, logger: silentLogger() });
}

async function until(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

describe('BackendMonitor', () => {
  it('probes on the interval: down when the probe throws, up again when it succeeds', async () => {
    let healthy = true;
    const s = script({
      probe: async () =>
        void (
          healthy ||
          (() => {
            throw new Error('GET /v1/models answered 503');
          })()
        ),
    });
    const rt = await runtime(
      'server: { probe_interval_seconds: 0.1 }\nbackends: [{ id: a, type: scripted, models: ["*"] }]',
      registryWith({ a: s }),
    );
    const monitor = new BackendMonitor({ runtime: () => rt, logger: silentLogger() });
    assert.equal(monitor.get('a')!.status, 'unknown', 'unknown before the first check');
    monitor.start();
    try {
      await until(() => monitor.get('a')!.status === 'up', 'up');
      const upSince = monitor.get('a')!.since;
      healthy = false;
      await until(() => monitor.get('a')!.status === 'down', 'down');
      assert.equal(monitor.get('a')!.error, 'GET /v1/models answered 503');
      assert.ok(monitor.get('a')!.since! >= upSince!);
      healthy = true;
      await until(() => monitor.get('a')!.status === 'up', 'up again');
      const n = s.probes;
      await delay(350);
      assert.ok(s.probes - n >= 1 && s.probes - n <= 5, `about one probe per 100 ms, got ${s.probes - n}`);
    } finally {
      monitor.stop();
    }
    const n = s.probes;
    await delay(250);
    assert.equal(s.probes, n, 'no probe after stop()');
  });

  it('a successful model listing counts as the probe; a failed one falls back to the probe', async () => {
    let listingFails = false;
    const s = script({
      probe: async () => {},
      listModels: async () => {
        if (listingFails) throw new Error('listing failed');
        return [{ id: 'm1' }];
      },
    });
    const listings: Array<[string, string[] | null]> = [];
    const rt = await runtime(
      'server: { probe_interval_seconds: 60, models_refresh_seconds: 60 }\nbackends: [{ id: a, type: scripted, models: ["*"] }]',
      registryWith({ a: s }),
    );
    const monitor = new BackendMonitor({
      runtime: () => rt,
      logger: silentLogger(),
      onListing: (id, models) => listings.push([id, models?.map((m) => m.id) ?? null]),
    });
    monitor.start();
    try {
      await until(() => monitor.get('a')!.status === 'up', 'up');
      assert.deepEqual(listings, [['a', ['m1']]]);
      assert.equal(s.probes, 0, 'the listing was the probe');
      listingFails = true;
      (monitor as unknown as { loops: Map<string, { nextListAt: number }> }).loops.get('a')!.nextListAt = 0;
      await monitor.checkNow();
      assert.deepEqual(listings.at(-1), ['a', null]);
      assert.equal(s.probes, 1, 'a failed listing is followed by a probe');
      assert.equal(monitor.get('a')!.status, 'up', 'the probe decides');
    } finally {
      monitor.stop();
    }
  });

  it('skip_probe: never probed, counts as up; its models are still listed', async () => {
    const s = script({
      probe: async () => assert.fail('probed'),
      listModels: async () => {
        throw new Error('no /models here');
      },
    });
    const rt = await runtime(
      'server: { probe_interval_seconds: 0.1 }\nbackends: [{ id: a, type: scripted, models: ["*"], skip_probe: true }]',
      registryWith({ a: s }),
    );
    const monitor = new BackendMonitor({ runtime: () => rt, logger: silentLogger() });
    monitor.start();
    try {
      await until(() => monitor.get('a')!.status === 'up', 'up');
      await delay(300);
      assert.deepEqual({ status: monitor.get('a')!.status, probed: monitor.get('a')!.probed }, { status: 'up', probed: false });
      assert.equal(s.probes, 0);
      assert.equal(s.listings, 1, 'listed once (refresh interval 30 s)');
    } finally {
      monitor.stop();
    }
  });

  it('a check that hangs (even ignoring its signal) times out as down and never holds other backends up', async () => {
    const hangs = script({ probe: (() => new Promise<void>(() => {})) as () => Promise<void> });
    const fine = script({ probe: async () => {} });
    // The adapter ignores its signal entirely: the monitor must not wait for it.
    const rt = await runtime(
      'server: { probe_interval_seconds: 0.1 }\nbackends: [{ id: h, type: scripted, models: ["h"] }, { id: f, type: scripted, models: ["f"] }]',
      registryWith({ h: hangs, f: fine }),
    );
    const monitor = new BackendMonitor({ runtime: () => rt, logger: silentLogger() });
    monitor.start();
    try {
      await until(() => monitor.get('f')!.status === 'up', 'the healthy backend up');
      assert.equal(monitor.get('h')!.status, 'unknown');
      await until(() => monitor.get('h')!.status === 'down', 'the hanging backend down after the check timeout (1 s)');
      assert.equal(monitor.get('h')!.error, 'the probe timed out');
      assert.ok(fine.probes >= 3, 'the healthy backend kept being probed meanwhile');
    } finally {
      monitor.stop();
    }
  });

  it('sync() after a swap: loops move to the new adapters; removed backends disappear; kept states stay until re-checked', async () => {
    const old = script({ probe: async () => {} });
    const next = script({ probe: async () => {} });
    const added = script({
      probe: async () => {
        throw new Error('refused');
      },
    });
    const scripts: Record<string, Script> = { a: old, gone: script({ probe: async () => {} }) };
    const registry = registryWith(scripts);
    let current = await runtime(
      'server: { probe_interval_seconds: 0.1 }\nbackends: [{ id: a, type: scripted, models: ["a"] }, { id: gone, type: scripted, models: ["g"] }]',
      registry,
    );
    const monitor = new BackendMonitor({ runtime: () => current, logger: silentLogger() });
    monitor.start();
    try {
      await until(() => monitor.get('a')!.status === 'up' && monitor.get('gone')!.status === 'up', 'both up');
      scripts.a = next;
      scripts.b = added;
      current = await runtime(
        'server: { probe_interval_seconds: 0.1 }\nbackends: [{ id: a, type: scripted, models: ["a"] }, { id: b, type: scripted, models: ["b"] }]',
        registry,
      );
      monitor.sync();
      assert.equal(monitor.get('a')!.status, 'up', 'kept until the new adapter answers');
      assert.equal(monitor.get('gone'), undefined);
      assert.deepEqual(
        monitor.all().map(([id]) => id),
        ['a', 'b'],
      );
      await until(() => next.probes >= 1 && monitor.get('b')!.status === 'down', 'the new adapters checked');
      const oldProbes = old.probes;
      await delay(300);
      assert.equal(old.probes, oldProbes, 'the old adapter is no longer probed');
    } finally {
      monitor.stop();
    }
  });
});
