// The classified platform errors (src/errors.ts) as the queue understands them.
import { RateLimitError, UnrecoverableError, type Queues } from '@oms/queue';
import { PermanentError, RateLimitedError } from '../errors';
import type { PlatformJobContext } from './context';

/**
 * A rate limit pauses the whole platform queue for the time asked and returns the job without using an attempt
 * (BullMQ's maxStartedAttempts caps how often that can happen); a permanent error fails the job without retries;
 * the rest retry with backoff.
 */
export async function rethrowForQueue(ctx: PlatformJobContext, err: unknown, queueName: string): Promise<never> {
  if (err instanceof RateLimitedError) {
    await ctx.queues.get(queueName as Parameters<Queues['get']>[0]).rateLimit(err.retryAfterMs);
    throw new RateLimitError();
  }
  if (err instanceof PermanentError) throw new UnrecoverableError(err.message);
  throw err;
}
