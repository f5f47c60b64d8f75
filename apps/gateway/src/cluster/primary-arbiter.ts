import { GatewayError, TargetBalancer, type KernelLogger } from '@switchyard/kernel';
import type { PrimaryToWorker, WorkerToPrimary } from './ipc-messages.js';

interface Grant {
  abort: AbortController;
  release: (() => void) | null;
}

/** A worker as the arbiter sees it: an id and how to send it a message. */
export interface ArbiterPeer {
  id: number;
  send(message: PrimaryToWorker): void;
}

/**
 * The primary's side of machine-wide backend limits (issue #18): workers ask it for a slot over
 * IPC and it answers from one TargetBalancer, the same limiter a single process uses, so
 * max_concurrency, the FIFO queue, its bound and queue_timeout_seconds hold for the machine as a
 * whole. A worker that exits gives back every slot it held and leaves the queue. Cooldowns a
 * worker reports are passed on to the others.
 */
export class PrimaryArbiter {
  private readonly balancer = new TargetBalancer();
  private readonly grants = new Map<number, Map<number, Grant>>();

  constructor(
    private readonly peers: () => Iterable<ArbiterPeer>,
    private readonly logger: KernelLogger,
  ) {}

  /** Handles a worker's limit message; false when the message is not one of these. */
  handle(from: ArbiterPeer, message: WorkerToPrimary): boolean {
    switch (message.sy) {
      case 'acquire':
        this.acquire(from, message.id, message.backendId, message.limits);
        return true;
      case 'cancel':
        this.grantsOf(from.id).get(message.id)?.abort.abort(GatewayError.unavailable('cancelled'));
        return true;
      case 'release': {
        const grants = this.grantsOf(from.id);
        grants.get(message.id)?.release?.();
        grants.delete(message.id);
        return true;
      }
      case 'cooldown':
        for (const peer of this.peers()) if (peer.id !== from.id) peer.send(message);
        return true;
      default:
        return false;
    }
  }

  private grantsOf(workerId: number): Map<number, Grant> {
    let grants = this.grants.get(workerId);
    if (!grants) this.grants.set(workerId, (grants = new Map()));
    return grants;
  }

  private acquire(from: ArbiterPeer, id: number, backendId: string, limits: Parameters<TargetBalancer['acquireLocal']>[1]): void {
    const grants = this.grantsOf(from.id);
    const grant: Grant = { abort: new AbortController(), release: null };
    grants.set(id, grant);
    this.balancer.acquireLocal(backendId, limits, grant.abort.signal).then(
      (release) => {
        if (grants.get(id) !== grant) return release(); // the worker went away meanwhile
        grant.release = release;
        from.send({ sy: 'granted', id });
      },
      (err: unknown) => {
        grants.delete(id);
        if (grant.abort.signal.aborted) return; // cancelled by the worker, or it exited
        const e = err instanceof GatewayError ? err : GatewayError.unavailable(String((err as Error)?.message ?? err));
        from.send({
          sy: 'rejected',
          id,
          error: { status: e.status, message: e.message, ...(e.code ? { code: e.code } : {}), headers: e.headers },
        });
      },
    );
  }

  /** A worker exited: its slots are free and its waiters leave the queue. */
  forget(workerId: number): void {
    const grants = this.grants.get(workerId);
    if (!grants) return;
    this.grants.delete(workerId);
    let held = 0;
    for (const grant of grants.values()) {
      if (grant.release) {
        held++;
        grant.release();
      } else grant.abort.abort(GatewayError.unavailable('worker exited'));
    }
    if (held > 0) this.logger.debug({ worker: workerId, slots: held }, 'slots of an exited worker freed');
  }
}
