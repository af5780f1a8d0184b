import { Redis, type RedisOptions } from 'ioredis';

/**
 * A Redis connection for BullMQ. Workers need maxRetriesPerRequest null (blocking commands);
 * producers fail fast instead of queueing commands forever while Redis is away.
 */
export function createRedis(url: string, role: 'worker' | 'producer' = 'worker', extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 3,
    enableReadyCheck: true,
    // Reconnect with a capped backoff: Redis restarts must not kill the process.
    retryStrategy: (times) => Math.min(200 * times, 5_000),
    ...extra,
  });
}
