// Channels: CRUD with write-only tokens, pause and resume, sync now, refresh now, backfill.
import { expect, it } from 'vitest';
import { api, h, s, changed } from './context';

export function channelRoutes(): void {
  it('create (tokens write-only), read, list, update, pause, resume, delete; the scheduler hears each change', async () => {
    const created = await api('POST', '/channels', '/channels', {
      platformId: s.platformId,
      name: 'New shop',
      externalShopId: 'shop-new',
      accessToken: 'tok-abc-123456789',
      accessTokenExpiresAt: '2030-01-01T00:00:00Z',
      webhookSecret: 'a-webhook-secret-long-enough',
      syncIntervalSeconds: 120,
    });
    expect(created.status).toBe(201);
    const c = created.json();
    expect(c).toMatchObject({
      name: 'New shop',
      state: 'active',
      hasAccessToken: true,
      hasRefreshToken: false,
      hasWebhookSecret: true,
      accessTokenExpiresAt: '2030-01-01T00:00:00.000Z',
      platformKind: 'shopee',
    });
    expect(created.body).not.toContain('tok-abc-123456789');
    expect(created.body).not.toContain('a-webhook-secret-long-enough');
    expect(
      (
        await api('POST', '/channels', '/channels', {
          platformId: s.platformId,
          name: 'Dup',
          externalShopId: 'shop-new',
        })
      ).status,
    ).toBe(409);

    expect((await api('GET', '/channels', '/channels')).json().length).toBe(2);
    expect((await api('GET', '/channels', `/channels?state=active&platformId=${s.platformId}`)).json().length).toBe(2);
    expect((await api('GET', '/channels/:id', `/channels/${c.id}`)).json().syncIntervalSeconds).toBe(120);
    const patched = await api('PATCH', '/channels/:id', `/channels/${c.id}`, {
      refreshToken: 'rt-new-1234567',
      erpWarehouseId: 103,
    });
    expect(patched.json()).toMatchObject({ hasRefreshToken: true, erpWarehouseId: 103, tokenVersion: 1 });
    expect((await api('POST', '/channels/:id/pause', `/channels/${c.id}/pause`)).json().state).toBe('paused');
    expect((await api('POST', '/channels/:id/sync', `/channels/${c.id}/sync`)).status).toBe(409);
    expect((await api('POST', '/channels/:id/resume', `/channels/${c.id}/resume`)).json().state).toBe('active');
    expect((await api('DELETE', '/channels/:id', `/channels/${c.id}`)).status).toBe(204);
    expect((await api('GET', '/channels/:id', `/channels/${c.id}`)).status).toBe(404);
    await new Promise((r) => setTimeout(r, 100));
    expect(changed.filter((x) => x === c.id).length).toBeGreaterThanOrEqual(5);

    // Without credentials a channel waits to be connected.
    const bare = (
      await api('POST', '/channels', '/channels', { platformId: s.platformId, name: 'Unconnected' })
    ).json();
    expect(bare).toMatchObject({ state: 'needs_reauth', connected: false, externalShopId: null });
    expect((await api('POST', '/channels/:id/sync', `/channels/${bare.id}/sync`)).status).toBe(409);
  });

  it('sync now and refresh now enqueue their jobs, once while one is waiting', async () => {
    const r1 = await api('POST', '/channels/:id/sync', `/channels/${s.channelId}/sync`);
    expect(r1.status).toBe(202);
    const job = await h.queues.get('platform-shopee').getJob(`get-orders-${s.channelId}`);
    expect(job?.data).toEqual({ channelId: s.channelId });
    const r2 = (await api('POST', '/channels/:id/sync', `/channels/${s.channelId}/sync`)).json();
    expect(r2).toMatchObject({ queued: false });
    const rt = await api('POST', '/channels/:id/refresh-token', `/channels/${s.channelId}/refresh-token`);
    expect(rt.json()).toMatchObject({ queued: true, jobId: `refresh-token-${s.channelId}` });
  });

  it('replays a window: a backfill sync run and its job; its progress is readable', async () => {
    const from = new Date(Date.now() - 3 * 86400_000).toISOString();
    const to = new Date(Date.now() - 86400_000).toISOString();
    const res = await api('POST', '/channels/:id/backfill', `/channels/${s.channelId}/backfill`, { from, to });
    expect(res.status).toBe(202);
    const run = res.json();
    expect(run).toMatchObject({ kind: 'backfill', status: 'queued', windowFrom: from, windowTo: to, progress: 0 });
    const job = await h.queues.get('platform-shopee').getJob(`backfill-${run.id}`);
    expect(job?.data).toEqual({ channelId: s.channelId, syncRunId: run.id });
    await h.db.syncRun.update({ where: { id: run.id }, data: { status: 'running', progress: 0.5, pages: 3 } });
    expect((await api('GET', '/sync-runs/:id', `/sync-runs/${run.id}`)).json()).toMatchObject({
      status: 'running',
      progress: 0.5,
      pages: 3,
    });
    const runs = (
      await api('GET', '/channels/:id/sync-runs', `/channels/${s.channelId}/sync-runs?kind=backfill`)
    ).json();
    expect(runs.map((r: { id: string }) => r.id)).toEqual([run.id]);
    const bad = await api('POST', '/channels/:id/backfill', `/channels/${s.channelId}/backfill`, {
      from: to,
      to: from,
    });
    expect(bad.status).toBe(400);
    expect(bad.json().field).toBe('from');
  });
}
