// Shopee authorization (docs/platforms.md#shopee-auth-and-signing): the seller's consent page, the code exchange
// and the refresh of the single-use, rotating refresh token.
import type { AxiosInstance } from 'axios';
import type { ChannelAccess, TokenSet } from '../../adapter';
import { PermanentError, ReauthorizeError, TransientError } from '../../errors';
import { optStr, type Obj } from '../../normalize-util';
import { DAY, P, partnerApp, shopeeCall, signedUrl } from './client';

export async function refreshShopeeToken(http: AxiosInstance, store: ChannelAccess): Promise<TokenSet> {
  const { partnerId } = partnerApp(store);
  if (!store.channel.refreshToken)
    throw new ReauthorizeError('shopee channel has no refresh token: connect the shop again', { platform: P });
  const env = await shopeeCall(
    http,
    store,
    'POST',
    '/api/v2/auth/access_token/get',
    'public',
    {},
    {
      refresh_token: store.channel.refreshToken,
      partner_id: Number(partnerId),
      shop_id: Number(store.channel.externalShopId),
    },
    'refresh',
  );
  return tokens(env, store.channel.externalShopId);
}

function tokens(env: Obj, shopId: string | undefined): TokenSet {
  const access = optStr(env.access_token);
  if (!access) throw new TransientError('shopee token answer without access_token', { platform: P });
  const now = Date.now();
  const expireIn = typeof env.expire_in === 'number' ? env.expire_in : 14_400;
  // expire_in is documented as seconds, but a token/get sample shows an epoch: read both (unverified).
  const expiresAt = expireIn > 1_000_000_000 ? new Date(expireIn * 1000) : new Date(now + expireIn * 1000);
  return {
    accessToken: access,
    refreshToken: optStr(env.refresh_token),
    accessTokenExpiresAt: expiresAt,
    refreshTokenExpiresAt: new Date(now + 30 * DAY),
    ...(shopId ? { externalShopId: shopId } : {}),
  };
}

export function shopeeAuthorizeUrl(store: ChannelAccess, state: string, redirectUri: string): string {
  // Shopee carries no state parameter: it rides in the redirect URL, which Shopee calls back unchanged.
  const redirect = new URL(redirectUri);
  redirect.searchParams.set('state', state);
  return signedUrl(
    store,
    '/api/v2/shop/auth_partner',
    'public',
    { redirect: redirect.toString() },
    store.platform.authHost ?? undefined,
  );
}

export async function exchangeShopeeCode(
  http: AxiosInstance,
  store: ChannelAccess,
  params: { code: string; redirectUri: string; query: Record<string, string> },
): Promise<TokenSet> {
  const { partnerId } = partnerApp(store);
  const shopId = params.query.shop_id;
  if (!shopId || !/^\d+$/.test(shopId))
    throw new PermanentError('shopee callback has no shop_id (main-account authorization is not supported)', {
      platform: P,
    });
  const env = await shopeeCall(
    http,
    store,
    'POST',
    '/api/v2/auth/token/get',
    'public',
    {},
    { code: params.code, partner_id: Number(partnerId), shop_id: Number(shopId) },
  );
  return tokens(env, shopId);
}
