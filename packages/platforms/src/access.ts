// From database rows to what an adapter needs: the channel with its platform app, secrets decrypted. Writes to a
// channel (tokens included) are channel-state.ts's.
import type { Channel, Db, Platform as PlatformRow, SecretBox } from '@oms/db';
import type { PlatformKind } from '@oms/core';
import type { ChannelAccess } from './adapter';

export type ChannelWithPlatform = Channel & { platform: PlatformRow };

/** A channel row as loaded, and what its adapter needs. */
export interface LoadedChannel {
  row: ChannelWithPlatform;
  store: ChannelAccess;
}

/**
 * The shop id a channel has until its seller connects it (the API creates channels before OAuth tells it the
 * platform's own id). It is the OMS's, never the platform's.
 */
export const UNCONNECTED_PREFIX = 'unconnected-';

export function isPlaceholderShopId(externalShopId: string): boolean {
  return externalShopId.startsWith(UNCONNECTED_PREFIX);
}

export class ChannelNotFoundError extends Error {
  constructor(readonly channelId: string) {
    super(`channel ${channelId} does not exist`);
    this.name = 'ChannelNotFoundError';
  }
}

/**
 * What the adapter gets for a channel; the API (authorization links, code exchange, webhooks) and the workers use
 * this one rule. A placeholder shop id is given as '' (not known yet): it is the OMS's own, and sent to a platform
 * it would name a shop that does not exist (a Cyberbiz token URL on a made-up domain, a Shopee signature over a
 * made-up shop_id), while every adapter reads '' as "not known yet" (the authorization link lets the seller pick
 * the shop). The workers lose nothing by it: no platform knows a shop by the placeholder.
 */
export function toChannelAccess(box: SecretBox, row: ChannelWithPlatform): ChannelAccess {
  const p = row.platform;
  return {
    platform: {
      kind: p.kind as PlatformKind,
      apiVersion: p.apiVersion,
      apiHost: p.apiHost,
      authHost: p.authHost,
      appId: p.appId,
      appSecret: box.decryptOptional(p.appSecretEnc),
      settings: (p.settings ?? {}) as Record<string, unknown>,
    },
    channel: {
      id: row.id,
      externalShopId: isPlaceholderShopId(row.externalShopId) ? '' : row.externalShopId,
      accessToken: box.decryptOptional(row.accessTokenEnc),
      refreshToken: box.decryptOptional(row.refreshTokenEnc),
      accessTokenExpiresAt: row.accessTokenExpiresAt,
      credentials: box.decryptJson<Record<string, string>>(row.credentialsEnc),
    },
  };
}

/** Loads a channel with its platform and decrypts its secrets. Throws ChannelNotFoundError. */
export async function loadChannelAccess(db: Db, box: SecretBox, channelId: string): Promise<LoadedChannel> {
  const row = await db.channel.findFirst({ where: { id: channelId, deletedAt: null }, include: { platform: true } });
  if (!row) throw new ChannelNotFoundError(channelId);
  return { row, store: toChannelAccess(box, row) };
}
