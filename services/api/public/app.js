// The OMS console: vanilla JS over the admin API. The key lives in sessionStorage and goes in a header;
// the server also sets it as an HttpOnly cookie so Bull Board, /docs and the connect redirect work.
'use strict';

const I18N = {
  zh: {
    title: 'OMS 訂單管理',
    channels: '通路',
    orders: '訂單',
    queues: '佇列',
    apiDocs: 'API 文件',
    logout: '登出',
    login: '登入',
    apiKey: 'API 金鑰',
    name: '名稱',
    platform: '平台',
    state: '狀態',
    stage: '階段',
    lastSuccess: '最後成功',
    lastError: '最後錯誤',
    failures: '失敗次數',
    tokenExpires: '權杖到期',
    actions: '操作',
    addChannel: '新增通路',
    shopId: '商店代號（可留空）',
    interval: '同步間隔（秒）',
    syncFrom: '匯入此日期之後的訂單',
    add: '新增',
    addPlatform: '新增平台應用程式',
    kind: '種類',
    appId: '應用程式／合作夥伴 ID',
    appSecret: '應用程式密鑰',
    apiHost: 'API 主機（可留空）',
    authHost: '授權主機（可留空）',
    erpState: 'ERP 狀態',
    all: '全部',
    retryAll: '全部重試',
    orderNo: '訂單',
    channel: '通路',
    status: '狀態',
    reason: '原因',
    total: '金額',
    orderDetail: '訂單明細',
    close: '關閉',
    mapSku: '將平台 SKU 對應到 iDempiere 產品：',
    mapCarrier: '將 iDempiere 物流商對應到此商店在平台上的物流：',
    save: '儲存',
    erpCalls: 'ERP 呼叫',
    time: '時間',
    action: '動作',
    durationMs: '毫秒',
    result: '結果',
    shipments: '出貨',
    carrier: '物流商',
    tracking: '追蹤號碼',
    normalized: '標準化訂單',
    raw: '原始資料',
    connect: '連結商店',
    sync: '立即同步',
    refresh: '更新權杖',
    pause: '暫停',
    resume: '恢復',
    retry: '重試',
    detail: '明細',
    st_active: '啟用',
    st_paused: '暫停',
    st_needs_reauth: '需重新授權',
    st_failing: '失敗中',
    st_blocked: '已阻擋',
    st_failed: '失敗',
    st_pending: '待寫入',
    st_written: '已寫入',
    st_writing: '寫入中',
    st_waiting: '等待中',
    st_needs_attention: '需處理',
    sh_pending: '待推送',
    sh_pushing: '推送中',
    sh_pushed: '已推送',
    sh_awaiting_tracking: '等待平台配號',
    sh_blocked: '已阻擋',
    sh_failed: '失敗',
    sh_not_pushed: '不推送（先前出貨已涵蓋）',
    queued: '已排入佇列',
    saved: '已儲存',
    connected: '商店已連結',
    badKey: '金鑰無效',
    none: '（無）',
    backfill: '補抓時段',
    backfillDays: '補抓最近幾天的訂單？',
    noOAuth: '不使用 OAuth 的商店（自訂應用程式權杖、momo、Cyberbiz v1）',
    accessToken: '存取權杖',
    credentials: '憑證（JSON）',
  },
  en: {
    title: 'OMS',
    channels: 'Channels',
    orders: 'Orders',
    queues: 'Queues',
    apiDocs: 'API docs',
    logout: 'Log out',
    login: 'Log in',
    apiKey: 'API key',
    name: 'Name',
    platform: 'Platform',
    state: 'State',
    stage: 'Stage',
    lastSuccess: 'Last success',
    lastError: 'Last error',
    failures: 'Failures',
    tokenExpires: 'Token expires',
    actions: 'Actions',
    addChannel: 'Add channel',
    shopId: 'Shop id (optional)',
    interval: 'Sync interval (s)',
    syncFrom: 'Import orders since',
    add: 'Add',
    addPlatform: 'Add platform app',
    kind: 'Kind',
    appId: 'App / partner id',
    appSecret: 'App secret',
    apiHost: 'API host (optional)',
    authHost: 'Auth host (optional)',
    erpState: 'ERP state',
    all: 'all',
    retryAll: 'Retry all shown',
    orderNo: 'Order',
    channel: 'Channel',
    status: 'Status',
    reason: 'Reason',
    total: 'Total',
    orderDetail: 'Order detail',
    close: 'Close',
    mapSku: 'Map a platform SKU to an iDempiere product:',
    mapCarrier: "Map an iDempiere shipper to this store's carrier on the platform:",
    save: 'Save',
    erpCalls: 'ERP calls',
    time: 'Time',
    action: 'Action',
    durationMs: 'ms',
    result: 'Result',
    shipments: 'Shipments',
    carrier: 'Carrier',
    tracking: 'Tracking',
    normalized: 'Normalized order',
    raw: 'Raw payload',
    connect: 'Connect store',
    sync: 'Sync now',
    refresh: 'Refresh token',
    pause: 'Pause',
    resume: 'Resume',
    retry: 'Retry',
    detail: 'Detail',
    st_active: 'active',
    st_paused: 'paused',
    st_needs_reauth: 'needs re-authorization',
    st_failing: 'failing',
    st_blocked: 'blocked',
    st_failed: 'failed',
    st_pending: 'pending',
    st_written: 'written',
    st_writing: 'writing',
    st_waiting: 'waiting',
    st_needs_attention: 'needs attention',
    sh_pending: 'pending',
    sh_pushing: 'pushing',
    sh_pushed: 'pushed',
    sh_awaiting_tracking: "awaiting the platform's tracking number",
    sh_blocked: 'blocked',
    sh_failed: 'failed',
    sh_not_pushed: 'not pushed (an earlier shipment covers it)',
    queued: 'Queued',
    saved: 'Saved',
    connected: 'Store connected',
    badKey: 'Invalid key',
    none: '(none)',
    backfill: 'Backfill a window',
    backfillDays: 'Backfill the orders of the last how many days?',
    noOAuth: 'Stores without OAuth (custom app token, momo, Cyberbiz v1)',
    accessToken: 'Access token',
    credentials: 'Credentials (JSON)',
  },
};

