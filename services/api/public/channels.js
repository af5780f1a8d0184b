// The channels view: each channel's state and its actions (connect, sync, refresh token, backfill, pause,
// resume), and the forms that add a channel or a platform app.
import { api, session } from './api.js';
import { fmtTime, st, t } from './i18n.js';
import { $, act, el, flash } from './ui.js';

const button = (action, label, onclick) => el('button', { type: 'button', 'data-action': action, onclick }, label);

export async function renderChannels() {
  const channels = await api('GET', '/channels');
  const body = $('#channels-table tbody');
  body.replaceChildren();
  for (const c of channels) {
    const actions = el('td', { class: 'actions' });
    if (session.role === 'admin') {
      actions.append(
        el('a', { class: 'button', href: `/channels/${c.id}/connect`, 'data-action': 'connect' }, t('connect')),
        button('sync', t('sync'), () => act(() => api('POST', `/channels/${c.id}/sync`), t('queued'))),
        button('refresh', t('refresh'), () => act(() => api('POST', `/channels/${c.id}/refresh-token`), t('queued'))),
        button('backfill', t('backfill'), () => backfill(c)),
        c.state === 'paused'
          ? button('resume', t('resume'), () => act(() => api('POST', `/channels/${c.id}/resume`)))
          : button('pause', t('pause'), () => act(() => api('POST', `/channels/${c.id}/pause`))),
      );
    }
    body.append(
      el(
        'tr',
        { 'data-channel': c.id, 'data-state': c.state },
        el('td', {}, c.name, el('br'), el('small', {}, c.externalShopId || t('none'))),
        el('td', {}, `${c.platformKind} · ${c.platformName}`),
        el('td', { class: `state state-${c.state}` }, st(c.state)),
        el('td', {}, c.stage),
        el('td', {}, fmtTime(c.lastSuccessAt)),
        el('td', { class: 'error-text' }, c.lastError || ''),
        el('td', {}, c.failureCount),
        el('td', {}, fmtTime(c.accessTokenExpiresAt)),
        actions,
      ),
    );
  }
}

/** Backfill a time window: the last N days, followed in the channel's sync runs. */
function backfill(c) {
  const days = Number(prompt(t('backfillDays'), '3'));
  if (!days || days <= 0) return;
  const to = new Date(Date.now() - 60_000);
  const from = new Date(to.getTime() - days * 86400_000);
  act(() => api('POST', `/channels/${c.id}/backfill`, { from: from.toISOString(), to: to.toISOString() }), t('queued'));
}

export async function fillPlatformSelect() {
  const platforms = await api('GET', '/platforms');
  const select = $('#channel-form select[name=platformId]');
  const chosen = select.value;
  select.replaceChildren(...platforms.map((p) => el('option', { value: p.id }, `${p.kind} · ${p.name}`)));
  if (chosen) select.value = chosen;
}

/** The add-channel and add-platform-app forms. */
export function wireChannelForms() {
  $('#channel-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    const body = { platformId: f.get('platformId'), name: f.get('name') };
    if (f.get('externalShopId')) body.externalShopId = f.get('externalShopId');
    if (f.get('syncIntervalSeconds')) body.syncIntervalSeconds = Number(f.get('syncIntervalSeconds'));
    if (f.get('syncStartAt')) body.syncStartAt = new Date(`${f.get('syncStartAt')}T00:00:00`).toISOString();
    if (f.get('accessToken')) body.accessToken = f.get('accessToken');
    if (f.get('credentials')) {
      try {
        body.credentials = JSON.parse(f.get('credentials'));
      } catch {
        flash(`${t('credentials')}: JSON`, true);
        return;
      }
    }
    act(async () => {
      await api('POST', '/channels', body);
      e.target.reset();
    }, t('saved'));
  });

  $('#platform-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    const body = { kind: f.get('kind'), name: f.get('name') };
    for (const k of ['appId', 'appSecret', 'apiHost', 'authHost']) if (f.get(k)) body[k] = f.get(k);
    act(async () => {
      await api('POST', '/platforms', body);
      e.target.reset();
    }, t('saved'));
  });
}
