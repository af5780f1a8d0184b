import { z } from 'zod';
import type { Prisma } from '@oms/db';
import type { App } from '../app';
import type { Ctx } from '../context';
import { conflict, notFound } from '../errors';
import { idParams, platformCreate, platformUpdate, platformView } from '../schemas';
import { platformToView } from '../views';

export async function findPlatform(ctx: Ctx, id: string) {
  const p = await ctx.db.platform.findFirst({ where: { id, deletedAt: null } });
  if (!p) throw notFound(`platform ${id}`);
  return p;
}

export function registerPlatforms(app: App, ctx: Ctx): void {
  const tags = ['platforms'];
  const defaultApiHost = (kind: string) => ctx.config[`${kind.toUpperCase()}_API_URL` as 'SHOPEE_API_URL'];

  app.get('/platforms', { schema: { tags, response: { 200: z.array(platformView) } } }, async () => {
    const rows = await ctx.db.platform.findMany({ where: { deletedAt: null }, orderBy: { createdAt: 'asc' } });
    return rows.map(platformToView);
  });

  app.post(
    '/platforms',
    { schema: { tags, body: platformCreate, response: { 201: platformView } } },
    async (req, reply) => {
      const b = req.body;
      const row = await ctx.db.platform.create({
        data: {
          kind: b.kind,
          name: b.name,
          description: b.description ?? null,
          apiVersion: b.apiVersion ?? null,
          apiHost: b.apiHost ?? defaultApiHost(b.kind),
          authHost: b.authHost ?? null,
          appId: b.appId ?? null,
          appSecretEnc: ctx.box.encryptOptional(b.appSecret),
          settings: (b.settings ?? {}) as Prisma.InputJsonValue,
        },
      });
      return reply.code(201).send(platformToView(row));
    },
  );

  app.get('/platforms/:id', { schema: { tags, params: idParams, response: { 200: platformView } } }, async (req) =>
    platformToView(await findPlatform(ctx, req.params.id)),
  );

  app.patch(
    '/platforms/:id',
    { schema: { tags, params: idParams, body: platformUpdate, response: { 200: platformView } } },
    async (req) => {
      await findPlatform(ctx, req.params.id);
      const b = req.body;
      const data: Prisma.PlatformUpdateInput = {};
      if (b.name !== undefined) data.name = b.name;
      if (b.description !== undefined) data.description = b.description;
      if (b.apiVersion !== undefined) data.apiVersion = b.apiVersion;
      if (b.apiHost !== undefined) data.apiHost = b.apiHost;
      if (b.authHost !== undefined) data.authHost = b.authHost;
      if (b.appId !== undefined) data.appId = b.appId;
      if (b.appSecret !== undefined) data.appSecretEnc = ctx.box.encryptOptional(b.appSecret);
      if (b.settings !== undefined) data.settings = b.settings as Prisma.InputJsonValue;
      const row = await ctx.db.platform.update({ where: { id: req.params.id }, data });
      // Workers read platform settings per job; channels of this platform may need new schedules (rate limits).
      const channels = await ctx.db.channel.findMany({
        where: { platformId: row.id, deletedAt: null },
        select: { id: true },
      });
      for (const c of channels) await ctx.channelChanged(c.id);
      return platformToView(row);
    },
  );

  app.delete(
    '/platforms/:id',
    { schema: { tags, params: idParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await findPlatform(ctx, req.params.id);
      const live = await ctx.db.channel.count({ where: { platformId: req.params.id, deletedAt: null } });
      if (live > 0) throw conflict(`platform has ${live} channel(s): delete them first`);
      await ctx.db.platform.update({ where: { id: req.params.id }, data: { deletedAt: new Date() } });
      return reply.code(204).send(null);
    },
  );
}
