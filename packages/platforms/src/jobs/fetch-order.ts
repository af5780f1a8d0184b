// fetch-order: a webhook said one order changed: fetch it and store it like any listed order.
import type { Job } from '@oms/queue';
import type { Logger } from '@oms/logger';
import { needsReauthorization } from '../channel-state';
import { ReauthorizeError } from '../errors';
import { loadRunnable } from './channel-guard';
import { nowOf, type PlatformJobContext } from './context';
import { rethrowForQueue } from './queue-errors';
import { withFreshToken } from './token';
import { upsertOrders } from './upsert';

export async function handleFetchOrder(
  ctx: PlatformJobContext,
  args: { channelId: string; externalId: string; job: Job; log: Logger },
) {
  const channel = await loadRunnable(ctx, args.channelId);
  if ('skipped' in channel) return channel;
  try {
    const fetched = await withFreshToken(
      ctx,
      args.channelId,
      channel,
      (store) => ctx.adapter.fetchOrder(store, args.externalId),
      args.log,
    );
    if (!fetched) return { found: false };
    return { found: true, ...(await upsertOrders(ctx, channel.row, [fetched])) };
  } catch (err) {
    if (err instanceof ReauthorizeError) {
      await needsReauthorization(ctx.db, args.channelId, err.message, nowOf(ctx));
      return { skipped: err.message };
    }
    return rethrowForQueue(ctx, err, args.job.queueName);
  }
}
