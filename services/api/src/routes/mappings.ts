// SKU and carrier mappings: how an operator unblocks an order whose SKU or shipper does not match.
import { z } from 'zod';
import type { App } from '../app';
import type { Ctx } from '../context';
import { notFound } from '../errors';
import {
  carrierMappingCreate,
  carrierMappingUpdate,
  carrierMappingView,
  idParams,
  mappingList,
  skuMappingCreate,
  skuMappingUpdate,
  skuMappingView,
} from '../schemas';
import { carrierMappingToView, skuMappingToView } from '../views';
import { findChannel } from './channels';

export function registerMappings(app: App, ctx: Ctx): void {
  // ----- SKU -----
  let tags = ['sku-mappings'];
  app.get(
    '/sku-mappings',
    { schema: { tags, querystring: mappingList, response: { 200: z.array(skuMappingView) } } },
    async (req) =>
      (
        await ctx.db.skuMapping.findMany({
          where: { channelId: req.query.channelId },
          orderBy: { platformSku: 'asc' },
          take: 5000,
        })
      ).map(skuMappingToView),
  );
  app.post(
    '/sku-mappings',
    { schema: { tags, body: skuMappingCreate, response: { 201: skuMappingView } } },
    async (req, reply) => {
      await findChannel(ctx, req.body.channelId);
      return reply.code(201).send(skuMappingToView(await ctx.db.skuMapping.create({ data: req.body })));
    },
  );
  const findSku = async (id: string) => {
    const m = await ctx.db.skuMapping.findUnique({ where: { id } });
    if (!m) throw notFound(`SKU mapping ${id}`);
    return m;
  };
  app.get('/sku-mappings/:id', { schema: { tags, params: idParams, response: { 200: skuMappingView } } }, async (req) =>
    skuMappingToView(await findSku(req.params.id)),
  );
  app.patch(
    '/sku-mappings/:id',
    { schema: { tags, params: idParams, body: skuMappingUpdate, response: { 200: skuMappingView } } },
    async (req) => {
      await findSku(req.params.id);
      return skuMappingToView(await ctx.db.skuMapping.update({ where: { id: req.params.id }, data: req.body }));
    },
  );
  app.delete(
    '/sku-mappings/:id',
    { schema: { tags, params: idParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await findSku(req.params.id);
      await ctx.db.skuMapping.delete({ where: { id: req.params.id } });
      return reply.code(204).send(null);
    },
  );

  // ----- carrier -----
  tags = ['carrier-mappings'];
  app.get(
    '/carrier-mappings',
    { schema: { tags, querystring: mappingList, response: { 200: z.array(carrierMappingView) } } },
    async (req) =>
      (
        await ctx.db.carrierMapping.findMany({
          where: { channelId: req.query.channelId },
          orderBy: { erpShipperName: 'asc' },
          take: 5000,
        })
      ).map(carrierMappingToView),
  );
  app.post(
    '/carrier-mappings',
    { schema: { tags, body: carrierMappingCreate, response: { 201: carrierMappingView } } },
    async (req, reply) => {
      await findChannel(ctx, req.body.channelId);
      return reply.code(201).send(carrierMappingToView(await ctx.db.carrierMapping.create({ data: req.body })));
    },
  );
  const findCarrier = async (id: string) => {
    const m = await ctx.db.carrierMapping.findUnique({ where: { id } });
    if (!m) throw notFound(`carrier mapping ${id}`);
    return m;
  };
  app.get(
    '/carrier-mappings/:id',
    { schema: { tags, params: idParams, response: { 200: carrierMappingView } } },
    async (req) => carrierMappingToView(await findCarrier(req.params.id)),
  );
  app.patch(
    '/carrier-mappings/:id',
    { schema: { tags, params: idParams, body: carrierMappingUpdate, response: { 200: carrierMappingView } } },
    async (req) => {
      await findCarrier(req.params.id);
      return carrierMappingToView(await ctx.db.carrierMapping.update({ where: { id: req.params.id }, data: req.body }));
    },
  );
  app.delete(
    '/carrier-mappings/:id',
    { schema: { tags, params: idParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await findCarrier(req.params.id);
      await ctx.db.carrierMapping.delete({ where: { id: req.params.id } });
      return reply.code(204).send(null);
    },
  );
}
