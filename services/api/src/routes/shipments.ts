import { z } from 'zod';
import type { App } from '../app';
import type { Ctx } from '../context';
import { conflict, notFound } from '../errors';
import { idParams, jobQueued, shipmentList, shipmentView } from '../schemas';
import { shipmentToView } from '../views';

export function registerShipments(app: App, ctx: Ctx): void {
  const tags = ['shipments'];
  app.get(
    '/shipments',
    { schema: { tags, querystring: shipmentList, response: { 200: z.array(shipmentView) } } },
    async (req) => {
      const q = req.query;
      const rows = await ctx.db.shipment.findMany({
        where: { channelId: q.channelId, orderId: q.orderId, state: q.state },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: q.limit,
        skip: q.offset,
      });
      return rows.map(shipmentToView);
    },
  );

  app.post(
    '/shipments/:id/retry',
    {
      schema: {
        tags,
        params: idParams,
        description: 'Push the shipment to the platform again',
        response: { 202: jobQueued },
      },
    },
    async (req, reply) => {
      const s = await ctx.db.shipment.findUnique({
        where: { id: req.params.id },
        include: { channel: { include: { platform: true } } },
      });
      if (!s) throw notFound(`shipment ${req.params.id}`);
      if (s.state === 'pushed') throw conflict('shipment is already pushed');
      if (s.state === 'pushing') throw conflict('a push is in progress');
      await ctx.db.shipment.update({ where: { id: s.id }, data: { state: 'pending', reason: null, attempts: 0 } });
      const r = await ctx.addFresh('pushShipment', { shipmentId: s.id }, s.channel.platform.kind);
      return reply.code(202).send({ queued: r.state === 'queued', jobId: r.jobId ?? null, state: r.state });
    },
  );
}
