import path from 'node:path';
import type { GovernanceStore, SwitchyardConfig } from '@switchyard/kernel';
import { LocalGovernanceStore } from './local-governance-store.js';
import { SqliteUsageTable } from './sqlite-usage-table.js';

/**
 * Where client-key counters live (issue #20): in this process, persisted to
 * `governance.store_path` (node:sqlite; relative to the working directory, like journal.path)
 * when it is set, else in memory only.
 */
export function createGovernanceStore(config: SwitchyardConfig): GovernanceStore {
  const file = config.governance?.store_path ?? '';
  return new LocalGovernanceStore(file === '' ? null : new SqliteUsageTable(path.resolve(file)));
}
