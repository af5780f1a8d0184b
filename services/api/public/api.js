// The admin API as the console calls it. The key lives in sessionStorage and goes in a header; the server also
// sets it as an HttpOnly cookie so Bull Board, /docs and the connect redirect work.
import { t } from './i18n.js';
import { showLogin } from './ui.js';

/** Who is logged in: the role decides which buttons the views draw. */
export const session = { role: null };

export async function api(method, path, body) {
  const key = sessionStorage.getItem('omsKey');
  const headers = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401) {
    showLogin();
    throw new Error(t('badKey'));
  }
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error((data && data.message) || `HTTP ${res.status}`);
  return data;
}

/** Checks a key (POST /session, which also sets the cookie) and keeps it for this tab. */
export async function openSession(key) {
  const res = await fetch('/session', { method: 'POST', headers: { authorization: `Bearer ${key}` } });
  if (!res.ok) throw new Error(t('badKey'));
  const who = await res.json();
  sessionStorage.setItem('omsKey', key);
  session.role = who.role;
  return who;
}

export async function closeSession() {
  sessionStorage.removeItem('omsKey');
  await fetch('/session', { method: 'DELETE' });
}
