// Shopee conformance: signing and common errors, OAuth and rotating refresh tokens, rate-limit faults and
// signed pushes (docs/platforms.md, "Shopee: auth and signing").
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { control, json } from '../../test/helpers.ts';
import { call, hmac, now, partnerId, s, shops, useShopeeSandbox } from '../../test/shopee.ts';

useShopeeSandbox();

describe('shopee signing and common errors', () => {
  it('accepts a correctly signed shop call and answers in the envelope', async () => {
    const r = await call('/api/v2/shop/get_shop_info', {}, { shop: shops[0] });
    expect(r.status).toBe(200);
    expect(r.body.error).toBe('');
    expect(r.body.shop_name).toContain('蝦皮');
  });

  it('refuses a wrong sign, an expired timestamp, another shop, an unknown partner', async () => {
    const bad = await call('/api/v2/shop/get_shop_info', {}, { shop: shops[0], sign: 'f'.repeat(64) });
    expect(bad.body).toMatchObject({ error: 'error_sign', message: 'Wrong sign.' });
    const old = await call('/api/v2/shop/get_shop_info', {}, { shop: shops[0], timestamp: now() - 301 });
    expect(old.body).toMatchObject({ error: 'error_param', message: 'Timestamp is expired.' });
    // shop 1's token with shop 2's id, correctly signed: the token does not belong to that shop.
    const other = await call(
      '/api/v2/shop/get_shop_info',
      {},
      { shop: { ...shops[1]!, access_token: shops[0]!.access_token } },
    );
    expect(other.body.error).toBe('error_auth');
    const ts = now();
    const unknown = await json(
      `${s.urls.shopee}/api/v2/shop/get_shop_info?partner_id=1&timestamp=${ts}&sign=${hmac(`1/api/v2/shop/get_shop_info${ts}`)}&access_token=x&shop_id=1`,
    );
    expect(unknown.body.error).toBe('error_auth');
    expect(typeof unknown.body.request_id).toBe('string');
  });
});

describe('shopee tokens', () => {
  it('refresh tokens work once and rotate; an expired access token is refused', async () => {
    const shop = shops[1]!;
    const refresh = (token: string) =>
      call(
        '/api/v2/auth/access_token/get',
        {},
        { body: { refresh_token: token, partner_id: partnerId, shop_id: shop.shop_id } },
      );
    const r1 = await refresh(shop.refresh_token);
    expect(r1.body).toMatchObject({ error: '', expire_in: 14400, shop_id: shop.shop_id, partner_id: partnerId });
    expect(r1.body.refresh_token).not.toBe(shop.refresh_token);
    const reuse = await refresh(shop.refresh_token);
    expect(reuse.body).toMatchObject({ error: 'error_auth', message: 'Invalid refresh_token.' });
    const fresh = {
      ...shop,
      access_token: r1.body.access_token as string,
      refresh_token: r1.body.refresh_token as string,
    };
    expect((await call('/api/v2/shop/get_shop_info', {}, { shop: fresh })).body.error).toBe('');

    await control(s, '/_sandbox/tokens/expire', { platform: 'shopee', store: String(shop.shop_id) });
    const expired = await call('/api/v2/shop/get_shop_info', {}, { shop: fresh });
    expect(expired.body.error).toBe('invalid_acceess_token');
    const r2 = await refresh(fresh.refresh_token);
    expect(r2.body.error).toBe('');
    await control(s, '/_sandbox/tokens/revoke', { platform: 'shopee', store: String(shop.shop_id) });
    expect((await refresh(r2.body.refresh_token)).body.error).toBe('error_auth');
  });

  it('authorization: signed auth_partner page, single-use code, token/get', async () => {
    const ts = now();
    const path = '/api/v2/shop/auth_partner';
    const unsigned = await fetch(
      `${s.urls.shopee}${path}?partner_id=${partnerId}&timestamp=${ts}&sign=00&redirect=http://127.0.0.1:9/cb`,
    );
    expect(((await unsigned.json()) as { error: string }).error).toBe('error_sign');
    const page = await fetch(
      `${s.urls.shopee}${path}?partner_id=${partnerId}&timestamp=${ts}&sign=${hmac(`${partnerId}${path}${ts}`)}&redirect=${encodeURIComponent('http://127.0.0.1:9/cb?x=1')}`,
    );
    const htmlText = await page.text();
    const href = /id="authorize" href="([^"]+)"/.exec(htmlText)![1]!.replace(/&amp;/g, '&');
    const go = await fetch(`${s.urls.shopee}${href}`, { redirect: 'manual' });
    expect(go.status).toBe(302);
    const loc = new URL(go.headers.get('location')!);
    expect(loc.searchParams.get('x')).toBe('1');
    const code = loc.searchParams.get('code')!;
    const shopId = Number(loc.searchParams.get('shop_id'));
    expect(shopId).toBe(shops[0]!.shop_id);
    const t = await call('/api/v2/auth/token/get', {}, { body: { code, partner_id: partnerId, shop_id: shopId } });
    expect(t.body).toMatchObject({ error: '', expire_in: 14400 });
    const again = await call('/api/v2/auth/token/get', {}, { body: { code, partner_id: partnerId, shop_id: shopId } });
    expect(again.body.error).toBe('error_auth');
  });
});

describe('shopee faults and push', () => {
  it('answers a rate-limit burst with error_rate_limit, then recovers', async () => {
    await control(s, '/_sandbox/faults', { system: 'shopee', rateLimitBurst: { count: 2 } });
    const a = await call('/api/v2/shop/get_shop_info', {}, { shop: shops[0] });
    const b = await call('/api/v2/shop/get_shop_info', {}, { shop: shops[0] });
    const c = await call('/api/v2/shop/get_shop_info', {}, { shop: shops[0] });
    expect([a.status, a.body.error, b.body.error]).toEqual([429, 'error_rate_limit', 'error_rate_limit']);
    expect(c.body.error).toBe('');
    expect((await control(s, '/_sandbox/faults', { system: 'shopee', rateLimitBurst: { count: 0 } })).status).toBe(400);
  });

  it('signs a push as Shopee does: hex HMAC(partner_key, url|body)', async () => {
    let got: { auth: string; body: string; url: string } | null = null;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        got = { auth: String(req.headers.authorization), body, url: req.url! };
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/shopee?ch=1`;
    const r = await control(s, '/_sandbox/push', {
      platform: 'shopee',
      callbackUrl: url,
      code: 3,
      shopId: shops[0]!.shop_id,
      data: { ordersn: 'X1', status: 'READY_TO_SHIP', update_time: now() },
    });
    server.close();
    expect(r.body.delivered).toBe(true);
    expect(got!.auth).toBe(hmac(`${url}|${got!.body}`));
    expect(JSON.parse(got!.body)).toMatchObject({ code: 3, shop_id: shops[0]!.shop_id, data: { ordersn: 'X1' } });
  });
});
