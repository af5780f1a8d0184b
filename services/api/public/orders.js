// The orders view: orders by ERP state with retry, and one order's detail (ERP calls, shipments, the raw and
// normalized order) with the forms that map its SKU or its shipment's carrier.
import { api, session } from './api.js';
import { fmtTime, shipmentState, st, t } from './i18n.js';
import { $, act, el, flash } from './ui.js';

let shownOrders = [];
let currentOrder = null;

export async function renderOrders() {
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
    if (session.role === 'admin' && ['blocked', 'failed', 'needs_attention', 'pending'].includes(o.erpState)) {
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
          session.role === 'admin' && !['pushed', 'pushing'].includes(s.state)
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

/** The filter, retry-all, the detail's close button and its SKU and carrier mapping forms. */
export function wireOrders(redraw) {
  $('#order-filter').addEventListener('change', () => redraw());
  $('#retry-all').addEventListener('click', () => {
    const ids = shownOrders.map((o) => o.id);
    if (ids.length) act(() => api('POST', '/orders/retry', { ids }), t('queued'));
  });

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
}
