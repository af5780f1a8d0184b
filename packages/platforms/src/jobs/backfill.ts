// backfill: import the window stored in a sync run again (an operator's request): every order created or updated
// in it is fetched again. Cursors do not move; progress 0..1 and counts go into the sync run.
import type { Job } from '@oms/queue';
import type { Logger } from '@oms/logger';
import { loadChannelAccess } from '../access';
import { needsReauthorization } from '../channel-state';
import { ReauthorizeError } from '../errors';
import { runExclusive } from './channel-guard';
import { nowOf, type PlatformJobContext } from './context';
import { rethrowForQueue } from './queue-errors';
import { emptyCounts } from './upsert';
import { importWindow, splitWindow, type RunTotals } from './windows';

export async function handleBackfill(
  ctx: PlatformJobContext,
  args: { channelId: string; syncRunId: string; job: Job; token?: string; log: Logger },
) {
  return runExclusive(ctx, args, () => backfill(ctx, args));
}

async function backfill(
  ctx: PlatformJobContext,
  args: { channelId: string; syncRunId: string; job: Job; log: Logger },
) {
  const run = await ctx.db.syncRun.findUnique({ where: { id: args.syncRunId } });
  if (!run || run.channelId !== args.channelId)
    return { skipped: `sync run ${args.syncRunId} of channel ${args.channelId} does not exist` };
  const { windowFrom, windowTo } = run;
  if (!windowFrom || !windowTo || windowFrom >= windowTo) {
    await ctx.db.syncRun.update({
      where: { id: run.id },
      data: {
        status: 'failed',
        error: 'the sync run has no valid window (windowFrom < windowTo)',
        finishedAt: nowOf(ctx),
      },
    });
    return { skipped: 'no valid window' };
  }
  let channel = await loadChannelAccess(ctx.db, ctx.box, args.channelId);
  const started = nowOf(ctx);
  // The stored window as it is, no overlap or settle time: created windows first, then updated ones.
  const windows = (['created', 'updated'] as const).flatMap((field) =>
    splitWindow(field, windowFrom, windowTo, ctx.adapter.maxWindowMs),
  );
  const totals: RunTotals = { ...emptyCounts(), pages: 0 };
  const save = (data: Record<string, unknown>) =>
    ctx.db.syncRun.update({
      where: { id: run.id },
      data: {
        pages: totals.pages,
        ordersNew: totals.new,
        ordersChanged: totals.changed,
        ordersUnchanged: totals.unchanged,
        ordersInvalid: totals.invalid,
        ...data,
      },
    });
  await save({ status: 'running', progress: 0, error: null, startedAt: started });
  try {
    for (const [i, w] of windows.entries()) {
      await importWindow(ctx, args.channelId, channel, w, totals, args.log);
      await save({ progress: (i + 1) / windows.length });
      channel = await loadChannelAccess(ctx.db, ctx.box, args.channelId);
    }
    await save({
      status: 'succeeded',
      progress: 1,
      finishedAt: nowOf(ctx),
      durationMs: nowOf(ctx).getTime() - started.getTime(),
    });
    return { totals };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await save({
      status: 'failed',
      error: message,
      finishedAt: nowOf(ctx),
      durationMs: nowOf(ctx).getTime() - started.getTime(),
    });
    if (err instanceof ReauthorizeError) {
      await needsReauthorization(ctx.db, args.channelId, message, nowOf(ctx));
      return { skipped: message };
    }
    return rethrowForQueue(ctx, err, args.job.queueName);
  }
}
