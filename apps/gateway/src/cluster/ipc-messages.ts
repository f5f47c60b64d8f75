import type { ConcurrencyLimits } from '@switchyard/kernel';
import type { GovernanceAnswer, GovernanceCall } from './ipc-governance-messages.js';

/**
 * Messages between the primary and the workers of a multi-worker gateway (node:cluster IPC).
 * Every message carries `sy` so other users of the channel (Node's own cluster messages) are
 * told apart.
 */
export type WorkerToPrimary =
  | { sy: 'acquire'; id: number; backendId: string; limits: ConcurrencyLimits }
  | { sy: 'cancel'; id: number }
  | { sy: 'release'; id: number }
  | { sy: 'cooldown'; backendId: string; realModel: string; untilMs: number }
  | { sy: 'journal'; lines: string[] }
  | { sy: 'metrics'; id: number; snapshot: unknown }
  | { sy: 'reloaded'; id: number; result: 'success' | 'failure' | 'skipped'; error?: string }
  | GovernanceCall;

export type PrimaryToWorker =
  | { sy: 'granted'; id: number }
  | { sy: 'rejected'; id: number; error: { status: number; message: string; code?: string; headers?: Record<string, string> } }
  | { sy: 'cooldown'; backendId: string; realModel: string; untilMs: number }
  | { sy: 'collect'; id: number }
  | { sy: 'reload'; id: number; trigger: string }
  | { sy: 'shutdown' }
  | GovernanceAnswer;

export function isSwitchyardMessage(m: unknown): m is { sy: string } {
  return typeof m === 'object' && m !== null && typeof (m as { sy?: unknown }).sy === 'string';
}
