// Faults of the iDempiere stand-in (setFaults or POST /_sandbox/idempiere/faults): downtime, latency and random
// server errors before a request is handled, processing time per order inside the sequence lock (writes.ts), and
// lost replies of committed writes.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { send, sleep } from './reply';

export interface IdempiereFaults {
  /** fixed latency per request, spent before the request is handled (outside the sequence lock) */
  latencyMs?: number;
  /** extra random latency 0..jitterMs */
  jitterMs?: number;
  /** share of requests (0..1) answered 500 with a server-error body, before anything is written */
  errorRate?: number;
  /** from now, be down for this long */
  downForMs?: number;
  /** how "down" looks: '503' (default) answers 503; 'close' destroys the connection, as an unreachable host */
  downMode?: 'close' | '503';
  /** time spent inside the sequence lock for each C_Order created or completed by a write */
  processingMsPerOrder?: number;
  /**
   * share of successful writes (0..1) whose reply is lost: the change IS committed but the client gets 504, as
   * when a proxy times out in front of a slow server. Tests that a retried write does not duplicate.
   */
  lostReplyRate?: number;
}

type ActiveFaults = Required<Omit<IdempiereFaults, 'downForMs'>> & { downUntil: number };

const NONE: ActiveFaults = {
  latencyMs: 0,
  jitterMs: 0,
  errorRate: 0,
  processingMsPerOrder: 0,
  lostReplyRate: 0,
  downUntil: 0,
  downMode: '503',
};

export class Faults {
  private active: ActiveFaults = { ...NONE };

  get processingMsPerOrder(): number {
    return this.active.processingMsPerOrder;
  }

  /** Sets the faults named (the others stay); throws on a value out of range, changing nothing. */
  set(f: IdempiereFaults): void {
    const num = (name: string, v: unknown, max = Number.MAX_SAFE_INTEGER) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max)
        throw new Error(`fault ${name} must be a number between 0 and ${max}, got ${JSON.stringify(v)}`);
      return v;
    };
    const next = { ...this.active };
    if (f.latencyMs !== undefined) next.latencyMs = num('latencyMs', f.latencyMs);
    if (f.jitterMs !== undefined) next.jitterMs = num('jitterMs', f.jitterMs);
    if (f.errorRate !== undefined) next.errorRate = num('errorRate', f.errorRate, 1);
    if (f.processingMsPerOrder !== undefined)
      next.processingMsPerOrder = num('processingMsPerOrder', f.processingMsPerOrder);
    if (f.lostReplyRate !== undefined) next.lostReplyRate = num('lostReplyRate', f.lostReplyRate, 1);
    if (f.downForMs !== undefined) next.downUntil = Date.now() + num('downForMs', f.downForMs);
    if (f.downMode !== undefined) {
      if (f.downMode !== 'close' && f.downMode !== '503')
        throw new Error(`fault downMode must be 'close' or '503', got ${JSON.stringify(f.downMode)}`);
      next.downMode = f.downMode;
    }
    this.active = next;
  }

  clear(): void {
    this.active = { ...NONE };
  }

  /** The onRequest hook of /api/v1: downtime, then latency (outside the lock), then a random server error. */
  async beforeRequest(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const faults = this.active;
    if (faults.downUntil > Date.now()) {
      if (faults.downMode === 'close') {
        reply.hijack();
        req.raw.socket.destroy();
        return reply;
      }
      return send(reply, 503, {
        title: 'Service Unavailable',
        status: 503,
        detail: 'iDempiere is down (sandbox fault)',
      });
    }
    const l = faults.latencyMs + (faults.jitterMs > 0 ? Math.random() * faults.jitterMs : 0);
    if (l > 0) await sleep(l);
    // read after the latency: a fault changed while the request waited applies to it
    const { errorRate } = this.active;
    if (errorRate > 0 && Math.random() < errorRate) {
      return send(reply, 500, {
        title: 'Server error',
        status: 500,
        detail:
          'Server error with exception: org.postgresql.util.PSQLException: An I/O error occurred while sending to the backend.',
      });
    }
    return undefined;
  }

  /** Replies to a write; a lost-reply fault turns a committed success into a 504. */
  sendWrite(reply: FastifyReply, status: number, body: unknown) {
    const rate = this.active.lostReplyRate;
    if (status < 300 && rate > 0 && Math.random() < rate) {
      return send(reply, 504, {
        title: 'Gateway Timeout',
        status: 504,
        detail: 'No reply from iDempiere in time (the request may have been processed)',
      });
    }
    return send(reply, status, body);
  }
}
