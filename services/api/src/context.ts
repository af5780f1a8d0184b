// What every route needs, built once by buildApp from its deps.
import type { Config } from '@oms/config';
import type { Db } from '@oms/db';
import { type SecretBox } from '@oms/db';
import type { JobKey, JobPayload, Queues } from '@oms/queue';
import { type PlatformKind } from '@oms/core';
import { getAdapter as platformAdapter, type PlatformAdapter } from '@oms/platforms';
import type { Redis } from 'ioredis';
import type { Logger } from '@oms/logger';
import { publishChannelChanged } from '@oms/scheduling';
import { unavailable } from './errors';

export type AdapterLookup = (kind: PlatformKind) => PlatformAdapter | Promise<PlatformAdapter>;

export interface Ctx {
  config: Config;
  db: Db;
  redis: Redis;
  queues: Queues;
  box: SecretBox;
  log: Logger;
  getAdapter(kind: PlatformKind): Promise<PlatformAdapter>;
  /** Tells the scheduler a channel changed (created, paused, resumed, deleted, reconnected, interval). */
  channelChanged(channelId: string): Promise<void>;
  /** Adds a job, first removing a finished (completed or failed) one with the same deterministic id. */
  addFresh<K extends JobKey>(
    key: K,
    payload: JobPayload<K>,
    platform?: PlatformKind,
  ): Promise<{ jobId: string | undefined; state: string }>;
}

export function makeHelpers(deps: {
  config: Config;
  redis: Redis;
  queues: Queues;
  getAdapter?: AdapterLookup;
  channelChanged?: (channelId: string) => Promise<void>;
}) {
  const lookup: AdapterLookup =
    deps.getAdapter ?? ((kind) => platformAdapter(kind, { timeoutMs: deps.config.HTTP_TIMEOUT_MS }));
  return {
    async getAdapter(kind: PlatformKind) {
      try {
        return await lookup(kind);
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode) throw err;
        throw unavailable(`no adapter for platform ${kind}`);
      }
    },
    channelChanged:
      deps.channelChanged ??
      (async (channelId: string) => {
        // Fire-and-forget for the scheduler: a missed event waits for its next sweep, so it must not fail the request.
        await publishChannelChanged(deps.queues, channelId).catch(() => undefined);
      }),
    addFresh<K extends JobKey>(key: K, payload: JobPayload<K>, platform?: PlatformKind) {
      return deps.queues.addFresh(key, payload, platform ? { platform } : {});
    },
  };
}
