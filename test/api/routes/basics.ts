// Health, metrics, OpenAPI, the console files and sessions.
import { expect, it } from 'vitest';
import { api, h, s } from './context';

export function healthAndSession(): void {
  it('answers health, readiness, metrics and OpenAPI', async () => {
    expect((await api('GET', '/health/live', '/health/live', undefined, {})).json()).toEqual({ status: 'ok' });
    expect((await api('GET', '/health/ready', '/health/ready', undefined, {})).json()).toEqual({
      status: 'ready',
      problems: [],
    });
    await h.queues.add('getOrders', { channelId: s.channelId }, { platform: 'shopee' });
    const m = await api('GET', '/metrics', '/metrics', undefined, {});
    expect(m.body).toMatch(/oms_queue_jobs\{queue="platform-shopee",state="waiting"\} [1-9]/);
    expect(m.body).toMatch(new RegExp(`oms_channel_sync_lag_seconds\\{channel="${s.channelId}"[^}]*\\} 1[0-9]{2}`));
    expect(m.body).toMatch(/oms_channel_token_expiry_seconds\{[^}]*\} 3[0-9]{3}/);
    expect(m.body).toMatch(/oms_orders\{erp_state="blocked"\} 1/);
    expect(m.body).toMatch(/oms_orders_imported 2/);
    expect(m.body).toMatch(/oms_erp_call_duration_seconds_bucket\{le="0.25",action="create-order"\} 1/);
    expect(m.body).toMatch(/oms_channel_last_success_timestamp_seconds/);
    const doc = (await api('GET', '/docs/json', '/docs/json')).json();
    expect(Object.keys(doc.paths)).toContain('/channels/{id}/backfill');
    expect(doc.paths['/orders'].get.parameters.some((p: { name: string }) => p.name === 'erpState')).toBe(true);
    expect((await api('GET', '/docs', '/docs')).status).toBeLessThan(400);
    for (const [route, type] of [
      ['/', 'text/html'],
      ['/console/app.js', 'javascript'],
      ['/console/api.js', 'javascript'],
      ['/console/channels.js', 'javascript'],
      ['/console/i18n.js', 'javascript'],
      ['/console/orders.js', 'javascript'],
      ['/console/ui.js', 'javascript'],
      ['/console/style.css', 'text/css'],
    ] as const) {
      const r = await api('GET', route, route, undefined, {});
      expect(r.status).toBe(200);
      expect(String(r.headers['content-type'])).toContain(type);
    }
  });

  it('sessions: who am I, login cookie, logout', async () => {
    expect((await api('GET', '/session', '/session', undefined, h.viewer)).json()).toEqual({
      name: 'test-viewer',
      role: 'viewer',
    });
    const login = await api('POST', '/session', '/session', undefined, h.viewer);
    expect(login.status).toBe(200);
    expect(String(login.headers['set-cookie'])).toContain('HttpOnly');
    expect((await api('DELETE', '/session', '/session', undefined, {})).status).toBe(204);
  });
}
