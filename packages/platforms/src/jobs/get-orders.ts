// get-orders: fetch a channel's orders since its cursors, window by window, and store them.
// Invariant 1: a cursor moves only after every order of its window is committed to oms_order.
import { DelayedError, RateLimitError, UnrecoverableError, type Job, type Queues } from '@oms/queue';
import type { Logger } from '@oms/logger';
import type { Channel } from '@oms/db';
import type { ChannelAccess, TimeWindow } from '../adapter';
import { AuthError, PermanentError, PlatformError, RateLimitedError, ReauthorizeError } from '../errors';
import { loadChannelAccess, ChannelNotFoundError, type ChannelWithPlatform } from '../access';
import { nowOf, withChannelLock, type PlatformJobContext } from './context';
import { refreshChannelToken } from './refresh';
import { emptyCounts, upsertOrders, type UpsertCounts } from './upsert';

/** Windows from a cursor: start OVERLAP before it (never before syncStartAt), end SETTLE before now, split to the platform's maximum. */
export function computeWindows(args: {
  cursor: Date | null;
  syncStartAt: Date;
  now: Date;
  overlapSeconds: number;
  settleSeconds: number;
  maxWindowMs: number;
  field: 'created' | 'updated';
}): TimeWindow[] {
  const start = args.cursor
    ? Math.max(args.syncStartAt.getTime(), args.cursor.getTime() - args.overlapSeconds * 1000)
    : args.syncStartAt.getTime();
  const end = args.now.getTime() - args.settleSeconds * 1000;
  const out: TimeWindow[] = [];
  for (let from = start; from < end; from += args.maxWindowMs)
    out.push({ field: args.field, from: new Date(from), to: new Date(Math.min(end, from + args.maxWindowMs)) });
  return out;
}

export interface RunTotals extends UpsertCounts {
  pages: number;
}

/** Lists one window to its end and stores every page; one refresh-and-retry on an auth error. */
export async function importWindow(
  ctx: PlatformJobContext,
  channelId: string,
  state: { row: ChannelWithPlatform; store: ChannelAccess },
  window: TimeWindow,
  totals: RunTotals,
  log: Logger,
): Promise<void> {
  let retried = false;
  for (;;) {
    try {
      for await (const page of ctx.adapter.listOrders(state.store, window)) {
        totals.pages++;
        const c = await upsertOrders(ctx, state.row, page.orders);
        totals.new += c.new;
        totals.changed += c.changed;
        totals.unchanged += c.unchanged;
        totals.invalid += c.invalid;
      }
      return;
    } catch (err) {
      if (!(err instanceof AuthError) || retried) throw err;
      retried = true;
      log.info({ channelId, err: err.message }, 'access token refused: refreshing once and retrying the window');
      const outcome = await refreshChannelToken(ctx, channelId, {
        force: true,
        seenVersion: state.row.tokenVersion,
        log,
      });
      if (outcome === 'needs_reauth') throw new ReauthorizeError(`refresh failed after: ${err.message}`);
      Object.assign(state, await loadChannelAccess(ctx.db, ctx.box, channelId));
    }
  }
}

/**
 * The classified platform errors as the queue understands them. A rate limit pauses the whole platform
 * queue for the time asked and returns the job without using an attempt (BullMQ's maxStartedAttempts caps
 * how often that can happen); a permanent error fails the job without retries; the rest retry with backoff.
 */
export async function rethrowForQueue(ctx: PlatformJobContext, err: unknown, queueName: string): Promise<never> {
  if (err instanceof RateLimitedError) {
    await ctx.queues.get(queueName as Parameters<Queues['get']>[0]).rateLimit(err.retryAfterMs);
    throw new RateLimitError();
  }
  if (err instanceof PermanentError) throw new UnrecoverableError(err.message);
  throw err;
}

async function markFailure(ctx: PlatformJobContext, row: Channel, message: string): Promise<void> {
  const failures = row.failureCount + 1;
  await ctx.db.channel.update({
    where: { id: row.id },
    data: {
      stage: 'idle',
      stageStartedAt: null,
      lastError: message.slice(0, 2000),
      lastErrorAt: nowOf(ctx),
      failureCount: failures,
      ...(row.state === 'active' && failures >= ctx.settings.failingAfter ? { state: 'failing' } : {}),
    },
  });
}

