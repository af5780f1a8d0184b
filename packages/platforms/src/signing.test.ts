import { describe, expect, it } from 'vitest';
import { createCipheriv } from 'node:crypto';
import { shopeeBaseString, shopeeSign, classifyShopeeError } from './adapters/shopee/client';
import { cyberbizV1Headers, cyberbizV1Signature } from './adapters/cyberbiz/client';
import { momoDecrypt, momoKey } from './adapters/momo/client';
import { AuthError, PermanentError, RateLimitedError, ReauthorizeError, TransientError } from './errors';
import { contentHash } from './hash';
import { computeWindows } from './jobs/windows';
import { nextErpState } from './jobs/upsert';

describe('Shopee signing', () => {
  it('builds the documented shop base string', () => {
    expect(
      shopeeBaseString(
        '2001887',
        '/api/v2/shop/get_shop_info',
        1655714431,
        '59777174636562737266615546704c6d',
        '14701711',
      ),
    ).toBe('2001887/api/v2/shop/get_shop_info165571443159777174636562737266615546704c6d14701711');
    expect(shopeeBaseString('2001887', '/api/v2/auth/token/get', 1655714431)).toBe(
      '2001887/api/v2/auth/token/get1655714431',
    );
  });

  it('signs with the partner key as UTF-8 bytes, lowercase hex (vector from openssl)', () => {
    const base = '2001887/api/v2/shop/get_shop_info165571443159777174636562737266615546704c6d14701711';
    expect(shopeeSign('test-partner-key', base)).toBe(
      'faf4a60d51e5807794fd37d18f605d4e8d1370ba96d66245e23d22c77cb6f090',
    );
  });

  it.each([
    ['error_rate_limit', 'Too many requests', 429, 'shop', RateLimitedError],
    ['error_limit', 'daily quota', 200, 'shop', RateLimitedError],
    ['invalid_acceess_token', 'Invalid access_token.', 403, 'shop', AuthError],
    ['error_auth', 'Invalid access_token.', 403, 'shop', AuthError],
    ['error_auth', 'Invalid refresh_token.', 403, 'refresh', ReauthorizeError],
    ['refresh_token_expired', '', 200, 'refresh', ReauthorizeError],
    ['error_server', 'Something wrong', 500, 'shop', TransientError],
    ['error_param', 'Timestamp is expired.', 400, 'shop', TransientError],
    [
      'order.order_list_invalid_time',
      'Start time must be earlier than end time and diff in 15days.',
      200,
      'shop',
      PermanentError,
    ],
  ] as const)('classifies %s (%s) as %s', (error, message, status, ctx, cls) => {
    const e = classifyShopeeError(error, message, status, ctx);
    expect(e).toBeInstanceOf(cls);
    expect(e.message).toContain(error);
  });
});

describe('Cyberbiz v1 HMAC', () => {
  it('signs x-date and the request line, base64 (vector from openssl)', () => {
    expect(
      cyberbizV1Signature(
        'apidemo',
        'Tue, 08 Jul 2025 06:20:36 GMT',
        'GET /v1/orders?page=1&per_page=20&offset=0 HTTP/1.1',
      ),
    ).toBe('jvqK3Jyogv6REiO9XplfvDxR/bzJFpuGlzjMwBmNWO4=');
  });

  it('writes the Kong-style Authorization header', () => {
    const h = cyberbizV1Headers(
      'apidemo',
      'apidemo',
      'GET',
      '/v1/orders?page=1&per_page=20&offset=0',
      new Date('2025-07-08T06:20:36Z'),
    );
    expect(h['x-date']).toBe('Tue, 08 Jul 2025 06:20:36 GMT');
    expect(h.Authorization).toBe(
      'hmac username="apidemo", algorithm="hmac-sha256", headers="x-date request-line", signature="jvqK3Jyogv6REiO9XplfvDxR/bzJFpuGlzjMwBmNWO4="',
    );
  });
});

describe('momo dataList', () => {
  it('decrypts AES/ECB/PKCS5 with entpPwd padded with "0" to 16', () => {
    expect(momoKey('abcd1234').toString()).toBe('abcd123400000000');
    const c = createCipheriv('aes-128-ecb', Buffer.from('abcd123400000000'), null);
    const enc = Buffer.concat([c.update('[{"completeOrderNo":"1-001-001-001"}]'), c.final()]).toString('base64');
    expect(JSON.parse(momoDecrypt('abcd1234', enc))).toEqual([{ completeOrderNo: '1-001-001-001' }]);
    expect(() => momoDecrypt('wrongpwd', enc)).toThrow();
  });
});

describe('sync windows', () => {
  const now = new Date('2026-03-01T00:00:00Z');
  const day = 86_400_000;
  it('starts at syncStartAt, ends SETTLE before now, splits to the maximum', () => {
    const w = computeWindows({
      cursor: null,
      syncStartAt: new Date(now.getTime() - 31 * day),
      now,
      overlapSeconds: 300,
      settleSeconds: 30,
      maxWindowMs: 15 * day,
      field: 'created',
    });
    expect(w).toHaveLength(3);
    expect(w[0]!.from.toISOString()).toBe('2026-01-29T00:00:00.000Z');
    expect(w[2]!.to.getTime()).toBe(now.getTime() - 30_000);
    for (const x of w) expect(x.to.getTime() - x.from.getTime()).toBeLessThanOrEqual(15 * day);
  });
  it('overlaps OVERLAP before the cursor but never before syncStartAt', () => {
    const cursor = new Date(now.getTime() - 3600_000);
    const w = computeWindows({
      cursor,
      syncStartAt: new Date(0),
      now,
      overlapSeconds: 300,
      settleSeconds: 30,
      maxWindowMs: 15 * day,
      field: 'updated',
    });
    expect(w).toEqual([
      { field: 'updated', from: new Date(cursor.getTime() - 300_000), to: new Date(now.getTime() - 30_000) },
    ]);
    expect(
      computeWindows({
        cursor: new Date(now.getTime() - 10_000),
        syncStartAt: new Date(now.getTime() - 5_000),
        now,
        overlapSeconds: 300,
        settleSeconds: 30,
        maxWindowMs: day,
        field: 'created',
      }),
    ).toEqual([]);
  });
});

describe('content hash and ERP state', () => {
  it('ignores key order, sees any value change', () => {
    expect(contentHash({ a: 1, b: { c: [1, 2] } })).toBe(contentHash({ b: { c: [1, 2] }, a: 1 }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 2 }));
  });
  const order = (status: 'pending_payment' | 'paid' | 'cancelled', cod = false) => ({ status, cod }) as never;
  it.each([
    [null, order('pending_payment'), 'waiting'],
    [null, order('paid'), 'pending'],
    [{ erpState: 'waiting', erpOrderId: null }, order('paid'), 'pending'],
    [{ erpState: 'written', erpOrderId: 1000 }, order('cancelled'), 'pending'],
    [{ erpState: 'pending', erpOrderId: null }, order('cancelled'), 'waiting'],
    [{ erpState: 'needs_attention', erpOrderId: 1000 }, order('cancelled'), 'needs_attention'],
    [{ erpState: 'blocked', erpOrderId: null }, order('paid'), 'pending'],
    [{ erpState: 'written', erpOrderId: 1000 }, null, 'blocked'],
  ] as const)('existing %j + %j -> %s', (existing, o, expected) => {
    expect(nextErpState(existing as never, o, [])).toBe(expected);
  });
});
