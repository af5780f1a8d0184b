// SHOPLINE authorization (docs/platforms.md#shopline-auth-and-signing): merchant-issued tokens never expire and
// have no refresh; Developer Center OAuth tokens are exchanged and refreshed on /oauth/token.
import type { ChannelAccess, TokenSet } from '../../adapter';
import { NotSupportedError, PermanentError, ReauthorizeError, TransientError } from '../../errors';
import { classifyStatus, jsonBody, send } from '../../http';
import { isObj, obj, optStr, type Obj } from '../../normalize-util';
import { P, shoplineTokensExpire, shoplineUserAgent, type ShoplineClient } from './client';

function authBase(store: ChannelAccess): string {
  return (store.platform.authHost ?? 'https://developers.shoplineapp.com').replace(/\/$/, '');
}

async function token(
  client: ShoplineClient,
  store: ChannelAccess,
  body: Obj,
  context: 'refresh' | 'code',
): Promise<TokenSet> {
  if (!store.platform.appId || !store.platform.appSecret)
    throw new PermanentError('shopline platform has no client_id/client_secret', { platform: P });
  const res = await send(client.http, P, {
    method: 'POST',
    url: `${authBase(store)}/oauth/token`,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'User-Agent': shoplineUserAgent(store) },
    data: JSON.stringify({ ...body, client_id: store.platform.appId, client_secret: store.platform.appSecret }),
  });
  const parsed = jsonBody(res, P);
  if (res.status >= 300) {
    const text = isObj(parsed) ? `${parsed.error ?? ''}: ${parsed.error_description ?? ''}` : `HTTP ${res.status}`;
    const common = classifyStatus(res, P, text);
    if (common) throw common;
    if (context === 'refresh' && isObj(parsed) && parsed.error === 'invalid_grant')
      throw new ReauthorizeError(`shopline refresh refused: ${text}`, { platform: P, status: res.status });
    throw new PermanentError(`shopline token endpoint ${res.status}: ${text}`, { platform: P, status: res.status });
  }
  const t = obj(parsed, 'token answer');
  const access = optStr(t.access_token);
  if (!access) throw new TransientError('shopline token answer without access_token', { platform: P });
  const now = Date.now();
  const expiresIn = typeof t.expires_in === 'number' ? t.expires_in : null;
  const accessExp = expiresIn ? new Date(now + expiresIn * 1000) : null;
  return {
    accessToken: access,
    refreshToken: optStr(t.refresh_token),
    accessTokenExpiresAt: accessExp,
    // Documented: the refresh token expires one day after the access token.
    refreshTokenExpiresAt: accessExp ? new Date(accessExp.getTime() + 86_400_000) : null,
    ...(optStr(t.resource_owner_id) ? { externalShopId: optStr(t.resource_owner_id)! } : {}),
  };
}

export async function refreshShoplineToken(client: ShoplineClient, store: ChannelAccess): Promise<TokenSet> {
  if (!shoplineTokensExpire(store))
    throw new NotSupportedError('this shopline token is merchant-issued and does not expire', { platform: P });
  const redirect = store.platform.settings.redirectUri;
  return token(
    client,
    store,
    {
      grant_type: 'refresh_token',
      refresh_token: store.channel.refreshToken,
      ...(typeof redirect === 'string' ? { redirect_uri: redirect } : {}),
    },
    'refresh',
  );
}

export function shoplineAuthorizeUrl(store: ChannelAccess, state: string, redirectUri: string): string {
  const scope = typeof store.platform.settings.scope === 'string' ? store.platform.settings.scope : 'orders';
  const u = new URL(`${authBase(store)}/oauth/authorize`);
  u.search = new URLSearchParams({
    client_id: store.platform.appId ?? '',
    response_type: 'code',
    redirect_uri: redirectUri,
    scope,
    state,
    ...(store.channel.externalShopId ? { merchant_id: store.channel.externalShopId } : {}),
  }).toString();
  return u.toString();
}

export async function exchangeShoplineCode(
  client: ShoplineClient,
  store: ChannelAccess,
  params: { code: string; redirectUri: string; query: Record<string, string> },
): Promise<TokenSet> {
  return token(
    client,
    store,
    { grant_type: 'authorization_code', code: params.code, redirect_uri: params.redirectUri },
    'code',
  );
}
