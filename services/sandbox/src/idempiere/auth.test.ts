// Conformance of the stand-in's authentication: one- and two-step login, logout, refusals, token expiry and
// refresh-token reuse (docs/idempiere.md, "Authentication and tokens").
import { describe, expect, it } from 'vitest';
import { ctrl, oneStepLogin, rest, token, useIdempiereSandbox } from '../test/idempiere';

useIdempiereSandbox();

describe('authentication', () => {
  it('two-step login: clients and a role-less token, options, then PUT for the final token', async () => {
    const step1 = await rest('POST', '/auth/tokens', { body: { userName: 'GardenAdmin', password: 'GardenAdmin' } });
    expect(step1.status).toBe(200);
    expect(step1.body.clients).toEqual([{ id: 11, name: 'GardenWorld' }]);
    expect(step1.body.refresh_token).toBeUndefined();
    const t1 = step1.body.token as string;
    const header = JSON.parse(Buffer.from(t1.split('.')[0]!, 'base64url').toString());
    expect(header).toMatchObject({ alg: 'HS512', kid: 'idempiere' });
    // the step-1 token has no role: models refuse it
    expect((await rest('GET', '/models/c_order', { token: t1 })).status).toBe(401);
    const roles = await rest('GET', '/auth/roles?client=11', { token: t1 });
    expect(roles.body.roles.map((r: any) => r.id)).toContain(102);
    const orgs = await rest('GET', '/auth/organizations?client=11&role=102', { token: t1 });
    expect(orgs.body.organizations.map((o: any) => o.id)).toEqual([11, 12]);
    const whs = await rest('GET', '/auth/warehouses?client=11&role=102&organization=11', { token: t1 });
    expect(whs.body.warehouses).toEqual([{ id: 103, name: 'HQ Warehouse' }]);
    expect((await rest('GET', '/auth/roles?client=99', { token: t1 })).status).toBe(401);

    const missingRole = await rest('PUT', '/auth/tokens', { token: t1, body: { clientId: 11 } });
    expect(missingRole.status).toBe(401);
    expect(missingRole.body.detail).toBe('Missing roleId parameter');
    const badClient = await rest('PUT', '/auth/tokens', { token: t1, body: { clientId: 12, roleId: 102 } });
    expect(badClient.body.detail).toBe('Invalid clientId');

    const step2 = await rest('PUT', '/auth/tokens', {
      token: t1,
      body: { clientId: 11, roleId: 102, organizationId: 11 },
    });
    expect(step2.status).toBe(200);
    expect(step2.body).toMatchObject({ userId: 101, language: 'en_US', warehouseId: 103 });
    expect(typeof step2.body.token).toBe('string');
    expect(typeof step2.body.refresh_token).toBe('string');
    const claims = JSON.parse(Buffer.from(step2.body.token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({
      iss: 'idempiere.org',
      sub: 'GardenAdmin',
      AD_Client_ID: 11,
      AD_Role_ID: 102,
      AD_Org_ID: 11,
      M_Warehouse_ID: 103,
    });
    expect((await rest('GET', '/models/c_order', { token: step2.body.token })).status).toBe(200);
  });

  it('logout revokes the token', async () => {
    const s = await oneStepLogin();
    expect((await rest('POST', '/auth/logout', { body: { token: s.token } })).status).toBe(200);
    expect((await rest('GET', '/models/c_order', { token: s.token })).status).toBe(401);
  });

  it('one-step login with parameters', async () => {
    const r = await oneStepLogin();
    expect(r.userId).toBe(101);
    expect((await rest('GET', '/models/m_product?$top=1', { token: r.token })).status).toBe(200);
  });

  it('refuses a wrong password, a missing header (empty body) and a forged token', async () => {
    const wrong = await rest('POST', '/auth/tokens', { body: { userName: 'GardenAdmin', password: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ title: 'Authenticate error', status: 401 });
    expect(wrong.body.detail).toBeTruthy();
    const none = await rest('GET', '/models/c_order');
    expect(none.status).toBe(401);
    expect(none.text).toBe('');
    const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const f = await rest('GET', '/models/c_order', { token: forged });
    expect(f.status).toBe(401);
    expect(f.body.status).toBe(401);
  });

  it('tokens expire; refresh needs clientId/userId; a reused refresh token revokes the whole chain', async () => {
    await ctrl('POST', '/config', { tokenExpiresInSeconds: 1 });
    try {
      const first = await oneStepLogin();
      await new Promise((r) => setTimeout(r, 2100));
      const expired = await rest('GET', '/models/c_order', { token: first.token });
      expect(expired.status).toBe(401);
      expect(expired.body.title).toMatch(/expired/i);

      const noClient = await rest('POST', '/auth/refresh', {
        body: { refresh_token: first.refresh_token, userId: first.userId },
      });
      expect(noClient.status).toBe(401);
      expect(noClient.body.detail).toBe('No clientId provided');

      await ctrl('POST', '/config', { tokenExpiresInSeconds: 3600 });
      const second = await rest('POST', '/auth/refresh', {
        body: { refresh_token: first.refresh_token, clientId: 11, userId: 101 },
      });
      expect(second.status).toBe(200);
      expect((await rest('GET', '/models/c_order', { token: second.body.token })).status).toBe(200);

      // reuse of the spent refresh token: refused, and everything of this login stops working
      const reuse = await rest('POST', '/auth/refresh', {
        body: { refresh_token: first.refresh_token, clientId: 11, userId: 101 },
      });
      expect(reuse.status).toBe(401);
      expect(reuse.body.detail).toBe('Invalid refresh token');
      expect((await rest('GET', '/models/c_order', { token: second.body.token })).status).toBe(401);
      const latest = await rest('POST', '/auth/refresh', {
        body: { refresh_token: second.body.refresh_token, clientId: 11, userId: 101 },
      });
      expect(latest.status).toBe(401);
      // other logins are unaffected
      expect((await rest('GET', '/models/c_order', { token })).status).toBe(200);
    } finally {
      await ctrl('POST', '/config', { tokenExpiresInSeconds: 3600 });
    }
  });
});
