// The one way to call momo's SCM supplier API (docs/platforms.md#momo-auth-and-signing): POST /OrderServlet.do
// {doAction, loginInfo, sendInfo}. No OAuth, no tokens: loginInfo on every call. The dataList of unsend, stop and
// recover queries is AES/ECB/PKCS5 encrypted with a key made from the password.
import { createDecipheriv } from 'node:crypto';
import type { AxiosInstance } from 'axios';
import type { ChannelAccess } from '../../adapter';
import { PermanentError, ReauthorizeError, TransientError } from '../../errors';
import { classifyStatus, jsonBody, send } from '../../http';
import { isObj, type Obj } from '../../normalize-util';

export const P = 'momo';
const LOGIN_ERRORS = /查無此供應商|密碼|OTP|帳號|login/i;

/**
 * AES-128 key = entpPwd right-padded with "0" to 16 characters. The FAQ is ambiguous between the master
 * account and the password; its example and a PHP client pad the password (unverified).
 */
export function momoKey(entpPwd: string): Buffer {
  return Buffer.from(entpPwd.padEnd(16, '0').slice(0, 16), 'utf8');
}

export function momoDecrypt(entpPwd: string, b64: string): string {
  const d = createDecipheriv('aes-128-ecb', momoKey(entpPwd), null);
  return Buffer.concat([d.update(Buffer.from(b64, 'base64')), d.final()]).toString('utf8');
}

function login(store: ChannelAccess): Record<string, string> {
  const c = store.channel.credentials ?? {};
  for (const k of ['entpID', 'entpCode', 'entpPwd', 'otpBackNo']) {
    if (!c[k])
      throw new ReauthorizeError(
        `momo channel credentials lack ${k} (loginInfo needs entpID, entpCode, entpPwd, otpBackNo)`,
        { platform: P },
      );
  }
  return { entpID: c.entpID!, entpCode: c.entpCode!, entpPwd: c.entpPwd!, otpBackNo: c.otpBackNo! };
}

export async function momoCall(
  http: AxiosInstance,
  store: ChannelAccess,
  doAction: string,
  payload: Obj,
): Promise<Obj> {
  const res = await send(http, P, {
    method: 'POST',
    url: `${store.platform.apiHost.replace(/\/$/, '')}/OrderServlet.do`,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    data: JSON.stringify({ doAction, loginInfo: login(store), ...payload }),
  });
  const text = typeof res.data === 'string' ? res.data.trim() : '';
  let parsed: unknown = null;
  if (text && text !== 'ERROR') {
    try {
      parsed = jsonBody(res, P);
    } catch (err) {
      if (res.status < 400) throw err;
    }
  }
  const msgs = isObj(parsed) && Array.isArray(parsed.basicCheckMsgList) ? parsed.basicCheckMsgList.map(String) : [];
  const common = classifyStatus(res, P, msgs.join('; ') || text.slice(0, 80) || `HTTP ${res.status}`);
  if (common) throw common;
  if (text === 'ERROR')
    throw new TransientError(`momo ${doAction} answered ERROR`, { platform: P, status: res.status });
  if (msgs.length) {
    const message = `momo ${doAction}: ${msgs.join('; ')}`;
    if (msgs.some((m) => LOGIN_ERRORS.test(m))) throw new ReauthorizeError(message, { platform: P });
    throw new PermanentError(message, { platform: P });
  }
  if (res.status >= 400 || !isObj(parsed))
    throw new PermanentError(`momo ${doAction} answered ${res.status}: ${text.slice(0, 120)}`, {
      platform: P,
      status: res.status,
    });
  return parsed;
}

/** A query's dataList as rows: a Base64 AES string (unsend, stop, recover) or a plain list (sending). */
export async function momoRows(
  http: AxiosInstance,
  store: ChannelAccess,
  doAction: string,
  sendInfo: Record<string, string>,
): Promise<Obj[]> {
  const list = (await momoCall(http, store, doAction, { sendInfo })).dataList;
  let rows: unknown = list;
  if (typeof list === 'string') {
    if (list === '') return [];
    try {
      rows = JSON.parse(momoDecrypt(login(store).entpPwd!, list));
    } catch (err) {
      throw new PermanentError(
        `momo ${doAction} dataList could not be decrypted with the entpPwd key: ${(err as Error).message}`,
        { platform: P },
      );
    }
  }
  return Array.isArray(rows) ? rows.filter(isObj) : [];
}
