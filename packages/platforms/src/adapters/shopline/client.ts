// The one way to call SHOPLINE's Open API (docs/platforms.md#shopline-auth-and-signing): a Bearer token, a
// User-Agent naming the caller, paced to the documented 20 requests per second per token; every refusal leaves as
// one of the classified errors.
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { ChannelAccess } from '../../adapter';
import { AuthError, NotReadyError, PermanentError, ReauthorizeError } from '../../errors';
import { classifyStatus, jsonBody, type Pacer, send } from '../../http';
import { isObj, optStr } from '../../normalize-util';

export const P = 'shopline';
const DEFAULT_USER_AGENT = 'oms-idempiere/1.0';

/** The HTTP client of one adapter instance and its pacing per token. */
export interface ShoplineClient {
  http: AxiosInstance;
  pacer: Pacer;
}

/** Merchant-issued tokens never expire and have no refresh token; OAuth ones do. */
export function shoplineTokensExpire(store: ChannelAccess): boolean {
  return store.channel.refreshToken !== null && store.channel.accessTokenExpiresAt !== null;
}

/** platform.settings.userAgent, or the OMS's own name. */
export function shoplineUserAgent(store: ChannelAccess): string {
  const ua = store.platform.settings.userAgent;
  return typeof ua === 'string' && ua.trim() ? ua.trim() : DEFAULT_USER_AGENT;
}

export async function shoplineRequest(
  client: ShoplineClient,
  store: ChannelAccess,
  method: 'GET' | 'PATCH',
  path: string,
  body?: unknown,
  params?: Record<string, string>,
): Promise<AxiosResponse> {
  if (!store.channel.accessToken) throw new AuthError('shopline channel has no access token', { platform: P });
  await client.pacer.wait(store.channel.accessToken);
  const res = await send(client.http, P, {
    method,
    url: `${store.platform.apiHost.replace(/\/$/, '')}${path}`,
    params,
    headers: {
      Authorization: `Bearer ${store.channel.accessToken}`,
      Accept: 'application/json',
      'User-Agent': shoplineUserAgent(store),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status < 300 || res.status === 404 || res.status === 410) return res;
  let parsed: unknown = null;
  try {
    parsed = jsonBody(res, P);
  } catch {
    /* the status says enough */
  }
  const text = isObj(parsed)
    ? [optStr(parsed.code), optStr(parsed.error) ?? optStr(parsed.message)].filter(Boolean).join(': ')
    : `HTTP ${res.status}`;
  const common = classifyStatus(res, P, text);
  if (common) throw common;
  const details = {
    platform: P,
    status: res.status,
    ...(isObj(parsed) && typeof parsed.code === 'string' ? { code: parsed.code } : {}),
  };
  if (res.status === 401) {
    // A non-expiring merchant token that is refused cannot be refreshed: the merchant must issue a new one.
    if (!shoplineTokensExpire(store)) throw new ReauthorizeError(`shopline refused the API token: ${text}`, details);
    throw new AuthError(`shopline 401: ${text}`, details);
  }
  if (res.status === 422 && /not paid/i.test(text)) throw new NotReadyError(`shopline 422: ${text}`, details);
  throw new PermanentError(`shopline ${res.status}: ${text}`, details);
}
