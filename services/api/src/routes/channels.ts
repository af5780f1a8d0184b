import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Prisma } from '@oms/db';
import { channelState } from '@oms/platforms';
import type { App } from '../app';
import type { Ctx } from '../context';
import { badRequest, conflict, notFound } from '../errors';
import {
  backfillCreate,
  channelCreate,
  channelList,
  channelUpdate,
  channelView,
  idParams,
  jobQueued,
  syncRunView,
} from '../schemas';
import { UNCONNECTED_PREFIX, channelToView, syncRunToView } from '../views';
import { findPlatform } from './platforms';

export async function findChannel(ctx: Ctx, id: string) {
  const c = await ctx.db.channel.findFirst({
    where: { id, deletedAt: null, platform: { deletedAt: null } },
    include: { platform: true },
  });
  if (!c) throw notFound(`channel ${id}`);
  return c;
}

type ChannelInput = z.output<typeof channelUpdate>;

/** The columns a create or update sets; secrets encrypted here and nowhere else. */
function channelData(ctx: Ctx, b: ChannelInput): Prisma.ChannelUncheckedUpdateInput {
  const d: Prisma.ChannelUncheckedUpdateInput = {};
  const date = (v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : new Date(v));
  if (b.name !== undefined) d.name = b.name;
  if (b.description !== undefined) d.description = b.description;
  if (b.externalShopId !== undefined) d.externalShopId = b.externalShopId;
  if (b.accessToken !== undefined) d.accessTokenEnc = ctx.box.encryptOptional(b.accessToken);
  if (b.refreshToken !== undefined) d.refreshTokenEnc = ctx.box.encryptOptional(b.refreshToken);
  if (b.accessTokenExpiresAt !== undefined) d.accessTokenExpiresAt = date(b.accessTokenExpiresAt);
  if (b.refreshTokenExpiresAt !== undefined) d.refreshTokenExpiresAt = date(b.refreshTokenExpiresAt);
  if (b.credentials !== undefined)
    d.credentialsEnc = b.credentials === null ? null : ctx.box.encryptJson(b.credentials);
  if (b.webhookSecret !== undefined) d.webhookSecretEnc = ctx.box.encryptOptional(b.webhookSecret);
  if (b.syncIntervalSeconds !== undefined) d.syncIntervalSeconds = b.syncIntervalSeconds;
  if (b.syncStartAt !== undefined) d.syncStartAt = new Date(b.syncStartAt);
  for (const k of [
    'erpOrgId',
    'erpWarehouseId',
    'erpDocTypeId',
    'erpPriceListId',
    'erpPaymentTermId',
    'erpDefaultCustomerId',
    'erpCustomerGroupId',
    'erpShippingChargeId',
    'erpDiscountChargeId',
    'customerMode',
    'skuMatch',
    'allowCreateProducts',
    'erpCreateOn',
    'completeInErp',
  ] as const) {
    if (b[k] !== undefined) (d as Record<string, unknown>)[k] = b[k];
  }
  if (b.accessToken !== undefined || b.refreshToken !== undefined) d.tokenVersion = { increment: 1 };
  return d;
}

