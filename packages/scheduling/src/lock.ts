// A short Redis lock so that, with several scheduler replicas, one sweeps at a time. Not needed for correctness
// (every step is idempotent), it only avoids doing the same work twice and logging it twice.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class RedisLock {
  private token: string | null = null;

  constructor(
    private readonly redis: Redis,
    readonly key: string,
    private readonly ttlMs: number,
  ) {}

  /** True when this holder now has the lock. It expires by itself after ttlMs if the holder dies. */
  async tryAcquire(): Promise<boolean> {
    const token = randomUUID();
    const ok = await this.redis.set(this.key, token, 'PX', this.ttlMs, 'NX');
    if (ok !== 'OK') return false;
    this.token = token;
    return true;
  }

  /** Waits up to waitMs for the lock; false when it is still held by someone else then. */
  async acquire(waitMs: number, pollMs = 50): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (await this.tryAcquire()) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** Releases the lock only if it is still ours (it may have expired and been taken by another replica). */
  async release(): Promise<void> {
    if (!this.token) return;
    const token = this.token;
    this.token = null;
    await this.redis.eval(RELEASE, 1, this.key, token);
  }
}
