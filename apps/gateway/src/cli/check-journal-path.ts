import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, describeFsError, type SwitchyardConfig } from '@switchyard/kernel';

/** The closest path at or above `file` that exists, or undefined (nothing up to the root does). */
function nearestExisting(file: string): string | undefined {
  for (let p = file; ; p = path.dirname(p)) {
    try {
      statSync(p);
      return p;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw err;
    }
    if (path.dirname(p) === p) return undefined;
  }
}

/**
 * `--check`'s test that the journal could be opened for appending, without creating anything:
 * the file is writable if it exists; otherwise the nearest existing parent is a directory the
 * gateway may create entries in (start-up creates the missing directories). Throws a ConfigError
 * naming `journal.path`, with the same text as a failed start. Nothing to test when the journal
 * is off or writes to stdout ("-").
 */
export function checkJournalPath(journal: SwitchyardConfig['journal'] | undefined, cwd: string): void {
  if (!journal?.enabled || journal.path === '-') return;
  const file = path.resolve(cwd, journal.path);
  try {
    const existing = nearestExisting(file);
    if (existing === file) {
      if (statSync(file).isDirectory()) throw Object.assign(new Error('it is a directory'), { code: 'EISDIR', path: file });
      accessSync(file, constants.W_OK);
    } else if (existing !== undefined) {
      if (!statSync(existing).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR', path: existing });
      accessSync(existing, constants.W_OK | constants.X_OK);
    }
  } catch (err) {
    throw new ConfigError(`journal.path: cannot write the journal file ${journal.path}: ${describeFsError(err)}`);
  }
}
