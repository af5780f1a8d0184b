// refresh-token: the scheduled refresh of a channel's access token before it expires (see token.ts).
import type { Job } from '@oms/queue';
import type { Logger } from '@oms/logger';
import type { PlatformJobContext } from './context';
import { rethrowForQueue } from './queue-errors';
import { refreshChannelToken, type RefreshOutcome } from './token';

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
