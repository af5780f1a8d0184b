// The write-order job. The queue runs one job at a time across all writer replicas (global concurrency 1),
// so each job takes the next waiting write-order jobs with it and writes their orders in batch requests, and
// keeps the pipe full: while iDempiere works on one batch, the next is read and prepared and the previous one
// saved. iDempiere's own serialized work, not the queue's round trips, sets the pace; writes never overlap.
import type { Job, Queue } from '@oms/queue';
import { parseJobId, Worker } from '@oms/queue';
import { IdempiereError } from '../errors';
import { abandonBatch, finishBatch, prepareBatch, sendBatch } from './batch';
import type { Outcome, PreparedBatch, WriterContext } from './types';

export interface WriteOrderRun {
  job: Job;
  payload: { orderId: string; contentHash: string };
  /** The erp-orders queue (to take sibling jobs and to pause it during an outage). */
  queue: Queue;
  /** True once the service is shutting down: finish the batch in flight, take no more. */
  stopping?: () => boolean;
}

/** Pauses the whole queue while iDempiere is unreachable; grows 1 s, 2 s, 4 s ... up to maxMs. */
export class OutagePause {
  private failures = 0;
  constructor(private readonly maxMs = 15_000) {}
  next(): number {
    this.failures++;
    return Math.min(this.maxMs, 1000 * 2 ** (this.failures - 1));
  }
  reset(): void {
    this.failures = 0;
  }
  get active(): boolean {
    return this.failures > 0;
  }
}

/** Thrown for a transient failure of the job's own order: BullMQ retries it with backoff. */
export class RetryLaterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

interface Unit {
  batch: PreparedBatch;
  /** Sibling jobs whose orders are in this batch. */
  jobs: { jobId: string; orderId: string }[];
}

export async function runWriteOrder(ctx: WriterContext & { pause: OutagePause }, run: WriteOrderRun): Promise<Outcome> {
  const { job, payload, queue } = run;
  const size = ctx.settings.batchSize;
  // While recovering from an outage, one order per job until a write succeeds.
  const maxBatches = ctx.pause.active ? 1 : Math.max(1, ctx.settings.batchesPerJob ?? 20);
  const takenJobs = new Set<string>([job.id!]);
  // An order in the batch being written must not be prepared again (a second job of the same order waits).
  const takenOrders = new Set<string>([payload.orderId]);

  /** Next waiting write-order jobs, oldest first. Nobody else takes them meanwhile: global concurrency is 1. */
  const pull = async (room: number) => {
    if (room <= 0 || ctx.pause.active) return [];
    const ids = await queue.getRanges(['wait'], 0, takenJobs.size + room * 2, true);
    const out: Unit['jobs'] = [];
    for (const jobId of ids) {
      const orderId = parseJobId('writeOrder', jobId)?.orderId;
      if (!orderId || takenJobs.has(jobId) || takenOrders.has(orderId)) continue;
      takenJobs.add(jobId);
      takenOrders.add(orderId);
      out.push({ jobId, orderId });
      if (out.length >= room) break;
    }
    return out;
  };
  const settle = async (unit: Unit) => {
    await finishBatch(ctx, unit.batch);
    // Settled siblings are done; those to retry stay waiting and run as jobs of their own.
    await Promise.all(
      unit.jobs
        .filter((j) => unit.batch.outcomes.get(j.orderId)?.state !== 'retry')
        .map((j) => queue.remove(j.jobId).catch(() => 0)),
    );
  };

  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  const giveUp = async (reason: string) => {
    // Retries exhausted on transient errors: `failed`, visible to the operator; the reconciler or a retry resumes it.
    if (lastAttempt)
      await ctx.db.order
        .update({ where: { id: payload.orderId }, data: { erpState: 'failed', erpReason: reason.slice(0, 2000) } })
        .catch(() => undefined);
  };

  const pending: Promise<unknown>[] = [];
  let mine: Outcome | undefined;
  let failure: unknown;
  try {
    const first = await pull(size - 1);
    let current: Unit = {
      batch: await prepareBatch(ctx, [payload.orderId, ...first.map((j) => j.orderId)]),
      jobs: first,
    };
    let previous: Promise<unknown> = Promise.resolve();
    for (let n = 1; ; n++) {
      const unit = current;
      let written!: () => void;
      const writesDone = new Promise<void>((r) => (written = r));
      const sent = sendBatch(ctx, unit.batch, { onWritten: () => written(), after: previous }).then(
        async () => {
          if (n === 1) mine = unit.batch.outcomes.get(payload.orderId);
          await settle(unit);
        },
        async (err: unknown) => {
          failure ??= err;
          written();
          await finishBatch(ctx, unit.batch);
        },
      );
      pending.push(sent);
      previous = sent;
      // While iDempiere works on this batch: take and prepare the next one.
      const nextJobs = n < maxBatches && !run.stopping?.() ? await pull(size).catch(() => []) : [];
      const preparing = nextJobs.length
        ? prepareBatch(
            ctx,
            nextJobs.map((j) => j.orderId),
          )
        : undefined;
      // The next batch goes out as soon as iDempiere has answered this one (reading the answer continues meanwhile).
      await writesDone;
      if (failure !== undefined || !preparing) {
        const next = preparing && (await preparing.catch(() => undefined));
        if (next) {
          abandonBatch(ctx, next);
          pending.push(finishBatch(ctx, next));
        }
        break;
      }
      try {
        current = { batch: await preparing, jobs: nextJobs };
      } catch (err) {
        failure ??= err;
        break;
      }
    }
  } catch (err) {
    failure ??= err;
  }
  await Promise.allSettled(pending);
  if (failure !== undefined) {
    const err = failure;
    if (err instanceof IdempiereError && err.outage) {
      // Down or refusing our login: pause the queue for everyone, without spending this job's attempts.
      const ms = ctx.pause.next();
      ctx.log.warn({ pauseMs: ms, err: err.message }, 'iDempiere unavailable: pausing the ERP queue');
      await queue.rateLimit(ms);
      if (mine && mine.state !== 'retry') return mine;
      // BullMQ's manual rate limit: the job goes back to waiting, its attempts untouched.
      throw Worker.RateLimitError();
    }
    if (mine && mine.state !== 'retry') {
      // This job's own order is settled; the orders of the failed batch keep their jobs and go again.
      ctx.log.warn({ err: (err as Error).message }, 'a later batch of this job failed; its orders stay queued');
      return mine;
    }
    await giveUp((err as Error).message);
    throw err;
  }
  ctx.pause.reset();

  mine ??= { state: 'unchanged' };
  if (mine.state === 'retry') {
    await giveUp(mine.reason ?? 'transient iDempiere error');
    throw new RetryLaterError(mine.reason ?? 'transient iDempiere error');
  }
  return mine;
}
