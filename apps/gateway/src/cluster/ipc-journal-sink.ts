import type { JournalLineSink } from '@switchyard/kernel';
import type { WorkerToPrimary } from './ipc-messages.js';

/**
 * A worker's journal: lines go to the primary, which writes the one file and rotates it
 * (issue #18). Lines written in the same tick travel in one message; `close()` resolves once
 * every message has been handed to the IPC channel, so a worker that stops loses no line.
 */
export class IpcJournalSink implements JournalLineSink {
  private batch: string[] = [];
  private scheduled = false;
  private readonly sending = new Set<Promise<void>>();

  constructor(private readonly send: (message: WorkerToPrimary, done: () => void) => void) {}

  write(line: string): boolean {
    this.batch.push(line);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return true;
  }

  private flush(): void {
    this.scheduled = false;
    if (this.batch.length === 0) return;
    const lines = this.batch;
    this.batch = [];
    const p = new Promise<void>((resolve) => this.send({ sy: 'journal', lines }, resolve));
    this.sending.add(p);
    void p.then(() => this.sending.delete(p));
  }

  async close(): Promise<void> {
    this.flush();
    await Promise.all([...this.sending]);
  }
}
