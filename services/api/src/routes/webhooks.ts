// Platform webhooks. Nothing here knows a platform's signature scheme: adapter.verifyWebhook does.
// - POST /webhooks/:platform                      app-level signatures (Shopee push, Cyberbiz): every app of
//                                                 that kind is tried with its own secret
// - POST /webhooks/:platform/:channelId/:secret   a per-channel secret in the URL (Shopline)
// A verified order event enqueues fetch-order for just that order and answers 2xx with an empty body;
// anything else gets 401 and is counted (oms_webhook_receipt and oms_webhooks_total). Polling stays the safety net.
import { z } from 'zod';
import type { Channel, Platform, PlatformKind } from '@oms/db';
import type { App } from '../app';
import { safeEqual } from '../auth';
import type { Ctx } from '../context';
import type { Metrics } from '../metrics';
import { platformKind } from '../schemas';
import { toChannelAccess, type WebhookEvent, type WebhookRequest } from '@oms/platforms';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const clip = (s: string | null | undefined, n = 200) => (s == null ? null : s.length > n ? `${s.slice(0, n)}…` : s);

export function registerWebhooks(scope: App, ctx: Ctx, metrics: Metrics): void {
  // Signatures cover the exact bytes: keep the raw body whatever the content type.
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const webhookRequest = (req: { url: string; headers: WebhookRequest['headers']; body: unknown }): WebhookRequest => ({
    url: `${ctx.config.PUBLIC_URL.replace(/\/$/, '')}${req.url}`,
    headers: req.headers,
    rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
  });

  async function refuse(kind: PlatformKind, channelId: string | null, reason: string) {
    metrics.webhooks.inc({ platform: kind, verified: 'false' });
    await ctx.db.webhookReceipt.create({ data: { platform: kind, channelId, verified: false, reason: clip(reason) } });
  }

  async function accept(kind: PlatformKind, platform: Platform, channel: Channel | null, event: WebhookEvent) {
    metrics.webhooks.inc({ platform: kind, verified: 'true' });
    let reason: string | null = null;
    if (!channel) reason = `no channel for shop ${clip(event.externalShopId, 100) ?? '(none named)'}`;
    else if (channel.state === 'paused') reason = 'channel is paused';
    else if (!event.orderExternalId) reason = 'not an order event';
    await ctx.db.webhookReceipt.create({
      data: { platform: kind, channelId: channel?.id ?? null, topic: clip(event.topic, 100), verified: true, reason },
    });
    if (reason || !channel || !event.orderExternalId) return;
    await ctx.queues.add(
      'fetchOrder',
      { channelId: channel.id, externalId: event.orderExternalId.slice(0, 200) },
      { platform: platform.kind },
    );
  }

  const description =
    'Platform webhook: verified by its signature, not by an API key. 200 with an empty body when verified, 401 otherwise.';

  scope.post(
    '/webhooks/:platform',
    {
      config: { access: 'webhook' },
      schema: { tags: ['webhooks'], params: z.strictObject({ platform: platformKind }), description },
    },
    async (req, reply) => {
      const kind = req.params.platform;
      const request = webhookRequest(req);
      const apps = (await ctx.db.platform.findMany({ where: { kind, deletedAt: null } })).filter((p) => p.appSecretEnc);
      let matched: { platform: Platform; event: WebhookEvent } | null = null;
      let lastReason = apps.length ? 'signature does not match' : `no ${kind} platform app with a secret is configured`;
      const adapter = apps.length ? await ctx.getAdapter(kind) : null;
      for (const p of apps) {
        let secret: string | null;
        try {
          secret = ctx.box.decryptOptional(p.appSecretEnc);
        } catch (err) {
          // A secret under a key no longer configured: that app cannot verify anything; say so in the logs.
          req.log.error({ platformId: p.id, err: (err as Error).message }, 'cannot decrypt the platform app secret');
          continue;
        }
        if (!secret) continue;
        try {
          matched = { platform: p, event: adapter!.verifyWebhook(null, request, secret) };
          break;
        } catch (err) {
          lastReason = (err as { reason?: string }).reason ?? (err as Error).message;
        }
      }
      if (!matched) {
        await refuse(kind, null, lastReason);
        return reply.code(401).send({ error: 'unauthorized', message: 'webhook signature could not be verified' });
      }
      const shop = matched.event.externalShopId;
      const channel = shop
        ? await ctx.db.channel.findFirst({
            where: { platformId: matched.platform.id, externalShopId: shop, deletedAt: null },
          })
        : null;
      await accept(kind, matched.platform, channel, matched.event);
      return reply.code(200).send();
    },
  );

  scope.post(
    '/webhooks/:platform/:channelId/:secret',
    {
      config: { access: 'webhook' },
      schema: {
        tags: ['webhooks'],
        // Loose on purpose: a wrong id or secret is an unverified delivery (401, counted), not a 400.
        params: z.strictObject({ platform: platformKind, channelId: z.string().max(100), secret: z.string().max(300) }),
        description,
      },
    },
    async (req, reply) => {
      const { platform: kind, channelId, secret } = req.params;
      const deny = async (reason: string, id: string | null) => {
        await refuse(kind, id, reason);
        return reply.code(401).send({ error: 'unauthorized', message: 'webhook could not be verified' });
      };
      if (!UUID.test(channelId)) return deny('channel id is not a UUID', null);
      const channel = await ctx.db.channel.findFirst({
        where: { id: channelId, deletedAt: null },
        include: { platform: true },
      });
      if (!channel || channel.platform.kind !== kind) return deny('no such channel', null);
      const stored = ctx.box.decryptOptional(channel.webhookSecretEnc);
      if (!stored || !safeEqual(stored, secret)) return deny('wrong secret in the URL', channel.id);
      const adapter = await ctx.getAdapter(kind);
      let event: WebhookEvent;
      try {
        // Adapters read a URL-borne secret as the `secret` query parameter of the URL they are given.
        const request = webhookRequest(req);
        const url = new URL(request.url);
        url.searchParams.set('secret', secret);
        event = adapter.verifyWebhook(toChannelAccess(ctx.box, channel), { ...request, url: url.toString() }, stored);
      } catch (err) {
        return deny((err as { reason?: string }).reason ?? (err as Error).message, channel.id);
      }
      const { platform, ...row } = channel;
      await accept(kind, platform, row, event);
      return reply.code(200).send();
    },
  );
}
