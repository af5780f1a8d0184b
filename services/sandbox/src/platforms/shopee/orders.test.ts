// Shopee conformance: get_order_list windows and cursor, get_order_detail's optional fields
// (docs/platforms.md, "Shopee: listing orders, windows and paging").
import { describe, expect, it } from 'vitest';
import { truthOrders } from '../../test/helpers.ts';
import { call, now, s, shops, useShopeeSandbox } from '../../test/shopee.ts';

useShopeeSandbox();

describe('shopee orders', () => {
  it('lists a 15-day create_time window page by page with the opaque cursor, exactly the truth', async () => {
    const to = now();
    const from = to - 15 * 86400;
    const seen: string[] = [];
    let cursor = '';
    let pages = 0;
    for (;;) {
      const r = await call(
        '/api/v2/order/get_order_list',
        { time_range_field: 'create_time', time_from: from, time_to: to, page_size: 37, cursor },
        { shop: shops[0] },
      );
      expect(r.body.error).toBe('');
      const res = r.body.response;
      seen.push(
        ...res.order_list.map((o: { order_sn: string; order_status?: string }) => {
          expect(o.order_status).toBeUndefined(); // optional field not asked for
          return o.order_sn;
        }),
      );
      pages++;
      if (!res.more) {
        expect(res.next_cursor).toBe('');
        break;
      }
      cursor = res.next_cursor;
    }
    const truth = (await truthOrders(s, 'shopee', String(shops[0]!.shop_id))).filter((o) => {
      const t = Math.floor(Date.parse(o.createdAt!) / 1000);
      return t >= from && t <= to;
    });
    expect(pages).toBeGreaterThan(2);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(truth.map((o) => o.externalId).sort());
  });

  it('refuses a window over 15 days, reversed times, page_size outside 1..100, a forged cursor', async () => {
    const to = now();
    const wide = await call(
      '/api/v2/order/get_order_list',
      { time_range_field: 'update_time', time_from: to - 15 * 86400 - 1, time_to: to, page_size: 10 },
      { shop: shops[0] },
    );
    expect(wide.body).toMatchObject({
      error: 'order.order_list_invalid_time',
      message: 'Start time must be earlier than end time and diff in 15days.',
    });
    const reversed = await call(
      '/api/v2/order/get_order_list',
      { time_range_field: 'update_time', time_from: to, time_to: to - 10, page_size: 10 },
      { shop: shops[0] },
    );
    expect(reversed.body.error).toBe('order.order_list_invalid_time');
    for (const size of [0, 101]) {
      const r = await call(
        '/api/v2/order/get_order_list',
        { time_range_field: 'create_time', time_from: to - 86400, time_to: to, page_size: size },
        { shop: shops[0] },
      );
      expect(r.body.error).toBe('error_param');
    }
    const forged = await call(
      '/api/v2/order/get_order_list',
      { time_range_field: 'create_time', time_from: to - 86400, time_to: to, page_size: 10, cursor: '20' },
      { shop: shops[0] },
    );
    expect(forged.body.error).toBe('error_param');
  });

  it('get_order_detail: 1..50 order_sn, optional fields absent unless asked, totals consistent', async () => {
    const truth = await truthOrders(s, 'shopee', String(shops[0]!.shop_id));
    const sns = truth.slice(0, 50).map((o) => o.externalId);
    const plain = await call('/api/v2/order/get_order_detail', { order_sn_list: sns.join(',') }, { shop: shops[0] });
    expect(plain.body.response.order_list).toHaveLength(50);
    const first = plain.body.response.order_list[0];
    expect(first).toHaveProperty('order_status');
    for (const f of ['item_list', 'total_amount', 'recipient_address', 'pay_time', 'buyer_username'])
      expect(first).not.toHaveProperty(f);

    const tooMany = await call(
      '/api/v2/order/get_order_detail',
      {
        order_sn_list: truth
          .slice(0, 51)
          .map((o) => o.externalId)
          .join(','),
      },
      { shop: shops[0] },
    );
    expect(tooMany.body.error).toBe('error_param');

    const full = await call(
      '/api/v2/order/get_order_detail',
      {
        order_sn_list: sns.join(','),
        response_optional_fields: 'item_list,total_amount,estimated_shipping_fee,recipient_address,pay_time',
      },
      { shop: shops[0] },
    );
    let checked = 0;
    for (const d of full.body.response.order_list) {
      const t = truth.find((o) => o.externalId === d.order_sn)!;
      expect(d.item_list.map((i: any) => i.model_sku || i.item_sku)).toEqual(t.lines.map((l) => l.sku));
      if (!t.paidAt && !t.cod) expect(d).not.toHaveProperty('total_amount');
      else {
        const items = d.item_list.reduce(
          (sum: number, i: any) => sum + i.model_discounted_price * i.model_quantity_purchased,
          0,
        );
        expect(d.total_amount).toBe(items + d.estimated_shipping_fee);
        expect(d.total_amount).toBe(t.total);
        checked++;
      }
      expect(d.recipient_address.region).toBe('TW');
      if (t.delivery !== 'non_integrated') expect(d.recipient_address.name).toBe('****');
    }
    expect(checked).toBeGreaterThan(20);
  });
});
