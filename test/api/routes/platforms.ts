// Platform apps: CRUD with a write-only secret.
import { expect, it } from 'vitest';
import { api, h, s } from './context';

export function platformRoutes(): void {
  it('create, read, update, delete; the secret is write-only', async () => {
    const created = await api('POST', '/platforms', '/platforms', {
      kind: 'cyberbiz',
      name: 'Cyberbiz app',
      appId: 'cid',
      appSecret: 'brand-new-app-secret-xyz',
    });
    expect(created.status).toBe(201);
    const p = created.json();
    expect(p).toMatchObject({ kind: 'cyberbiz', hasAppSecret: true, apiHost: h.config.CYBERBIZ_API_URL });
    expect(created.body).not.toContain('brand-new-app-secret-xyz');
    const row = await h.db.platform.findUniqueOrThrow({ where: { id: p.id } });
    expect(row.appSecretEnc).not.toContain('brand-new');
    expect(h.box.decrypt(row.appSecretEnc!)).toBe('brand-new-app-secret-xyz');

    expect((await api('GET', '/platforms', '/platforms')).json().map((x: { id: string }) => x.id)).toContain(p.id);
    expect((await api('GET', '/platforms/:id', `/platforms/${p.id}`)).json().name).toBe('Cyberbiz app');
    const patched = await api('PATCH', '/platforms/:id', `/platforms/${p.id}`, { name: 'Renamed', appSecret: null });
    expect(patched.json()).toMatchObject({ name: 'Renamed', hasAppSecret: false });
    expect((await api('DELETE', '/platforms/:id', `/platforms/${p.id}`)).status).toBe(204);
    expect((await api('GET', '/platforms/:id', `/platforms/${p.id}`)).status).toBe(404);
    // A platform with channels cannot go.
    expect((await api('DELETE', '/platforms/:id', `/platforms/${s.platformId}`)).status).toBe(409);
  });
}
