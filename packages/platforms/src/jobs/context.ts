// What every platform job handler needs, built once per worker process (or per test).
import { randomBytes } from 'node:crypto';
import type { Db, SecretBox } from '@oms/db';
import type { Logger } from '@oms/logger';
import type { Queues } from '@oms/queue';
import { type PlatformKind } from '@oms/core';
import type { PlatformAdapter } from '../adapter';

export interface JobSettings {
  SYNC_OVERLAP_SECONDS: number;
  SYNC_SETTLE_SECONDS: number;
  /** How long a per-channel lock lives without renewal (a killed worker frees it after this). */
  lockTtlMs: number;
  /** Delay before retrying a shipment the platform is not ready for. */
  notReadyRetryMs: number;
  /** Consecutive failed runs after which a channel shows as failing. */
  failingAfter: number;
  /** Refresh before get-orders when the access token expires within this. */
  refreshAheadMs: number;
  /** A database transaction that wraps a refresh call must outlive the HTTP timeout. */
  httpTimeoutMs: number;
}

export const DEFAULT_JOB_SETTINGS: JobSettings = {
  SYNC_OVERLAP_SECONDS: 300,
  SYNC_SETTLE_SECONDS: 30,
  lockTtlMs: 30_000,
  notReadyRetryMs: 5 * 60_000,
  failingAfter: 3,
  refreshAheadMs: 60_000,
  httpTimeoutMs: 15_000,
};

export interface PlatformJobContext {
  kind: PlatformKind;
  adapter: PlatformAdapter;
  db: Db;
  box: SecretBox;
  queues: Queues;
  /** For per-channel locks; keys live under the queue prefix. */
  redis: Queues['connection'];
  log: Logger;
  settings: JobSettings;
  now?: () => Date;
}

export const nowOf = (ctx: PlatformJobContext): Date => (ctx.now ? ctx.now() : new Date());

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/**
 * Runs fn while holding the channel's lock (one fetch per channel at a time, whatever the job).
 * Returns undefined without running fn when another job holds it. The lock is renewed while fn runs and
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
