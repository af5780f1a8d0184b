// Faults per system (latency, 5xx share, rate-limit bursts, outages) and per-token rate limits. Each
// platform says how it answers a rate limit and a server error; this file decides when.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

export const faultsSchema = z
  .object({
    system: z.enum(['shopee', 'cyberbiz', 'shopline', 'momo', 'idempiere']),
    latencyMs: z.number().int().min(0).max(120_000).optional(),
    jitterMs: z.number().int().min(0).max(120_000).optional(),
    /** Share of requests answered with a 5xx. */
    errorRate: z.number().min(0).max(1).optional(),
    /** The next `count` requests are answered as the platform answers a rate limit. */
    rateLimitBurst: z.object({ count: z.number().int().min(1).max(1_000_000) }).optional(),
    /** Outage for this long from now. */
    downForMs: z.number().int().min(0).max(3_600_000).optional(),
    /** close (default): sockets are destroyed, as when the host is unreachable; 503: answered 503. */
    downMode: z.enum(['close', '503']).optional(),
    /** iDempiere only: time spent per order written, one at a time. */
    processingMsPerOrder: z.number().int().min(0).max(60_000).optional(),
    /** iDempiere only: share of successful writes whose reply is lost (committed, but the client gets 504). */
    lostReplyRate: z.number().min(0).max(1).optional(),
  })
  .strict();
export type FaultsInput = z.infer<typeof faultsSchema>;

export class FaultState {
  latencyMs = 0;
  jitterMs = 0;
  errorRate = 0;
  rateLimitLeft = 0;
  downUntil = 0;
  downMode: 'close' | '503' = 'close';

  set(f: FaultsInput, now = Date.now()): void {
    if (f.latencyMs !== undefined) this.latencyMs = f.latencyMs;
    if (f.jitterMs !== undefined) this.jitterMs = f.jitterMs;
    if (f.errorRate !== undefined) this.errorRate = f.errorRate;
    if (f.rateLimitBurst) this.rateLimitLeft = f.rateLimitBurst.count;
    if (f.downForMs !== undefined) this.downUntil = now + f.downForMs;
    if (f.downMode) this.downMode = f.downMode;
  }

  clear(): void {
    Object.assign(this, new FaultState());
  }

  view() {
    return {
      latencyMs: this.latencyMs,
      jitterMs: this.jitterMs,
      errorRate: this.errorRate,
      rateLimitLeft: this.rateLimitLeft,
      downUntil: this.downUntil ? new Date(this.downUntil).toISOString() : null,
    };
  }
}

export interface PlatformAnswers {
  rateLimited(reply: FastifyReply): FastifyReply;
  serverError(reply: FastifyReply): FastifyReply;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The first hook of every platform app: faults apply before anything else the platform does. */
export function installFaults(app: FastifyInstance, faults: FaultState, answers: PlatformAnswers): void {
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (faults.downUntil > Date.now()) {
      if (faults.downMode === '503')
        return reply.code(503).type('text/html').send('<html><body><h1>503 Service Unavailable</h1></body></html>');
      reply.hijack();
      req.raw.socket.destroy();
      return reply;
    }
    const delay = faults.latencyMs + (faults.jitterMs ? Math.floor(Math.random() * faults.jitterMs) : 0);
    if (delay > 0) await sleep(delay);
    if (faults.rateLimitLeft > 0) {
      faults.rateLimitLeft--;
      return answers.rateLimited(reply);
    }
    if (faults.errorRate > 0 && Math.random() < faults.errorRate) return answers.serverError(reply);
  });
}

/** A token bucket per key: `perSecond` requests per second, bursts up to one second's worth. */
export class RateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly perSecond: number,
    public enabled = true,
  ) {}

  take(key: string, now = Date.now()): boolean {
    if (!this.enabled) return true;
    const b = this.buckets.get(key) ?? { tokens: this.perSecond, at: now };
    b.tokens = Math.min(this.perSecond, b.tokens + ((now - b.at) * this.perSecond) / 1000);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  reset(): void {
    this.buckets.clear();
  }
}
