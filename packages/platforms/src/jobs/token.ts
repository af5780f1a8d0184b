// A channel's access token. One refresh per channel at a time (invariant 6 of docs/ARCHITECTURE.md: a token refresh
// happens once): the channel row is locked (SELECT ... FOR UPDATE) for the whole refresh, and the rotated pair is
// saved with compare-and-set on token_version in the same transaction. And the one way a job refreshes a refused
// token: once, then the call again (withFreshToken).
import type { Logger } from '@oms/logger';
import { loadChannelAccess, toChannelAccess, type LoadedChannel } from '../access';
import type { ChannelAccess } from '../adapter';
import { needsReauthorization, saveTokens } from '../channel-state';
import { AuthError, ReauthorizeError, NotSupportedError } from '../errors';
import { nowOf, type PlatformJobContext } from './context';

export type RefreshOutcome = 'refreshed' | 'fresh' | 'raced' | 'needs_reauth' | 'not_supported';

export interface RefreshOptions {
  /** Refresh even when the stored token is not about to expire (the platform refused it). */
  force?: boolean;
  /** The token_version the caller used: if it moved on, another refresh already happened. */
  seenVersion?: number;
  log?: Logger;
}

export async function refreshChannelToken(
  ctx: PlatformJobContext,
  channelId: string,
  opts: RefreshOptions = {},
): Promise<RefreshOutcome> {
  const log = opts.log ?? ctx.log;
  return ctx.db.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT id FROM oms_channel WHERE id = ${channelId}::uuid FOR UPDATE`;
      const row = await tx.channel.findUnique({ where: { id: channelId }, include: { platform: true } });
      if (!row || row.deletedAt) return 'raced' as const;
      if (opts.seenVersion !== undefined && row.tokenVersion !== opts.seenVersion) return 'raced' as const;
      const store = toChannelAccess(ctx.box, row);
      if (!ctx.adapter.tokensExpire(store)) return 'not_supported' as const;
      // A dead refresh token stays dead: only the seller's new authorization (which resets the state) helps.
      if (row.state === 'needs_reauth' && !opts.force) return 'needs_reauth' as const;
      const now = nowOf(ctx).getTime();
      if (
        !opts.force &&
        row.accessTokenExpiresAt &&
        row.accessTokenExpiresAt.getTime() > now + ctx.settings.refreshAheadMs
      )
        return 'fresh' as const;
      try {
        const tokens = await ctx.adapter.refreshToken(store);
        const saved = await saveTokens(tx, ctx.box, channelId, row.tokenVersion, tokens);
        if (!saved) return 'raced' as const;
        log.info({ channelId, expiresAt: tokens.accessTokenExpiresAt }, 'access token refreshed');
        return 'refreshed' as const;
      } catch (err) {
        if (err instanceof NotSupportedError) return 'not_supported' as const;
        if (!(err instanceof ReauthorizeError)) throw err;
        // The seller must connect again: stop fetching, say why, and do not retry.
        await needsReauthorization(tx, channelId, err.message, new Date(now));
        log.warn({ channelId, reason: err.message }, 'channel needs re-authorization');
        return 'needs_reauth' as const;
      }
    },
    { timeout: ctx.settings.httpTimeoutMs + 10_000, maxWait: ctx.settings.httpTimeoutMs + 10_000 },
  );
}

/**
 * A platform call with the channel's token, and once more when the platform refuses the token: the token is
 * refreshed (forced, unless another refresh already replaced the one the call used), the channel reloaded into
 * `channel`, and fn called again with it. When the refresh shows that only the seller can fix it (the channel is
 * needs_reauth by then), a ReauthorizeError; a second refusal is thrown as it is.
 */
export async function withFreshToken<T>(
  ctx: PlatformJobContext,
  channelId: string,
  channel: LoadedChannel,
  fn: (store: ChannelAccess) => Promise<T>,
  log: Logger = ctx.log,
): Promise<T> {
  try {
    return await fn(channel.store);
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
    log.info({ channelId, err: err.message }, 'access token refused: refreshing it once and retrying');
    const outcome = await refreshChannelToken(ctx, channelId, {
      force: true,
      seenVersion: channel.row.tokenVersion,
      log,
    });
    if (outcome === 'needs_reauth') throw new ReauthorizeError(`refresh failed after: ${err.message}`);
    Object.assign(channel, await loadChannelAccess(ctx.db, ctx.box, channelId));
    return fn(channel.store);
  }
}
