// API keys: list, revoke, and the last admin key kept.
import { expect, it } from 'vitest';
import { waitFor } from '@oms/testing';
import { createApiKey, hashKey } from '@oms/api';
import { assertNoSecret } from '../helpers';
import { api, h } from './context';

export function apiKeyRoutes(): void {
  it('lists keys without the key itself, revokes one at once, and keeps the last admin key', async () => {
    const extra = await createApiKey(h.db, 'warehouse-script', 'viewer');
    const asExtra = { authorization: `Bearer ${extra.key}` };
    expect((await h.built.app.inject({ method: 'GET', url: '/orders', headers: asExtra })).statusCode).toBe(200);

    const list = await api('GET', '/api-keys', '/api-keys');
    expect(list.status).toBe(200);
    assertNoSecret(list.body, [extra.key]);
    expect(list.body).not.toContain(hashKey(extra.key));
    const listed = list.json().find((k: { id: string }) => k.id === extra.id);
    expect(listed).toMatchObject({ name: 'warehouse-script', role: 'viewer', prefix: extra.prefix, revokedAt: null });
    // Its use is on record (written after the request, best effort).
    await waitFor(
      async () =>
        (await api('GET', '/api-keys', '/api-keys')).json().find((k: { id: string }) => k.id === extra.id).lastUsedAt,
      { what: 'lastUsedAt of the key' },
    );

    expect((await api('DELETE', '/api-keys/:id', `/api-keys/${extra.id}`)).status).toBe(204);
    // Refused from the next request on, not after the key cache expires.
    expect((await h.built.app.inject({ method: 'GET', url: '/orders', headers: asExtra })).statusCode).toBe(401);
    expect(
      (await api('GET', '/api-keys', '/api-keys')).json().find((k: { id: string }) => k.id === extra.id).revokedAt,
    ).not.toBeNull();
    // Revoking again changes nothing; an unknown key is a 404.
    expect((await api('DELETE', '/api-keys/:id', `/api-keys/${extra.id}`)).status).toBe(204);
    expect((await api('DELETE', '/api-keys/:id', '/api-keys/00000000-0000-4000-8000-000000000009')).status).toBe(404);

    // The harness's admin key is the only admin key left: revoking it would lock everyone out.
    const admin = await h.db.apiKey.findUniqueOrThrow({ where: { keyHash: hashKey(h.adminKey) } });
    const last = await api('DELETE', '/api-keys/:id', `/api-keys/${admin.id}`);
    expect(last.status).toBe(409);
    expect(last.body).toContain('last admin key');
    expect((await api('GET', '/api-keys', '/api-keys')).status).toBe(200);
  });
}
