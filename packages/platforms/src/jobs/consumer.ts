// The platform queue consumer: every platform job's handler, the limiter from the adapter, the started-attempts cap.
import { handle, platformQueue, type Consumer } from '@oms/queue';
import { type PlatformKind } from '@oms/core';
import type { PlatformJobContext } from './context';
import { handleBackfill } from './backfill';
import { handleFetchOrder } from './fetch-order';
import { handleGetOrders } from './get-orders';
import { handlePushShipment } from './push-shipment';
import { handleRefreshToken } from './refresh-token';

export interface ConsumerOptions {
  concurrency: number;
  /** A rate-limited job goes back to the queue without using an attempt; this caps how often it may start. */
  maxStartedAttempts?: number;
  lockDurationMs?: number;
}

export function platformConsumer(ctx: PlatformJobContext, opts: ConsumerOptions): Consumer {
  const kind: PlatformKind = ctx.kind;
  return {
    queue: platformQueue(kind),
    concurrency: opts.concurrency,
    limiter: { max: ctx.adapter.rateLimit.max, duration: ctx.adapter.rateLimit.durationMs },
    workerOptions: {
      maxStartedAttempts: opts.maxStartedAttempts ?? 50,
      // Every platform job is idempotent: a job whose worker died (or stalled) may run again.
      maxStalledCount: 3,
      ...(opts.lockDurationMs ? { lockDuration: opts.lockDurationMs, stalledInterval: opts.lockDurationMs } : {}),
    },
    handlers: [
      handle('getOrders', ({ payload, job, token, log }) =>
        handleGetOrders(ctx, { channelId: payload.channelId, job, token, log }),
      ),
      handle('refreshToken', ({ payload, job, log }) =>
        handleRefreshToken(ctx, { channelId: payload.channelId, job, log }),
      ),
      handle('fetchOrder', ({ payload, job, log }) =>
        handleFetchOrder(ctx, { channelId: payload.channelId, externalId: payload.externalId, job, log }),
      ),
      handle('backfill', ({ payload, job, token, log }) =>
        handleBackfill(ctx, { channelId: payload.channelId, syncRunId: payload.syncRunId, job, token, log }),
      ),
      handle('pushShipment', ({ payload, job, token, log }) =>
        handlePushShipment(ctx, { shipmentId: payload.shipmentId, job, token, log }),
      ),
    ],
  };
}