let lang = localStorage.getItem('omsLang') || 'zh';
let role = null;
let currentOrder = null;
const $ = (sel, root = document) => root.querySelector(sel);
const t = (key) => (I18N[lang] && I18N[lang][key]) || I18N.en[key] || key;
const st = (state) => t(`st_${state}`);
/** A shipment's state in the operator's words (a state without a label shows as it is). */
const shipmentState = (state) => I18N[lang]?.[`sh_${state}`] ?? I18N.en[`sh_${state}`] ?? state;

function applyLang() {
  document.documentElement.lang = lang === 'zh' ? 'zh-Hant' : 'en';
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  $('#lang').textContent = lang === 'zh' ? 'EN' : '中文';
}

function fmtTime(iso) {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(lang === 'zh' ? 'zh-TW' : 'en-GB', { hour12: false });
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'onclick') e.addEventListener('click', v);
    else if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return e;
}

function flash(message, isError = false) {
  const f = $('#flash');
  f.textContent = message;
  f.className = isError ? 'flash error' : 'flash';
}

async function api(method, path, body) {
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

async function act(fn, okMessage) {
  try {
    await fn();
    if (okMessage) flash(okMessage);
    await refresh();
  } catch (err) {
    flash(err.message, true);
  }
}

// ---------- login ----------
function showLogin() {
  $('#login-view').hidden = false;
  $('#app-view').hidden = true;
  $('#nav').hidden = true;
}

async function login(key) {
  const res = await fetch('/session', { method: 'POST', headers: { authorization: `Bearer ${key}` } });
  if (!res.ok) throw new Error(t('badKey'));
  const who = await res.json();
  sessionStorage.setItem('omsKey', key);
  role = who.role;
  $('#whoami').textContent = `${who.name} (${who.role})`;
  document.body.classList.toggle('viewer', role !== 'admin');
  $('#login-view').hidden = true;
  $('#app-view').hidden = false;
  $('#nav').hidden = false;
  const connected = new URLSearchParams(location.search).get('connected');
  if (connected) flash(t('connected'));
  await refresh();
}

$('#login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('#login-error').textContent = '';
  try {
    await login($('#login-key').value.trim());
  } catch (err) {
    $('#login-error').textContent = err.message;
  }
});

