// SKU and carrier mappings: how an operator unblocks an order whose SKU or shipper does not match. Both are the
// same five routes over a table of rows that belong to a channel.
import type { FastifyTypeProviderDefault } from 'fastify';
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

/** The table of one kind of mapping, as the routes need it. */
interface MappingTable<Row, Create, Update> {
  list(channelId: string | undefined): Promise<Row[]>;
  find(id: string): Promise<Row | null>;
  create(data: Create): Promise<Row>;
  update(id: string, data: Update): Promise<Row>;
  remove(id: string): Promise<unknown>;
}

type IdParams = z.output<typeof idParams>;
type ListQuery = z.output<typeof mappingList>;

/** List (optionally of one channel), create (for an existing channel), read, update and delete by id. */
function crudRoutes<Row, Create extends { channelId: string }, Update, View>(
  app: App,
  ctx: Ctx,
  spec: {
    path: string;
    /** What a row is called in a 404 message. */
    noun: string;
    schemas: { create: z.ZodType<Create>; update: z.ZodType<Update>; view: z.ZodType<View> };
    table: MappingTable<Row, Create, Update>;
    toView: (row: Row) => View;
  },
): void {
  const { path, schemas, table, toView } = spec;
  const tags = [path.slice(1)];
  const find = async (id: string) => {
    const row = await table.find(id);
    if (!row) throw notFound(`${spec.noun} ${id}`);
    return row;
  };
  // Fastify cannot derive request types from schemas that are type parameters; each value below has passed the
  // route's validator (idParams, mappingList, schemas.create, schemas.update) before the handler runs.
  const typed = app.withTypeProvider<FastifyTypeProviderDefault>();
  typed.get(
    path,
    { schema: { tags, querystring: mappingList, response: { 200: z.array(schemas.view) } } },
    async (req) => (await table.list((req.query as ListQuery).channelId)).map(toView),
  );
  typed.post(path, { schema: { tags, body: schemas.create, response: { 201: schemas.view } } }, async (req, reply) => {
    const body = req.body as Create;
    await findChannel(ctx, body.channelId);
    return reply.code(201).send(toView(await table.create(body)));
  });
  typed.get(`${path}/:id`, { schema: { tags, params: idParams, response: { 200: schemas.view } } }, async (req) =>
    toView(await find((req.params as IdParams).id)),
  );
  typed.patch(
    `${path}/:id`,
    { schema: { tags, params: idParams, body: schemas.update, response: { 200: schemas.view } } },
    async (req) => {
      const { id } = req.params as IdParams;
      await find(id);
      return toView(await table.update(id, req.body as Update));
    },
  );
  typed.delete(
    `${path}/:id`,
    { schema: { tags, params: idParams, response: { 204: z.null() } } },
    async (req, reply) => {
      const { id } = req.params as IdParams;
      await find(id);
      await table.remove(id);
      return reply.code(204).send(null);
    },
  );
}

/** Enough rows for any one seller's catalogue; the console filters them in the browser. */
const LIST_LIMIT = 5000;

export function registerMappings(app: App, ctx: Ctx): void {
  const { skuMapping, carrierMapping } = ctx.db;
  crudRoutes(app, ctx, {
    path: '/sku-mappings',
    noun: 'SKU mapping',
    schemas: { create: skuMappingCreate, update: skuMappingUpdate, view: skuMappingView },
    toView: skuMappingToView,
    table: {
      list: (channelId) =>
        skuMapping.findMany({ where: { channelId }, orderBy: { platformSku: 'asc' }, take: LIST_LIMIT }),
      find: (id) => skuMapping.findUnique({ where: { id } }),
      create: (data) => skuMapping.create({ data }),
      update: (id, data) => skuMapping.update({ where: { id }, data }),
      remove: (id) => skuMapping.delete({ where: { id } }),
    },
  });
  crudRoutes(app, ctx, {
    path: '/carrier-mappings',
    noun: 'carrier mapping',
    schemas: { create: carrierMappingCreate, update: carrierMappingUpdate, view: carrierMappingView },
    toView: carrierMappingToView,
    table: {
      list: (channelId) =>
        carrierMapping.findMany({ where: { channelId }, orderBy: { erpShipperName: 'asc' }, take: LIST_LIMIT }),
      find: (id) => carrierMapping.findUnique({ where: { id } }),
      create: (data) => carrierMapping.create({ data }),
      update: (id, data) => carrierMapping.update({ where: { id }, data }),
      remove: (id) => carrierMapping.delete({ where: { id } }),
    },
  });
}
