// Cyberbiz v2 authorization (docs/platforms.md#cyberbiz-auth-and-signing): the App Store's consent page, the code
// exchange and the refresh, all on the shop's own domain. v1 keys have none of these.
import type { ChannelAccess, TokenSet } from '../../adapter';
import { NotSupportedError, PermanentError, ReauthorizeError, TransientError } from '../../errors';
import { classifyStatus, jsonBody, send } from '../../http';
import { isObj, obj, optStr, type Obj } from '../../normalize-util';
import { errorText, isV1, P, type CyberbizClient } from './client';

function tokenUrl(store: ChannelAccess): string {
  // Real: https://{shop domain}/admin/oauth/token. A configured authHost (the sandbox) takes its place.
  return store.platform.authHost
    ? `${store.platform.authHost.replace(/\/$/, '')}/admin/oauth/token`
    : `https://${store.channel.externalShopId}/admin/oauth/token`;
}

async function token(
  client: CyberbizClient,
  store: ChannelAccess,
  shopDomain: string,
  body: Obj,
  context: 'refresh' | 'code',
): Promise<TokenSet> {
  if (!store.platform.appId || !store.platform.appSecret)
    throw new PermanentError('cyberbiz platform has no client_id/client_secret', { platform: P });
  const res = await send(client.http, P, {
    method: 'POST',
    url: tokenUrl({ ...store, channel: { ...store.channel, externalShopId: shopDomain } }),
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Shop-Domain': shopDomain },
    data: JSON.stringify({
      ...body,
      client_id: store.platform.appId,
      client_secret: store.platform.appSecret,
      shop_domain: shopDomain,
    }),
  });
  const parsed = jsonBody(res, P);
  if (res.status >= 300) {
    const text = errorText(parsed, res);
    const common = classifyStatus(res, P, text);
    if (common) throw common;
    if (context === 'refresh' && isObj(parsed) && parsed.error === 'invalid_grant')
      throw new ReauthorizeError(`cyberbiz refresh refused: ${text}`, { platform: P, status: res.status });
    throw new PermanentError(`cyberbiz token endpoint ${res.status}: ${text}`, { platform: P, status: res.status });
  }
  const t = obj(parsed, 'token answer');
  const access = optStr(t.access_token);
  if (!access) throw new TransientError('cyberbiz token answer without access_token', { platform: P });
  const expiresIn = typeof t.expires_in === 'number' ? t.expires_in : 7200;
  return {
    accessToken: access,
    refreshToken: optStr(t.refresh_token),
    accessTokenExpiresAt: new Date(Date.now() + expiresIn * 1000),
    refreshTokenExpiresAt: null,
    externalShopId: shopDomain,
  };
}

export async function refreshCyberbizToken(client: CyberbizClient, store: ChannelAccess): Promise<TokenSet> {
  if (isV1(store))
    throw new NotSupportedError('cyberbiz v1 uses an API key/secret: nothing to refresh', { platform: P });
  if (!store.channel.refreshToken)
    throw new ReauthorizeError('cyberbiz channel has no refresh token: install the app again', { platform: P });
  return token(
    client,
    store,
    store.channel.externalShopId,
    { grant_type: 'refresh_token', refresh_token: store.channel.refreshToken },
    'refresh',
  );
}

export function cyberbizAuthorizeUrl(store: ChannelAccess, state: string, redirectUri: string): string {
  if (isV1(store))
    throw new NotSupportedError('cyberbiz v1 has no authorization flow: enter the API key/secret', { platform: P });
  // The real authorize URL is undocumented; this is the sandbox's page and the most common OAuth shape (unverified).
  const u = new URL('/oauth/authorize', store.platform.authHost ?? store.platform.apiHost);
  u.search = new URLSearchParams({
    client_id: store.platform.appId ?? '',
    redirect_uri: redirectUri,
    state,
    response_type: 'code',
    ...(store.channel.externalShopId ? { shop_domain: store.channel.externalShopId } : {}),
  }).toString();
  return u.toString();
}

export async function exchangeCyberbizCode(
  client: CyberbizClient,
  store: ChannelAccess,
  params: { code: string; redirectUri: string; query: Record<string, string> },
): Promise<TokenSet> {
  const domain = params.query.shop_domain || store.channel.externalShopId;
  if (!domain) throw new PermanentError('cyberbiz callback has no shop_domain', { platform: P });
  return token(
    client,
    store,
    domain,
    { grant_type: 'authorization_code', code: params.code, redirect_uri: params.redirectUri },
    'code',
  );
}
