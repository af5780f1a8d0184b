// refresh-token, fetch-order and backfill.
import { DelayedError, type Job } from '@oms/queue';
import type { Logger } from '@oms/logger';
import { loadChannelAccess, ChannelNotFoundError } from '../access';
import { nowOf, withChannelLock, type PlatformJobContext } from './context';
import { importWindow, rethrowForQueue, type RunTotals } from './get-orders';
import { refreshChannelToken, type RefreshOutcome } from './refresh';
import { emptyCounts, upsertOrders } from './upsert';
import { AuthError, ReauthorizeError } from '../errors';

export async function handleRefreshToken(
  ctx: PlatformJobContext,
  args: { channelId: string; job: Job; log: Logger },
): Promise<{ outcome: RefreshOutcome }> {
  try {
    return { outcome: await refreshChannelToken(ctx, args.channelId, { log: args.log }) };
  } catch (err) {
    return rethrowForQueue(ctx, err, args.job.queueName);
  }
}

/** A webhook said one order changed: fetch it and store it like any listed order. */
export async function handleFetchOrder(
  ctx: PlatformJobContext,
  args: { channelId: string; externalId: string; job: Job; log: Logger },
) {
  let state;
  try {
    state = await loadChannelAccess(ctx.db, ctx.box, args.channelId);
  } catch (err) {
    if (err instanceof ChannelNotFoundError) return { skipped: err.message };
    throw err;
  }
  if (state.row.state === 'paused' || state.row.state === 'needs_reauth')
    return { skipped: `channel is ${state.row.state}` };
  try {
    let fetched;
    try {
      fetched = await ctx.adapter.fetchOrder(state.store, args.externalId);
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      const outcome = await refreshChannelToken(ctx, args.channelId, {
        force: true,
        seenVersion: state.row.tokenVersion,
        log: args.log,
      });
      if (outcome === 'needs_reauth') return { skipped: 'channel needs re-authorization' };
      state = await loadChannelAccess(ctx.db, ctx.box, args.channelId);
      fetched = await ctx.adapter.fetchOrder(state.store, args.externalId);
    }
    if (!fetched) return { found: false };
    return { found: true, ...(await upsertOrders(ctx, state.row, [fetched])) };
  } catch (err) {
    if (err instanceof ReauthorizeError) {
      await ctx.db.channel.update({
        where: { id: args.channelId },
        data: { state: 'needs_reauth', lastError: `needs re-authorization: ${err.message}`, lastErrorAt: nowOf(ctx) },
      });
      return { skipped: err.message };
    }
    return rethrowForQueue(ctx, err, args.job.queueName);
  }
}

/**
 * Replays the window stored in a sync run (operator's "replay"): every order created or updated in it is
 * fetched again. Cursors do not move; progress 0..1 and counts go into the sync run.
 */
export async function handleBackfill(
  ctx: PlatformJobContext,
  args: { channelId: string; syncRunId: string; job: Job; token?: string; log: Logger },
) {
  const locked = await withChannelLock(ctx, args.channelId, () => backfill(ctx, args));
  if (!locked.ran) {
    await args.job.moveToDelayed(Date.now() + 5_000, args.token);
    throw new DelayedError();
  }
  return locked.value;
}

async function backfill(
  ctx: PlatformJobContext,
  args: { channelId: string; syncRunId: string; job: Job; log: Logger },
) {
  const run = await ctx.db.syncRun.findUnique({ where: { id: args.syncRunId } });
  if (!run || run.channelId !== args.channelId)
    return { skipped: `sync run ${args.syncRunId} of channel ${args.channelId} does not exist` };
  if (!run.windowFrom || !run.windowTo || run.windowFrom >= run.windowTo) {
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
  let state = await loadChannelAccess(ctx.db, ctx.box, args.channelId);
  const started = nowOf(ctx);
  const windows: { field: 'created' | 'updated'; from: Date; to: Date }[] = [];
  for (const field of ['created', 'updated'] as const) {
    for (let from = run.windowFrom.getTime(); from < run.windowTo.getTime(); from += ctx.adapter.maxWindowMs) {
      windows.push({
        field,
        from: new Date(from),
        to: new Date(Math.min(run.windowTo.getTime(), from + ctx.adapter.maxWindowMs)),
      });
    }
  }
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
      await importWindow(ctx, args.channelId, state, w, totals, args.log);
      await save({ progress: (i + 1) / windows.length });
      state = await loadChannelAccess(ctx.db, ctx.box, args.channelId);
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
      await ctx.db.channel.update({
        where: { id: args.channelId },
        data: { state: 'needs_reauth', lastError: `needs re-authorization: ${message}`, lastErrorAt: nowOf(ctx) },
      });
      return { skipped: message };
    }
    return rethrowForQueue(ctx, err, args.job.queueName);
  }
}
