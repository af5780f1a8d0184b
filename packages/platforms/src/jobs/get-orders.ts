// get-orders: fetch a channel's orders since its cursors, window by window, and store them. A cursor moves only
// after every order of its window is committed to oms_order (invariant 1 of docs/ARCHITECTURE.md: no order is lost).
import type { Job } from '@oms/queue';
import type { Logger } from '@oms/logger';
import { loadChannelAccess, type LoadedChannel } from '../access';
import {
  advanceCursor,
  finishRateLimited,
  finishSucceeded,
  needsReauthorization,
  recordFailure,
  startFetching,
} from '../channel-state';
import { PlatformError, RateLimitedError, ReauthorizeError } from '../errors';
import { loadRunnable, runExclusive } from './channel-guard';
import { nowOf, type PlatformJobContext } from './context';
import { rethrowForQueue } from './queue-errors';
import { refreshChannelToken } from './token';
import { emptyCounts } from './upsert';
import { computeWindows, importWindow, type RunTotals } from './windows';

export interface GetOrdersResult {
  skipped?: string;
  windows?: number;
  totals?: RunTotals;
}

export async function handleGetOrders(
  ctx: PlatformJobContext,
  args: { channelId: string; job: Job; token?: string; log: Logger },
): Promise<GetOrdersResult> {
  return runExclusive(ctx, args, () => getOrders(ctx, args.channelId, args.job, args.log));
}

async function getOrders(ctx: PlatformJobContext, channelId: string, job: Job, log: Logger): Promise<GetOrdersResult> {
  const runnable = await loadRunnable(ctx, channelId);
  if ('skipped' in runnable) return runnable;
  let channel: LoadedChannel = runnable;
  const started = nowOf(ctx);

  // A token about to expire is refreshed first rather than failing the first call.
  if (
    ctx.adapter.tokensExpire(channel.store) &&
    channel.row.accessTokenExpiresAt &&
    channel.row.accessTokenExpiresAt.getTime() < started.getTime() + ctx.settings.refreshAheadMs
  ) {
    const outcome = await refreshChannelToken(ctx, channelId, { log });
    if (outcome === 'needs_reauth') return { skipped: 'channel needs re-authorization' };
    channel = await loadChannelAccess(ctx.db, ctx.box, channelId);
  }

  const row = channel.row;
  const windows = [
    ...computeWindows({
      cursor: row.cursorCreatedAt,
      syncStartAt: row.syncStartAt,
      now: started,
      overlapSeconds: ctx.settings.SYNC_OVERLAP_SECONDS,
      settleSeconds: ctx.settings.SYNC_SETTLE_SECONDS,
      maxWindowMs: ctx.adapter.maxWindowMs,
      field: 'created',
    }),
    // The first import reads every order created since syncStartAt in its current state: the updated
    // cursor starts where that import began (set below, before anything is fetched) instead of reading
    // it all twice. Anything updated after that start is in a later updated window.
    ...(row.cursorUpdatedAt
      ? computeWindows({
          cursor: row.cursorUpdatedAt,
          syncStartAt: row.syncStartAt,
          now: started,
          overlapSeconds: ctx.settings.SYNC_OVERLAP_SECONDS,
          settleSeconds: ctx.settings.SYNC_SETTLE_SECONDS,
          maxWindowMs: ctx.adapter.maxWindowMs,
          field: 'updated',
        })
      : []),
  ];
  const run = await ctx.db.syncRun.create({
    data: { channelId, kind: 'get_orders', windowFrom: windows[0]?.from ?? null, windowTo: windows.at(-1)?.to ?? null },
  });
  const plannedEnd = new Date(started.getTime() - ctx.settings.SYNC_SETTLE_SECONDS * 1000);
  await startFetching(ctx.db, channelId, started, row.cursorUpdatedAt ? {} : { updatedCursorFrom: plannedEnd });
  const totals: RunTotals = { ...emptyCounts(), pages: 0 };
  const finishRun = (status: string, error: string | null) =>
    ctx.db.syncRun.update({
      where: { id: run.id },
      data: {
        status,
        error,
        pages: totals.pages,
        ordersNew: totals.new,
        ordersChanged: totals.changed,
        ordersUnchanged: totals.unchanged,
        ordersInvalid: totals.invalid,
        finishedAt: nowOf(ctx),
        durationMs: nowOf(ctx).getTime() - started.getTime(),
      },
    });
  try {
    for (const w of windows) {
      await importWindow(ctx, channelId, channel, w, totals, log);
      // The whole window is committed: only now may the cursor pass it.
      await advanceCursor(ctx.db, channelId, w);
      await job
        .updateProgress({ window: `${w.field} ${w.from.toISOString()}..${w.to.toISOString()}`, ...totals })
        .catch(() => undefined);
    }
    await finishSucceeded(ctx.db, row, nowOf(ctx));
    await finishRun('succeeded', null);
    log.info({ channelId, windows: windows.length, ...totals }, 'orders fetched');
    return { windows: windows.length, totals };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await finishRun(err instanceof RateLimitedError ? 'rate_limited' : 'failed', message);
    if (err instanceof ReauthorizeError) {
      await needsReauthorization(ctx.db, channelId, message, nowOf(ctx));
      return { skipped: `needs re-authorization: ${message}` };
    }
    if (err instanceof RateLimitedError) {
      await finishRateLimited(ctx.db, channelId);
    } else {
      const reason = err instanceof PlatformError ? message : `unexpected: ${message}`;
      await recordFailure(ctx.db, row, reason, nowOf(ctx), ctx.settings.failingAfter);
    }
    return rethrowForQueue(ctx, err, job.queueName);
  }
}
