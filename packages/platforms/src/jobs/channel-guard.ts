// What every job on one channel checks before it runs: that no other job is working on the channel (one at a time,
// whatever the job), and that the channel exists and may run (not paused, not waiting for the seller).
import { randomBytes } from 'node:crypto';
import { DelayedError, type Job } from '@oms/queue';
import { ChannelNotFoundError, loadChannelAccess, type LoadedChannel } from '../access';
import type { PlatformJobContext } from './context';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
/** A job that finds its channel busy comes back after this, instead of running beside the other one. */
const BUSY_RETRY_MS = 5_000;

/**
 * Runs fn while holding the channel's lock (one fetch per channel at a time, whatever the job).
 * Returns { ran: false } without running fn when another job holds it. The lock is renewed while fn runs and
 * expires on its own when the process dies.
 */
export async function withChannelLock<T>(
  ctx: PlatformJobContext,
  channelId: string,
  fn: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  const key = `${ctx.queues.prefix}:oms-lock:channel:${channelId}`;
  const token = randomBytes(12).toString('hex');
  const ok = await ctx.redis.set(key, token, 'PX', ctx.settings.lockTtlMs, 'NX');
  if (ok !== 'OK') return { ran: false };
  const timer = setInterval(
    () => void ctx.redis.eval(RENEW, 1, key, token, String(ctx.settings.lockTtlMs)).catch(() => undefined),
    Math.max(1000, Math.floor(ctx.settings.lockTtlMs / 3)),
  );
  timer.unref();
  try {
    return { ran: true, value: await fn() };
  } finally {
    clearInterval(timer);
    await ctx.redis.eval(RELEASE, 1, key, token).catch(() => undefined);
  }
}

/** Runs the job under the channel's lock; when another job holds it, the job is delayed a few seconds and retried. */
export async function runExclusive<T>(
  ctx: PlatformJobContext,
  args: { channelId: string; job: Job; token?: string },
  fn: () => Promise<T>,
): Promise<T> {
  const locked = await withChannelLock(ctx, args.channelId, fn);
  if (!locked.ran) {
    await args.job.moveToDelayed(Date.now() + BUSY_RETRY_MS, args.token);
    throw new DelayedError();
  }
  return locked.value;
}

/** The channel to run a job on, or why the job skips it: it is gone, paused, or waiting for the seller. */
export async function loadRunnable(
  ctx: PlatformJobContext,
  channelId: string,
): Promise<LoadedChannel | { skipped: string }> {
  let loaded: LoadedChannel;
  try {
    loaded = await loadChannelAccess(ctx.db, ctx.box, channelId);
  } catch (err) {
    if (err instanceof ChannelNotFoundError) return { skipped: err.message };
    throw err;
  }
  if (loaded.row.state === 'paused' || loaded.row.state === 'needs_reauth')
    return { skipped: `channel is ${loaded.row.state}` };
  return loaded;
}
