// From database rows to what an adapter needs (secrets decrypted), and tokens back into the row with
// compare-and-set on token_version so that two refreshes can never both win.
import type { Channel, Db, Platform as PlatformRow, SecretBox } from '@oms/db';
import type { PlatformKind } from '@oms/core';
import type { ChannelAccess, TokenSet } from './adapter';

export type ChannelWithPlatform = Channel & { platform: PlatformRow };

export class ChannelNotFoundError extends Error {
  constructor(readonly channelId: string) {
    super(`channel ${channelId} does not exist`);
    this.name = 'ChannelNotFoundError';
  }
}

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
      externalShopId: row.externalShopId,
      accessToken: box.decryptOptional(row.accessTokenEnc),
      refreshToken: box.decryptOptional(row.refreshTokenEnc),
      accessTokenExpiresAt: row.accessTokenExpiresAt,
      credentials: box.decryptJson<Record<string, string>>(row.credentialsEnc),
    },
  };
}

/** Loads a channel with its platform and decrypts its secrets. Throws ChannelNotFoundError. */
export async function loadChannelAccess(
  db: Db,
  box: SecretBox,
  channelId: string,
): Promise<{ row: ChannelWithPlatform; store: ChannelAccess }> {
  const row = await db.channel.findFirst({ where: { id: channelId, deletedAt: null }, include: { platform: true } });
  if (!row) throw new ChannelNotFoundError(channelId);
  return { row, store: toChannelAccess(box, row) };
}

/**
 * Saves a new token pair only if the channel's token_version is still `expectedVersion` (one statement:
 * the rotated refresh token is saved with the access token or not at all). Returns false when another
 * refresh won meanwhile.
 */
export async function saveTokens(
  db: Db | Parameters<Parameters<Db['$transaction']>[0]>[0],
  box: SecretBox,
  channelId: string,
  expectedVersion: number,
  tokens: TokenSet,
): Promise<boolean> {
  const result = await db.channel.updateMany({
    where: { id: channelId, tokenVersion: expectedVersion },
    data: {
      accessTokenEnc: box.encrypt(tokens.accessToken),
      // A platform that does not rotate returns no refresh token: keep the stored one.
      ...(tokens.refreshToken ? { refreshTokenEnc: box.encrypt(tokens.refreshToken) } : {}),
      accessTokenExpiresAt: tokens.accessTokenExpiresAt,
      ...(tokens.refreshTokenExpiresAt ? { refreshTokenExpiresAt: tokens.refreshTokenExpiresAt } : {}),
      tokenVersion: { increment: 1 },
    },
  });
  return result.count === 1;
}
