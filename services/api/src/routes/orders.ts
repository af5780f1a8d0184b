import { z } from 'zod';
import type { Order, PlatformKind, Prisma } from '@oms/db';
import type { App } from '../app';
import type { Ctx } from '../context';
import { badRequest, conflict, notFound } from '../errors';
import { idParams, orderDetail, orderList, orderPage, retryMany, retryResult } from '../schemas';
import { erpCallToView, orderToSummary, shipmentToView } from '../views';

const encodeCursor = (o: Order) => Buffer.from(JSON.stringify([o.createdAt.toISOString(), o.id])).toString('base64url');
function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [t, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    const createdAt = new Date(String(t));
    if (
      typeof t === 'string' &&
      typeof id === 'string' &&
      !Number.isNaN(createdAt.getTime()) &&
      /^[0-9a-f-]{36}$/i.test(id)
    )
      return { createdAt, id };
  } catch {
    // fall through
  }
  throw badRequest('querystring cursor: not a cursor this API returned', 'cursor');
}

/**
 * Puts one order back on the way to the ERP. An order whose payload failed validation is fetched again
 * (the fix is in the data or the adapter); any other is written again.
 */
export async function retryOrder(
  ctx: Ctx,
  order: Order & { channel: { platform: { kind: PlatformKind } } },
): Promise<{ queued: boolean; reason: string | null }> {
  if (order.erpState === 'writing') return { queued: false, reason: 'a write to the ERP is in progress' };
  if (order.erpState === 'written' && order.erpWrittenHash === order.contentHash)
    return { queued: false, reason: 'already written to the ERP' };
  if (order.erpState === 'waiting') return { queued: false, reason: 'not eligible for the ERP yet (e.g. unpaid)' };
  if (order.normalized === null) {
    // Its state stays as it is: the worker moves it on only if the fetched payload is now valid.
    await ctx.queues.add(
      'fetchOrder',
      { channelId: order.channelId, externalId: order.externalId },
      { platform: order.channel.platform.kind },
    );
    return { queued: true, reason: 'the stored payload is invalid: fetching the order from the platform again' };
  }
  await ctx.db.order.update({
    where: { id: order.id },
    data: { erpState: 'pending', erpReason: null, erpAttempts: 0 },
  });
  const r = await ctx.addFresh('writeOrder', { orderId: order.id, contentHash: order.contentHash });
  return { queued: true, reason: r.state === 'queued' ? null : `a write job is already ${r.state}` };
}

export function registerOrders(app: App, ctx: Ctx): void {
  const tags = ['orders'];
  const include = { channel: { include: { platform: true } } } as const;

  app.get('/orders', { schema: { tags, querystring: orderList, response: { 200: orderPage } } }, async (req) => {
    const q = req.query;
    if (q.cursor && q.offset !== undefined)
      throw badRequest('querystring cursor: give either cursor or offset', 'cursor');
    const and: Prisma.OrderWhereInput[] = [];
    if (q.channelId) and.push({ channelId: q.channelId });
    if (q.platformStatus) and.push({ platformStatus: q.platformStatus });
    if (q.status) and.push({ status: q.status });
    if (q.erpState) and.push({ erpState: q.erpState });
    if (q.blocked !== undefined) and.push(q.blocked ? { erpState: 'blocked' } : { erpState: { not: 'blocked' } });
    if (q.externalId) and.push({ OR: [{ externalId: q.externalId }, { externalNumber: q.externalId }] });
    if (q.createdFrom) and.push({ platformCreatedAt: { gte: new Date(q.createdFrom) } });
    if (q.createdTo) and.push({ platformCreatedAt: { lt: new Date(q.createdTo) } });
    if (q.updatedFrom) and.push({ platformUpdatedAt: { gte: new Date(q.updatedFrom) } });
    if (q.updatedTo) and.push({ platformUpdatedAt: { lt: new Date(q.updatedTo) } });
    if (q.cursor) {
      const c = decodeCursor(q.cursor);
      and.push({ OR: [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: c.id } }] });
    }
    const rows = await ctx.db.order.findMany({
      where: { AND: and },
      include,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: q.limit + 1,
      skip: q.offset ?? 0,
    });
    const more = rows.length > q.limit;
    const page = rows.slice(0, q.limit);
    return {
      items: page.map(orderToSummary),
      nextCursor: more && page.length ? encodeCursor(page[page.length - 1]!) : null,
    };
  });

  app.get('/orders/:id', { schema: { tags, params: idParams, response: { 200: orderDetail } } }, async (req) => {
    const o = await ctx.db.order.findUnique({
      where: { id: req.params.id },
      include: {
        ...include,
        erpCalls: { orderBy: { createdAt: 'asc' }, take: 500 },
        shipments: { orderBy: { createdAt: 'asc' } },
      },
    });
    if (!o) throw notFound(`order ${req.params.id}`);
    return {
      ...orderToSummary(o),
      raw: o.raw,
      normalized: o.normalized,
      contentHash: o.contentHash,
      erpReference: o.erpReference,
      erpWrittenHash: o.erpWrittenHash,
      erpCalls: o.erpCalls.map(erpCallToView),
      shipments: o.shipments.map(shipmentToView),
    };
  });

  app.post(
    '/orders/:id/retry',
    {
      schema: {
        tags,
        params: idParams,
        description: 'Reset the ERP state to pending and enqueue the write again',
        response: { 202: retryResult },
      },
    },
    async (req, reply) => {
      const o = await ctx.db.order.findUnique({ where: { id: req.params.id }, include });
      if (!o) throw notFound(`order ${req.params.id}`);
      const r = await retryOrder(ctx, o);
      if (!r.queued) throw conflict(r.reason ?? 'cannot retry');
      return reply.code(202).send({ orderId: o.id, ...r });
    },
  );

  app.post(
    '/orders/retry',
    {
      schema: {
        tags,
        body: retryMany,
        description: 'Retry many: by ids, or every order in a state (at most 500 at once)',
        response: { 202: z.object({ results: z.array(retryResult) }) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const where: Prisma.OrderWhereInput = b.ids
        ? { id: { in: b.ids } }
        : { erpState: b.erpState, ...(b.channelId ? { channelId: b.channelId } : {}) };
      const orders = await ctx.db.order.findMany({ where, include, take: 500, orderBy: { createdAt: 'asc' } });
      const results: z.output<typeof retryResult>[] = [];
      for (const o of orders) results.push({ orderId: o.id, ...(await retryOrder(ctx, o)) });
      for (const id of b.ids ?? [])
        if (!orders.some((o) => o.id === id)) results.push({ orderId: id, queued: false, reason: 'not found' });
      return reply.code(202).send({ results });
    },
  );
}
