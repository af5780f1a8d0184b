// Connect a store: redirect to the platform's authorization page with a signed, expiring state; the
// callback checks it, exchanges the code, stores the tokens (encrypted) and activates the channel.
import { z } from 'zod';
import { type PlatformKind } from '@oms/core';
import type { App } from '../app';
import { channelState, toChannelAccess } from '@oms/platforms';
import type { Ctx } from '../context';
import { HttpError, badRequest, conflict } from '../errors';
import { idParams, platformKind } from '../schemas';
import { signState, verifyState } from '../state';
import { UNCONNECTED_PREFIX } from '../views';
import { findChannel } from './channels';

export const redirectUriFor = (ctx: Ctx, kind: PlatformKind) =>
  `${ctx.config.PUBLIC_URL.replace(/\/$/, '')}/oauth/callback/${kind}`;

/** A platform's refusal becomes a 400 the operator can read; its outage a 502. */
function platformFailure(err: unknown, what: string): HttpError {
  const kind = (err as { kind?: unknown })?.kind;
  const message = err instanceof Error ? err.message : String(err);
  if (kind === 'transient' || kind === 'rate_limited')
    return new HttpError(502, 'platform_unavailable', `${what}: the platform did not answer (${message}); try again`);
  return new HttpError(400, 'platform_refused', `${what}: ${message}`);
}

export function registerOAuth(app: App, ctx: Ctx): void {
  app.get(
    '/channels/:id/connect',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['channels'],
        params: idParams,
        description: "Redirects the browser to the platform's authorization page",
      },
    },
    async (req, reply) => {
      const c = await findChannel(ctx, req.params.id);
      const adapter = await ctx.getAdapter(c.platform.kind);
      const state = signState(ctx.config.APP_SECRET, c.id);
      let url: string;
      try {
        url = adapter.authorizeUrl(toChannelAccess(ctx.box, c), state, redirectUriFor(ctx, c.platform.kind));
      } catch (err) {
        throw platformFailure(err, 'cannot build the authorization link');
      }
      return reply.redirect(url, 302);
    },
  );

  app.get(
    '/oauth/callback/:platform',
    {
      config: { access: 'oauth' },
      schema: {
        tags: ['oauth'],
        params: z.strictObject({ platform: platformKind }),
        // Platforms add their own parameters (shop_id, main_account_id...): the adapter reads them.
        querystring: z.looseObject({ state: z.string().min(1).max(4000), code: z.string().min(1).max(4000) }),
        description: 'Where the platform sends the browser back after the seller authorized the app',
      },
    },
    async (req, reply) => {
      const verified = verifyState(ctx.config.APP_SECRET, req.query.state);
      if ('error' in verified) throw badRequest(`querystring state: ${verified.error}`, 'state');
      const c = await findChannel(ctx, verified.channelId);
      if (c.platform.kind !== req.params.platform)
        throw badRequest(`params platform: this state is for a ${c.platform.kind} channel`, 'platform');
      const adapter = await ctx.getAdapter(c.platform.kind);
      const query: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.query)) if (typeof v === 'string') query[k] = v;
      let tokens;
      try {
        tokens = await adapter.exchangeCode(toChannelAccess(ctx.box, c), {
          code: req.query.code,
          redirectUri: redirectUriFor(ctx, c.platform.kind),
          query,
        });
      } catch (err) {
        throw platformFailure(err, 'the authorization code was not accepted');
      }
      const placeholder = c.externalShopId.startsWith(UNCONNECTED_PREFIX);
      if (tokens.externalShopId && !placeholder && tokens.externalShopId !== c.externalShopId) {
        throw conflict(
          `the seller authorized shop ${tokens.externalShopId}, but this channel is shop ${c.externalShopId}`,
        );
      }
      await channelState.connected(ctx.db, ctx.box, c.id, tokens, {
        externalShopId: placeholder ? tokens.externalShopId : undefined,
      });
      req.log.info({ channelId: c.id }, 'store connected');
      await ctx.channelChanged(c.id);
      await ctx.addFresh('getOrders', { channelId: c.id }, c.platform.kind);
      return reply.redirect(`/?connected=${encodeURIComponent(c.id)}`, 302);
    },
  );
}
