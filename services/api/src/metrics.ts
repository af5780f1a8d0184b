// /metrics: everything is read at scrape time from BullMQ and PostgreSQL (cheap grouped queries), so any
// number of api replicas report the same numbers. The ERP latency histogram is rebuilt per scrape from
// oms_erp_call rows of the last ERP_LATENCY_WINDOW_MINUTES (the erp-writer does not need its own).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Ctx } from './context';

export const ERP_LATENCY_WINDOW_MINUTES = 15;
const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children'] as const;

export interface Metrics {
  registry: Registry;
  webhooks: Counter<'platform' | 'verified'>;
}

export function createMetrics(ctx: Ctx): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  new Gauge({
    name: 'oms_queue_jobs',
    help: 'Jobs per queue and state (BullMQ getJobCounts)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const queue of ctx.queues.all()) {
        const counts = await queue.getJobCounts(...JOB_STATES);
        for (const state of JOB_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
      }
    },
  });

  const channels = async () =>
    ctx.db.channel.findMany({
      where: { deletedAt: null },
      select: {
        id: true,
        name: true,
        state: true,
        cursorUpdatedAt: true,
        lastSuccessAt: true,
        accessTokenExpiresAt: true,
        failureCount: true,
        platform: { select: { kind: true } },
      },
    });
  type ChannelRow = Awaited<ReturnType<typeof channels>>[number];
  const labels = (c: ChannelRow) => ({ channel: c.id, name: c.name, platform: c.platform.kind });
  // One query per scrape feeds all channel gauges.
  let cached: { at: number; rows: Promise<ChannelRow[]> } | null = null;
  const channelRows = () => {
    if (!cached || Date.now() - cached.at > 1000) cached = { at: Date.now(), rows: channels() };
    return cached.rows;
  };
  const channelGauge = (name: string, help: string, value: (c: ChannelRow, now: number) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['channel', 'name', 'platform'],
      registers: [registry],
      async collect() {
        this.reset();
        const now = Date.now();
        for (const c of await channelRows()) {
          const v = value(c, now);
          if (v !== null) this.set(labels(c), v);
        }
      },
    });
  channelGauge(
    'oms_channel_sync_lag_seconds',
    "Seconds since the channel's update cursor (now - cursorUpdatedAt)",
    (c, now) => (c.cursorUpdatedAt ? (now - c.cursorUpdatedAt.getTime()) / 1000 : null),
  );
  channelGauge('oms_channel_last_success_timestamp_seconds', "Unix time of the channel's last successful sync", (c) =>
    c.lastSuccessAt ? c.lastSuccessAt.getTime() / 1000 : null,
  );
  channelGauge(
    'oms_channel_token_expiry_seconds',
    "Seconds until the channel's access token expires (negative: expired)",
    (c, now) => (c.accessTokenExpiresAt ? (c.accessTokenExpiresAt.getTime() - now) / 1000 : null),
  );
  channelGauge('oms_channel_failures', 'Consecutive failures of the channel', (c) => c.failureCount);
  channelGauge('oms_channel_active', '1 when the channel is active, 0 otherwise', (c) =>
    c.state === 'active' ? 1 : 0,
  );

  new Gauge({
    name: 'oms_orders',
    help: 'Orders in the database by ERP state (imported = the sum; written, blocked, failed...)',
    labelNames: ['erp_state'],
    registers: [registry],
    async collect() {
      this.reset();
      const groups = await ctx.db.order.groupBy({ by: ['erpState'], _count: { _all: true } });
      for (const g of groups) this.set({ erp_state: g.erpState }, g._count._all);
    },
  });
  new Gauge({
    name: 'oms_orders_imported',
    help: 'Orders imported from the platforms (rows in oms_order)',
    registers: [registry],
    async collect() {
      this.set(await ctx.db.order.count());
    },
  });

  new Histogram({
    name: 'oms_erp_call_duration_seconds',
    help: `Duration of iDempiere calls over the last ${ERP_LATENCY_WINDOW_MINUTES} minutes (rebuilt from oms_erp_call per scrape)`,
    labelNames: ['action'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [registry],
    async collect() {
      this.reset();
      const since = new Date(Date.now() - ERP_LATENCY_WINDOW_MINUTES * 60_000);
      const rows = await ctx.db.erpCall.findMany({
        where: { createdAt: { gte: since } },
        select: { action: true, durationMs: true },
        take: 20_000,
      });
      for (const r of rows) this.observe({ action: r.action }, r.durationMs / 1000);
    },
  });

  const webhooks = new Counter({
    name: 'oms_webhooks_total',
    help: 'Webhook deliveries received by this api process, by platform and whether they verified',
    labelNames: ['platform', 'verified'],
    registers: [registry],
  });

  return { registry, webhooks };
}
