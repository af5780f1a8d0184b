// The client's token handling against the iDempiere sandbox's auth (single-use refresh tokens, breach on reuse):
// short-lived tokens are refreshed ahead of expiry by one caller for all, and the chain is never revoked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdempiereClient } from '@oms/idempiere';
import { startErpEnv, type ErpEnv } from './fixtures';

let env: ErpEnv;
beforeAll(async () => {
  env = await startErpEnv('erpauth');
});
afterAll(async () => {
  await env?.close();
});

describe('iDempiere client against the sandbox', () => {
  it('keeps one login alive through several refreshes with many concurrent callers', async () => {
    (env.sandbox.idempiere as unknown as { configure(c: object): void }).configure({ tokenExpiresInSeconds: 3 });
    const creds = env.sandbox.idempiere.credentials() as { userName: string; password: string };
    const client = new IdempiereClient({
      url: `${env.sandbox.urls.idempiere}/api/v1`,
      userName: creds.userName,
      password: creds.password,
      clientId: 11,
      roleId: 102,
      organizationId: 11,
      warehouseId: 103,
      language: 'en_US',
    });
    const until = Date.now() + 7_000;
    let pages = 0;
    while (Date.now() < until) {
      const results = await Promise.all(Array.from({ length: 8 }, () => client.get('M_Product', { top: 1 })));
      pages += results.filter((p) => p.records.length === 1).length;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(pages).toBeGreaterThan(100);
    expect(client.stats.logins).toBe(1);
    expect(client.stats.refreshes).toBeGreaterThanOrEqual(2);
  });
});
