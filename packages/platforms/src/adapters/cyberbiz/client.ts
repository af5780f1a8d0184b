// The one way to call Cyberbiz (docs/platforms.md#cyberbiz-auth-and-signing): v2 with a Bearer JWT, v1 with the
// Kong-style HMAC signature of a per-store API key/secret, both paced to the documented rate per token; every
// refusal leaves as one of the classified errors.
import { createHmac } from 'node:crypto';
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { ChannelAccess } from '../../adapter';
import { AuthError, NotReadyError, PermanentError, ReauthorizeError } from '../../errors';
import { classifyStatus, jsonBody, type Pacer, send } from '../../http';
import { isObj } from '../../normalize-util';

export const P = 'cyberbiz';

/** The HTTP client of one adapter instance and its pacing per token. */
export interface CyberbizClient {
  http: AxiosInstance;
  pacer: Pacer;
}

/** The API generation is chosen by platform.apiVersion: "v1", or anything else = v2. */
export function isV1(store: ChannelAccess): boolean {
  return (store.platform.apiVersion ?? '').toLowerCase() === 'v1';
}

/** base64 HMAC-SHA256(secret, "x-date: <date>\n<METHOD> <path+query> HTTP/1.1"). */
export function cyberbizV1Signature(secret: string, xDate: string, requestLine: string): string {
  return createHmac('sha256', secret).update(`x-date: ${xDate}\n${requestLine}`).digest('base64');
}

export function cyberbizV1Headers(
  apiKey: string,
  apiSecret: string,
  method: string,
  pathAndQuery: string,
  now = new Date(),
): Record<string, string> {
  const xDate = now.toUTCString();
  const signature = cyberbizV1Signature(apiSecret, xDate, `${method.toUpperCase()} ${pathAndQuery} HTTP/1.1`);
  return {
    'x-date': xDate,
    Authorization: `hmac username="${apiKey}", algorithm="hmac-sha256", headers="x-date request-line", signature="${signature}"`,
  };
}

/** The error text in any of Cyberbiz's shapes: {"error":[...]}, {"error":"..."}, {"message":...}, {"messages":...}. */
export function errorText(body: unknown, res: AxiosResponse): string {
  if (isObj(body)) {
    for (const k of ['error', 'message', 'messages', 'error_description']) {
      const v = body[k];
      if (Array.isArray(v)) return v.map(String).join('; ');
      if (typeof v === 'string' && v)
        return k === 'error' && typeof body.error_description === 'string' ? `${v}: ${body.error_description}` : v;
    }
  }
  return `HTTP ${res.status}`;
}

export async function cyberbizRequest(
  client: CyberbizClient,
  store: ChannelAccess,
  method: 'GET' | 'POST',
  pathAndQuery: string,
  body?: unknown,
): Promise<AxiosResponse> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (isV1(store)) {
    const creds = store.channel.credentials ?? {};
    if (!creds.apiKey || !creds.apiSecret)
      throw new ReauthorizeError('cyberbiz v1 channel has no API key/secret in its credentials (apiKey, apiSecret)', {
        platform: P,
      });
    Object.assign(headers, cyberbizV1Headers(creds.apiKey, creds.apiSecret, method, pathAndQuery));
  } else {
    if (!store.channel.accessToken) throw new AuthError('cyberbiz channel has no access token', { platform: P });
    headers.Authorization = `Bearer ${store.channel.accessToken}`;
  }
  await client.pacer.wait(store.channel.accessToken ?? store.channel.id);
  const res = await send(client.http, P, {
    method,
    url: `${store.platform.apiHost.replace(/\/$/, '')}${pathAndQuery}`,
    headers,
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status < 300 || res.status === 404) return res;
  const parsed = (() => {
    try {
      return jsonBody(res, P);
    } catch {
      return null;
    }
  })();
  const text = errorText(parsed, res);
  const common = classifyStatus(res, P, text);
  if (common) throw common;
  const details = { platform: P, status: res.status };
  if (res.status === 401) {
    // v1 keys do not refresh: only the operator can fix them.
    if (isV1(store)) throw new ReauthorizeError(`cyberbiz v1 HMAC credentials refused: ${text}`, details);
    throw new AuthError(`cyberbiz 401: ${text}`, details);
  }
  if (res.status === 422 && /尚未付款|not paid/i.test(text)) throw new NotReadyError(`cyberbiz 422: ${text}`, details);
  throw new PermanentError(`cyberbiz ${res.status}: ${text}`, details);
}

export function cyberbizGet(
  client: CyberbizClient,
  store: ChannelAccess,
  pathAndQuery: string,
): Promise<AxiosResponse> {
  return cyberbizRequest(client, store, 'GET', pathAndQuery);
}