$('#logout').addEventListener('click', async () => {
  sessionStorage.removeItem('omsKey');
  await fetch('/session', { method: 'DELETE' });
  showLogin();
});

$('#lang').addEventListener('click', () => {
  lang = lang === 'zh' ? 'en' : 'zh';
  localStorage.setItem('omsLang', lang);
  applyLang();
  refresh();
});

// ---------- channels ----------
async function renderChannels() {
  const channels = await api('GET', '/channels');
  const body = $('#channels-table tbody');
  body.replaceChildren();
  for (const c of channels) {
    const actions = el('td', { class: 'actions' });
    if (role === 'admin') {
      actions.append(
        el('a', { class: 'button', href: `/channels/${c.id}/connect`, 'data-action': 'connect' }, t('connect')),
        el(
          'button',
          {
            type: 'button',
            'data-action': 'sync',
            onclick: () => act(() => api('POST', `/channels/${c.id}/sync`), t('queued')),
          },
          t('sync'),
        ),
        el(
          'button',
          {
            type: 'button',
            'data-action': 'refresh',
            onclick: () => act(() => api('POST', `/channels/${c.id}/refresh-token`), t('queued')),
          },
          t('refresh'),
        ),
        el('button', { type: 'button', 'data-action': 'backfill', onclick: () => backfill(c) }, t('backfill')),
        c.state === 'paused'
          ? el(
              'button',
              {
                type: 'button',
                'data-action': 'resume',
                onclick: () => act(() => api('POST', `/channels/${c.id}/resume`)),
              },
              t('resume'),
            )
          : el(
              'button',
              {
                type: 'button',
                'data-action': 'pause',
                onclick: () => act(() => api('POST', `/channels/${c.id}/pause`)),
              },
              t('pause'),
            ),
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

async function fillPlatformSelect() {
  const platforms = await api('GET', '/platforms');
  const select = $('#channel-form select[name=platformId]');
  const chosen = select.value;
  select.replaceChildren(...platforms.map((p) => el('option', { value: p.id }, `${p.kind} · ${p.name}`)));
  if (chosen) select.value = chosen;
}

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

// ---------- orders ----------
let shownOrders = [];
async function renderOrders() {
  const state = $('#order-filter').value;
  const page = await api('GET', `/orders?limit=100${state ? `&erpState=${state}` : ''}`);
  shownOrders = page.items;
  const body = $('#orders-table tbody');
  body.replaceChildren();
  for (const o of page.items) {
    const actions = el(
      'td',
      { class: 'actions' },
      el('button', { type: 'button', 'data-action': 'detail', onclick: () => showOrder(o.id) }, t('detail')),
    );
    if (role === 'admin' && ['blocked', 'failed', 'needs_attention', 'pending'].includes(o.erpState)) {
      actions.append(
        el(
          'button',
          {
            type: 'button',
            'data-action': 'retry',
            onclick: () =>
              act(async () => {
                const r = await api('POST', `/orders/${o.id}/retry`);
                flash(r.reason ? `${t('queued')}: ${r.reason}` : t('queued'));
              }),
          },
          t('retry'),
        ),
      );
    }
    body.append(
      el(
        'tr',
        { 'data-order': o.id, 'data-erp-state': o.erpState },
        el('td', {}, o.externalNumber || o.externalId),
        el('td', {}, o.channelName),
        el('td', {}, o.platformStatus || ''),
        el('td', { class: `state state-${o.erpState}` }, st(o.erpState)),
        el('td', { class: 'error-text' }, o.erpReason || o.invalidReason || ''),
        el('td', {}, o.total || ''),
        actions,
      ),
    );
  }
}

$('#order-filter').addEventListener('change', () => refresh());
$('#retry-all').addEventListener('click', () => {
  const ids = shownOrders.map((o) => o.id);
  if (ids.length) act(() => api('POST', '/orders/retry', { ids }), t('queued'));
});

async function showOrder(id) {
  const o = await api('GET', `/orders/${id}`);
  currentOrder = o;
  $('#order-detail').hidden = false;
  $('#detail-title').textContent =
    `${o.externalNumber || o.externalId} · ${st(o.erpState)}${o.erpReason ? ` · ${o.erpReason}` : ''}`;
  $('#detail-normalized').textContent = JSON.stringify(o.normalized, null, 2);
  $('#detail-raw').textContent = JSON.stringify(o.raw, null, 2);
  $('#erp-calls tbody').replaceChildren(
    ...o.erpCalls.map((c) =>
      el(
        'tr',
        {},
        el('td', {}, fmtTime(c.createdAt)),
        el('td', {}, `${c.action} ${c.method} ${c.path}`),
        el('td', {}, c.status ?? ''),
        el('td', {}, c.durationMs),
        el('td', {}, c.error || c.documentNo || ''),
      ),
    ),
  );
  $('#shipments tbody').replaceChildren(
    ...o.shipments.map((s) =>
      el(
        'tr',
        {},
        el('td', {}, s.carrier || s.erpShipperName || ''),
        el('td', {}, s.trackingNumber || ''),
        el('td', {}, shipmentState(s.state)),
        el('td', {}, s.reason || ''),
        el(
          'td',
          {},
          role === 'admin' && !['pushed', 'pushing'].includes(s.state)
            ? el(
                'button',
                { type: 'button', onclick: () => act(() => api('POST', `/shipments/${s.id}/retry`), t('queued')) },
                t('retry'),
              )
            : '',
        ),
      ),
    ),
  );
  // A shipment blocked for want of a carrier mapping: its shipper, ready to map.
  const unmapped = o.shipments.find((s) => s.state === 'blocked' && s.erpShipperName && !s.carrier);
  $('#carrier-form').elements.erpShipperName.value = unmapped ? unmapped.erpShipperName : '';
  $('#order-detail').scrollIntoView({ behavior: 'smooth' });
}

$('#detail-close').addEventListener('click', () => {
  $('#order-detail').hidden = true;
  currentOrder = null;
});

$('#sku-form').addEventListener('submit', (e) => {
  e.preventDefault();
  if (!currentOrder) return;
  const f = new FormData(e.target);
  act(async () => {
    await api('POST', '/sku-mappings', {
      channelId: currentOrder.channelId,
      platformSku: f.get('platformSku'),
      erpProductId: Number(f.get('erpProductId')),
    });
    e.target.reset();
  }, t('saved'));
});

$('#carrier-form').addEventListener('submit', (e) => {
  e.preventDefault();
  if (!currentOrder) return;
  const f = new FormData(e.target);
  act(async () => {
    // The blocked shipment goes out on the next shipment poll (or at once with its Retry button).
    await api('POST', '/carrier-mappings', {
      channelId: currentOrder.channelId,
      erpShipperName: f.get('erpShipperName'),
      platformCarrier: f.get('platformCarrier'),
    });
    e.target.reset();
  }, t('saved'));
});

// ---------- loop ----------
let refreshing = false;
async function refresh() {
  if (refreshing || $('#app-view').hidden) return;
  refreshing = true;
  try {
    await Promise.all([renderChannels(), renderOrders(), role === 'admin' ? fillPlatformSelect() : null]);
  } catch (err) {
    flash(err.message, true);
  } finally {
    refreshing = false;
  }
}

applyLang();
setInterval(refresh, 3000);
const saved = sessionStorage.getItem('omsKey');
if (saved) login(saved).catch(showLogin);
else showLogin();