export interface GetOrdersResult {
  skipped?: string;
  windows?: number;
  totals?: RunTotals;
}

export async function handleGetOrders(
  ctx: PlatformJobContext,
  args: { channelId: string; job: Job; token?: string; log: Logger },
): Promise<GetOrdersResult> {
  const { channelId, job, log } = args;
  const locked = await withChannelLock(ctx, channelId, () => getOrders(ctx, channelId, job, log));
  if (!locked.ran) {
    // Another fetch of this channel is running: come back shortly instead of running twice.
    await job.moveToDelayed(Date.now() + 5_000, args.token);
    throw new DelayedError();
  }
  return locked.value;
}

async function getOrders(ctx: PlatformJobContext, channelId: string, job: Job, log: Logger): Promise<GetOrdersResult> {
  let state: { row: ChannelWithPlatform; store: ChannelAccess };
  try {
    state = await loadChannelAccess(ctx.db, ctx.box, channelId);
  } catch (err) {
    if (err instanceof ChannelNotFoundError) return { skipped: err.message };
    throw err;
  }
  if (state.row.state === 'paused' || state.row.state === 'needs_reauth')
    return { skipped: `channel is ${state.row.state}` };
  const started = nowOf(ctx);

  // A token about to expire is refreshed first rather than failing the first call.
  if (
    ctx.adapter.tokensExpire(state.store) &&
    state.row.accessTokenExpiresAt &&
    state.row.accessTokenExpiresAt.getTime() < started.getTime() + ctx.settings.refreshAheadMs
  ) {
    const outcome = await refreshChannelToken(ctx, channelId, { log });
    if (outcome === 'needs_reauth') return { skipped: 'channel needs re-authorization' };
    state = await loadChannelAccess(ctx.db, ctx.box, channelId);
  }

  const row = state.row;
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
  await ctx.db.channel.update({
    where: { id: channelId },
    data: {
      stage: 'fetching',
      stageStartedAt: started,
      ...(row.cursorUpdatedAt ? {} : { cursorUpdatedAt: plannedEnd }),
    },
  });
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
      await importWindow(ctx, channelId, state, w, totals, log);
      // The whole window is committed: only now may the cursor pass it.
      await ctx.db.channel.update({
        where: { id: channelId },
        data: w.field === 'created' ? { cursorCreatedAt: w.to } : { cursorUpdatedAt: w.to },
      });
      await job
        .updateProgress({ window: `${w.field} ${w.from.toISOString()}..${w.to.toISOString()}`, ...totals })
        .catch(() => undefined);
    }
    await ctx.db.channel.update({
      where: { id: channelId },
      data: {
        stage: 'idle',
        stageStartedAt: null,
        lastSuccessAt: nowOf(ctx),
        lastError: null,
        failureCount: 0,
        ...(row.state === 'failing' ? { state: 'active' } : {}),
      },
    });
    await finishRun('succeeded', null);
    log.info({ channelId, windows: windows.length, ...totals }, 'orders fetched');
    return { windows: windows.length, totals };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await finishRun(err instanceof RateLimitedError ? 'rate_limited' : 'failed', message);
    if (err instanceof ReauthorizeError) {
      await ctx.db.channel.update({
        where: { id: channelId },
        data: {
          state: 'needs_reauth',
          stage: 'idle',
          stageStartedAt: null,
          lastError: `needs re-authorization: ${message}`,
          lastErrorAt: nowOf(ctx),
        },
      });
      return { skipped: `needs re-authorization: ${message}` };
    }
    if (err instanceof RateLimitedError) {
      await ctx.db.channel.update({ where: { id: channelId }, data: { stage: 'idle', stageStartedAt: null } });
    } else {
      await markFailure(ctx, row, err instanceof PlatformError ? message : `unexpected: ${message}`);
    }
    return rethrowForQueue(ctx, err, job.queueName);
  }
}
