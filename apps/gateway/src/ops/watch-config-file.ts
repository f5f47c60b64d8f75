import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import type { KernelLogger } from '@switchyard/kernel';

export interface ConfigWatcher {
  close(): void;
}

export interface WatchConfigOptions {
  logger: KernelLogger;
  /** Quiet time after the last file-system event before the file is compared (default 300 ms). */
  debounceMs?: number;
}

/** The file's contents as a digest, or null while it cannot be read. */
function fingerprint(file: string): string | null {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return null;
  }
}

/**
 * `--watch`: calls `onChange` when the configuration file's contents change. It watches the
 * DIRECTORY holding the file (and, when the file is a symlink, the directory of its target), so
 * replacements are seen however they are made: an editor's write-and-rename, or a Kubernetes
 * ConfigMap update, which swaps the `..data` symlink (`config.yaml -> ..data/config.yaml`,
 * `..data -> ..2026_…`) and never touches `config.yaml` itself. Events are debounced and the
 * contents compared, so one change gives one call and a touch without a change gives none; a
 * moment where the file is missing or unreadable is skipped (the next event re-checks).
 */
export function watchConfigFile(file: string, onChange: () => void, options: WatchConfigOptions): ConfigWatcher {
  const { logger } = options;
  const debounceMs = options.debounceMs ?? 300;
  const watchers = new Map<string, FSWatcher>();
  let last = fingerprint(file);
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const wanted = (): Set<string> => {
    const dirs = new Set([dirname(file)]);
    try {
      dirs.add(dirname(realpathSync(file)));
    } catch {
      // missing for a moment: the file's own directory still sees it come back
    }
    return dirs;
  };

  const arm = (): void => {
    const dirs = wanted();
    for (const [dir, w] of watchers) {
      if (!dirs.has(dir)) {
        w.close();
        watchers.delete(dir);
      }
    }
    for (const dir of dirs) {
      if (watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, trigger);
        w.on('error', () => {
          // The directory went away (an old ConfigMap generation): re-armed on the next check.
          w.close();
          if (watchers.get(dir) === w) watchers.delete(dir);
          trigger();
        });
        watchers.set(dir, w);
      } catch (err) {
        if (dir === dirname(file)) logger.warn({ dir, err: (err as Error).message }, '--watch: cannot watch the configuration directory');
      }
    }
  };

  const check = (): void => {
    timer = null;
    if (closed) return;
    arm();
    const now = fingerprint(file);
    if (now === null || now === last) return;
    last = now;
    logger.info({ file }, '--watch: the configuration file changed; reloading');
    onChange();
  };

  function trigger(): void {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, debounceMs);
    timer.unref();
  }

  arm();
  logger.info({ file, dirs: [...watchers.keys()] }, '--watch: reloading the configuration when it changes');
  return {
    close(): void {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
