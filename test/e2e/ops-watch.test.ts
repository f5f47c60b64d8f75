/**
 * Issue #9: `--watch` reloads the configuration file when it changes, watching its directory, so
 * a Kubernetes ConfigMap update (the `..data` symlink swapped atomically, `config.yaml` itself
 * untouched) is seen, and so is an in-place edit; a save that does not change the contents does
 * not reload.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { stringify as toYaml } from 'yaml';
import { post, waitFor } from '../helpers/e2e.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';

const config = (realModel: string) =>
  toYaml({
    backends: [{ id: 'm', type: 'mock', models: ['*'] }],
    routes: [{ virtual_model: 'chat', backend: 'm', real_model: realModel }],
  });

async function realModel(gw: RunningGateway): Promise<string | null> {
  const r = await post(`${gw.url}/v1/chat/completions`, { model: 'chat', messages: [{ role: 'user', content: 'x' }] });
  assert.equal(r.status, 200, r.text);
  return r.headers.get('x-switchyard-real-model');
}

const reloads = (gw: RunningGateway) => gw.stderr().split('configuration reloaded').length - 1;

describe('--watch', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'switchyard-watch-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('sees a Kubernetes ConfigMap update (atomic ..data symlink swap)', async () => {
    // The layout the kubelet writes: config.yaml -> ..data/config.yaml, ..data -> ..2026_01_01…
    const cm = path.join(dir, 'configmap');
    mkdirSync(path.join(cm, '..2026_01_01_00_00_00.1'), { recursive: true });
    writeFileSync(path.join(cm, '..2026_01_01_00_00_00.1', 'config.yaml'), config('generation-1'));
    symlinkSync('..2026_01_01_00_00_00.1', path.join(cm, '..data'));
    symlinkSync('..data/config.yaml', path.join(cm, 'config.yaml'));

    const gw = await startGateway({ configFile: path.join(cm, 'config.yaml'), args: ['--watch'] });
    try {
      assert.equal(await realModel(gw), 'generation-1');
      await gw.waitForOutput('--watch: reloading the configuration when it changes');

      // The kubelet's update: a new timestamped directory, a ..data_tmp link to it renamed over ..data, the old one removed.
      mkdirSync(path.join(cm, '..2026_01_01_00_05_00.2'));
      writeFileSync(path.join(cm, '..2026_01_01_00_05_00.2', 'config.yaml'), config('generation-2'));
      symlinkSync('..2026_01_01_00_05_00.2', path.join(cm, '..data_tmp'));
      renameSync(path.join(cm, '..data_tmp'), path.join(cm, '..data'));
      rmSync(path.join(cm, '..2026_01_01_00_00_00.1'), { recursive: true });

      await waitFor(() => reloads(gw) === 1, 10_000, 'the reload after the ConfigMap swap');
      assert.equal(await realModel(gw), 'generation-2');

      // A second generation works the same (the watcher survived the removal of the old directory).
      mkdirSync(path.join(cm, '..2026_01_01_00_10_00.3'));
      writeFileSync(path.join(cm, '..2026_01_01_00_10_00.3', 'config.yaml'), config('generation-3'));
      symlinkSync('..2026_01_01_00_10_00.3', path.join(cm, '..data_tmp'));
      renameSync(path.join(cm, '..data_tmp'), path.join(cm, '..data'));
      rmSync(path.join(cm, '..2026_01_01_00_05_00.2'), { recursive: true });
      await waitFor(() => reloads(gw) === 2, 10_000, 'the reload after the second swap');
      assert.equal(await realModel(gw), 'generation-3');
    } finally {
      await gw.stop('SIGKILL');
    }
  });

  it('sees an in-place edit; several quick writes give one reload; an unchanged save none', async () => {
    const file = path.join(dir, 'plain.yaml');
    writeFileSync(file, config('edit-0'));
    const gw = await startGateway({ configFile: file, args: ['--watch'] });
    try {
      await gw.waitForOutput('--watch: reloading the configuration when it changes');
      for (let i = 1; i <= 5; i++) writeFileSync(file, config(`edit-${i}`));
      await waitFor(() => reloads(gw) >= 1, 10_000, 'the reload after the edits');
      await delay(800);
      assert.equal(reloads(gw), 1, 'debounced: one reload for a burst of writes');
      assert.equal(await realModel(gw), 'edit-5');

      // Same contents, new mtime: no reload.
      writeFileSync(file, config('edit-5'));
      utimesSync(file, new Date(), new Date());
      await delay(1000);
      assert.equal(reloads(gw), 1, 'an unchanged file does not reload');

      // An invalid edit is rejected; the old configuration stays.
      writeFileSync(file, 'backends: nope\n');
      await gw.waitForOutput('configuration reload failed');
      assert.equal(await realModel(gw), 'edit-5');
    } finally {
      await gw.stop('SIGKILL');
    }
  });
});
