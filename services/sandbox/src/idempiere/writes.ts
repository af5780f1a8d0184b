// How writes go through the stand-in: every POST/PUT/DELETE and batch waits for one sequence lock, commits
// atomically, and holds the lock for the processing time P of each C_Order it creates or completes, as a
// serialized iDempiere would. Each write is logged, and writes that were in the server at the same time are counted
// as overlapping: what tests of invariant 3 in docs/ARCHITECTURE.md (writes into iDempiere are serialized) read.
import { sleep } from './reply';

export interface WriteLogEntry {
  seq: number;
  kind: string;
  method: string;
  path: string;
  /** epoch ms when the write request reached the server (after fault latency) */
  start: number;
  /** epoch ms when the sequence lock was acquired */
  locked: number;
  /** epoch ms when the response was ready */
  end: number;
  status: number;
  orders: number;
}

interface MinimalLogger {
  debug?: (obj: unknown, msg?: string) => void;
}

const MAX_LOG = 100_000;

export class WriteLog {
  entries: WriteLogEntry[] = [];
  total = 0;
  /** Every request to /api/v1, reads included: what benchmarks divide by orders. */
  requests = 0;
  overlapping = 0;
  private inFlight = 0;
  private lockTail: Promise<void> = Promise.resolve();

  constructor(
    /** P, read when the lock is acquired: a fault set while writes wait applies to them */
    private processingMsPerOrder: () => number,
    private log?: MinimalLogger,
  ) {}

  /** Back to an empty log; the lock and writes in flight are not touched. */
  reset(): void {
    this.entries = [];
    this.total = 0;
    this.requests = 0;
    this.overlapping = 0;
  }

  private acquireLock(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const prev = this.lockTail;
    this.lockTail = prev.then(() => mine);
    return prev.then(() => release);
  }

  /**
   * Every write: counts overlap with writes already in flight (two writers at once), waits for the sequence lock,
   * runs the change atomically (synchronously) and holds the lock until the processing time per order has passed.
   */
  async run(
    method: string,
    path: string,
    kind: string,
    orders: number,
    fn: () => { status: number; body: unknown },
  ): Promise<{ status: number; body: unknown }> {
    const start = Date.now();
    this.overlapping += this.inFlight;
    this.inFlight++;
    let status = 500;
    let locked = start;
    try {
      const release = await this.acquireLock();
      locked = Date.now();
      try {
        // P is iDempiere's whole time per order: the sandbox's own work counts inside it, not on top of it.
        const due = locked + this.processingMsPerOrder() * orders;
        const result = fn();
        status = result.status;
        const left = due - Date.now();
        if (left > 0) await sleep(left);
        return result;
      } finally {
        release();
      }
    } finally {
      this.inFlight--;
      this.total++;
      const entry: WriteLogEntry = {
        seq: this.total,
        kind,
        method,
        path,
        start,
        locked,
        end: Date.now(),
        status,
        orders,
      };
      if (this.entries.length >= MAX_LOG) this.entries.shift();
      this.entries.push(entry);
      this.log?.debug?.({ write: entry }, 'idempiere write');
    }
  }
}

/** Processing units of a write: each C_Order created or completed (a create+complete counts once). */
export function orderUnits(method: string, table: string, body: unknown): number {
  if (table.toLowerCase() !== 'c_order') return 0;
  if (method === 'POST') return 1;
  if (method === 'PUT' && body && typeof body === 'object' && !Array.isArray(body)) {
    const a = (body as Record<string, unknown>)['doc-action'];
    const code = a && typeof a === 'object' ? (a as Record<string, unknown>).id : a;
    return code === 'CO' || code === 'PR' ? 1 : 0;
  }
  return 0;
}

/** The doc-action of a body for the write log's kind (" CO"), or ''. */
export function docActionOf(body: unknown): string {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return '';
  const a = (body as Record<string, unknown>)['doc-action'];
  const code = a && typeof a === 'object' ? (a as Record<string, unknown>).id : a;
  return typeof code === 'string' ? ` ${code}` : '';
}