export function registerChannels(app: App, ctx: Ctx): void {
  const tags = ['channels'];
  const params = idParams;

  app.get(
    '/channels',
    { schema: { tags, querystring: channelList, response: { 200: z.array(channelView) } } },
    async (req) => {
      const rows = await ctx.db.channel.findMany({
        where: {
          deletedAt: null,
          platform: { deletedAt: null },
          platformId: req.query.platformId,
          state: req.query.state,
        },
        include: { platform: true },
        orderBy: { createdAt: 'asc' },
      });
      return rows.map(channelToView);
    },
  );

  app.post(
    '/channels',
    { schema: { tags, body: channelCreate, response: { 201: channelView } } },
    async (req, reply) => {
      const { platformId, ...rest } = req.body;
      await findPlatform(ctx, platformId);
      const connected = !!rest.accessToken || !!rest.credentials;
      const row = await ctx.db.channel.create({
        data: {
          ...(channelData(ctx, rest) as Prisma.ChannelUncheckedCreateInput),
          tokenVersion: 0,
          platformId,
          name: rest.name,
          externalShopId: rest.externalShopId ?? `${UNCONNECTED_PREFIX}${randomUUID()}`,
          syncStartAt: rest.syncStartAt ? new Date(rest.syncStartAt) : new Date(),
          // Without credentials the store must be connected (OAuth) before it can sync.
          state: channelState.stateForCredentials(connected),
        },
        include: { platform: true },
      });
      await ctx.channelChanged(row.id);
      return reply.code(201).send(channelToView(row));
    },
  );

  app.get('/channels/:id', { schema: { tags, params, response: { 200: channelView } } }, async (req) =>
    channelToView(await findChannel(ctx, req.params.id)),
  );

  app.patch(
    '/channels/:id',
    { schema: { tags, params, body: channelUpdate, response: { 200: channelView } } },
    async (req) => {
      const before = await findChannel(ctx, req.params.id);
      const data = channelData(ctx, req.body);
      // New credentials on a channel waiting for them make it usable again.
      if (req.body.accessToken || req.body.credentials)
        Object.assign(data, channelState.stateAfterNewCredentials(before.state));
      const row = await ctx.db.channel.update({ where: { id: before.id }, data, include: { platform: true } });
      await ctx.channelChanged(row.id);
      return channelToView(row);
    },
  );

  app.delete('/channels/:id', { schema: { tags, params, response: { 204: z.null() } } }, async (req, reply) => {
    const c = await findChannel(ctx, req.params.id);
    await channelState.remove(ctx.db, c.id, new Date());
    await ctx.channelChanged(c.id);
    return reply.code(204).send(null);
  });

  app.post('/channels/:id/pause', { schema: { tags, params, response: { 200: channelView } } }, async (req) => {
    const c = await findChannel(ctx, req.params.id);
    const row = await channelState.pause(ctx.db, c.id);
    await ctx.channelChanged(c.id);
    return channelToView(row);
  });

  app.post('/channels/:id/resume', { schema: { tags, params, response: { 200: channelView } } }, async (req) => {
    const c = await findChannel(ctx, req.params.id);
    const row = await channelState.resume(ctx.db, c);
    await ctx.channelChanged(c.id);
    return channelToView(row);
  });

  const requireRunnable = (c: Awaited<ReturnType<typeof findChannel>>) => {
    if (c.state === 'paused') throw conflict('channel is paused: resume it first');
    if (!c.accessTokenEnc && !c.credentialsEnc) throw conflict('channel is not connected yet: connect the store first');
  };

  app.post(
    '/channels/:id/sync',
    { schema: { tags, params, description: 'Sync now: enqueue get-orders', response: { 202: jobQueued } } },
    async (req, reply) => {
      const c = await findChannel(ctx, req.params.id);
      requireRunnable(c);
      const r = await ctx.addFresh('getOrders', { channelId: c.id }, c.platform.kind);
      return reply.code(202).send({ queued: r.state === 'queued', jobId: r.jobId ?? null, state: r.state });
    },
  );

  app.post(
    '/channels/:id/refresh-token',
    { schema: { tags, params, description: 'Refresh the access token now', response: { 202: jobQueued } } },
    async (req, reply) => {
      const c = await findChannel(ctx, req.params.id);
      if (!c.refreshTokenEnc) throw conflict('channel has no refresh token: connect the store again');
      const r = await ctx.addFresh('refreshToken', { channelId: c.id }, c.platform.kind);
      return reply.code(202).send({ queued: r.state === 'queued', jobId: r.jobId ?? null, state: r.state });
    },
  );

  app.post(
    '/channels/:id/backfill',
    {
      schema: {
        tags,
        params,
        body: backfillCreate,
        description: 'Backfill a time window (import it again); follow it at GET /sync-runs/:id',
        response: { 202: syncRunView },
      },
    },
    async (req, reply) => {
      const c = await findChannel(ctx, req.params.id);
      requireRunnable(c);
      const from = new Date(req.body.from);
      const to = new Date(req.body.to);
      if (to.getTime() > Date.now() + 60_000) throw badRequest('body to: must not be in the future', 'to');
      const run = await ctx.db.syncRun.create({
        data: { channelId: c.id, kind: 'backfill', status: 'queued', windowFrom: from, windowTo: to, progress: 0 },
      });
      await ctx.queues.add('backfill', { channelId: c.id, syncRunId: run.id }, { platform: c.platform.kind });
      return reply.code(202).send(syncRunToView(run));
    },
  );

  app.get(
    '/channels/:id/sync-runs',
    {
      schema: {
        tags,
        params,
        querystring: z.strictObject({
          kind: z.string().max(40).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(20),
        }),
        response: { 200: z.array(syncRunView) },
      },
    },
    async (req) => {
      const c = await findChannel(ctx, req.params.id);
      const runs = await ctx.db.syncRun.findMany({
        where: { channelId: c.id, kind: req.query.kind },
        orderBy: { startedAt: 'desc' },
        take: req.query.limit,
      });
      return runs.map(syncRunToView);
    },
  );

  app.get('/sync-runs/:id', { schema: { tags, params, response: { 200: syncRunView } } }, async (req) => {
    const run = await ctx.db.syncRun.findUnique({ where: { id: req.params.id } });
    if (!run) throw notFound(`sync run ${req.params.id}`);
    return syncRunToView(run);
  });
}
