import { GatewayError, type ConcurrencyLimits, type SharedLimits } from '@switchyard/kernel';
import type { PrimaryToWorker, WorkerToPrimary } from './ipc-messages.js';

interface Pending {
  resolve: (release: () => void) => void;
  reject: (err: Error) => void;
}

/**
 * A worker's side of machine-wide backend limits: slots come from the primary (PrimaryArbiter)
 * over IPC; a client that goes away while queued leaves the primary's queue; cooldowns set here
 * go to the other workers through the primary.
 */
export class IpcSharedLimits implements SharedLimits {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly send: (message: WorkerToPrimary) => void) {}

  acquire(backendId: string, limits: ConcurrencyLimits, signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.pending.delete(id);
        this.send({ sy: 'cancel', id });
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (release) => {
          signal.removeEventListener('abort', onAbort);
          resolve(release);
        },
        reject: (err) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      });
      this.send({ sy: 'acquire', id, backendId, limits });
    });
  }

  coolDown(backendId: string, realModel: string, untilMs: number): void {
    this.send({ sy: 'cooldown', backendId, realModel, untilMs });
  }

  /** The primary's answers; false when the message is not one of these. */
  handle(message: PrimaryToWorker): boolean {
    if (message.sy !== 'granted' && message.sy !== 'rejected') return false;
    const p = this.pending.get(message.id);
    if (!p) {
      if (message.sy === 'granted') this.send({ sy: 'release', id: message.id }); // aborted meanwhile
      return true;
    }
    this.pending.delete(message.id);
    if (message.sy === 'granted') {
      let released = false;
      p.resolve(() => {
        if (released) return;
        released = true;
        this.send({ sy: 'release', id: message.id });
      });
    } else {
      const e = message.error;
      p.reject(new GatewayError({ status: e.status, kind: 'unavailable', message: e.message, code: e.code, headers: e.headers }));
    }
    return true;
  }
}
