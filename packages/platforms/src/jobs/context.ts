// What every platform job handler needs, built once per worker process (or per test).
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
