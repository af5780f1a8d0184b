// Orders: filters and pages, the detail, retries.
import { expect, it } from 'vitest';
import { waitFor } from '@oms/testing';
import { createRedis, Worker } from '@oms/queue';
import { api, h, s } from './context';

export function orderRoutes(): void {
  it('lists with filters and pages with a cursor or an offset', async () => {
    const all = (await api('GET', '/orders', '/orders')).json();
    expect(all.items.length).toBe(2);
    const blocked = (await api('GET', '/orders', `/orders?blocked=true&channelId=${s.channelId}`)).json();
    expect(blocked.items.map((o: { id: string }) => o.id)).toEqual([s.blockedOrderId]);
    expect(blocked.items[0]).toMatchObject({
      erpReason: 'SKU UNKNOWN-SKU maps to no product',
      total: '199.00',
      channelName: 'Shop 1',
    });
    expect((await api('GET', '/orders', '/orders?erpState=written&platformStatus=COMPLETED')).json().items.length).toBe(
      1,
    );
    const since = new Date(Date.now() - 5400_000).toISOString();
    expect((await api('GET', '/orders', `/orders?createdFrom=${encodeURIComponent(since)}`)).json().items.length).toBe(
      1,
    );
    const p1 = (await api('GET', '/orders', '/orders?limit=1')).json();
    expect(p1.items.length).toBe(1);
    const p2 = (await api('GET', '/orders', `/orders?limit=1&cursor=${p1.nextCursor}`)).json();
    expect(p2.items[0].id).not.toBe(p1.items[0].id);
    expect(p2.nextCursor).toBeNull();
    expect((await api('GET', '/orders', '/orders?limit=1&offset=1')).json().items[0].id).toBe(p2.items[0].id);
    const bad = await api('GET', '/orders', '/orders?cursor=garbage');
    expect(bad.status).toBe(400);
    expect(bad.json().field).toBe('cursor');
  });

  it('shows the detail: raw, normalized, ERP calls, shipments', async () => {
    const d = (await api('GET', '/orders/:id', `/orders/${s.writtenOrderId}`)).json();
    expect(d.raw).toEqual({ order_sn: 'o-1-w' });
    expect(d.erpCalls[0]).toMatchObject({ action: 'create-order', status: 201, durationMs: 230 });
    expect(d.shipments[0]).toMatchObject({ state: 'failed', trackingNumber: 'T123' });
    expect((await api('GET', '/orders/:id', '/orders/00000000-0000-4000-8000-000000000001')).status).toBe(404);
  });

  it('retries a blocked order (a failed job with the same id is replaced), refuses a written one, retries many', async () => {
    const order = await h.db.order.findUniqueOrThrow({ where: { id: s.blockedOrderId } });
    const jobId = `write-order-${order.id}-${order.contentHash.slice(0, 16)}`;
    const erp = h.queues.get('erp-orders');
    // A write that failed earlier: its job still holds the id.
    await h.queues.add(
      'writeOrder',
      { orderId: order.id, contentHash: order.contentHash },
      { options: { attempts: 1 } },
    );
    const connection = createRedis(h.config.REDIS_URL, 'worker');
    const worker = new Worker(
      'erp-orders',
      async () => {
        throw new Error('earlier failure');
      },
      { connection, prefix: h.config.QUEUE_PREFIX },
    );
    await waitFor(async () => (await (await erp.getJob(jobId))?.getState()) === 'failed', { what: 'the job to fail' });
    await worker.close();
    connection.disconnect();
    expect(await (await erp.getJob(jobId))!.getState()).toBe('failed');

    const r = await api('POST', '/orders/:id/retry', `/orders/${order.id}/retry`);
    expect(r.status).toBe(202);
    expect(await (await erp.getJob(jobId))!.getState()).toBe('waiting');
    const after = await h.db.order.findUniqueOrThrow({ where: { id: order.id } });
    expect(after).toMatchObject({ erpState: 'pending', erpReason: null });

    const written = await api('POST', '/orders/:id/retry', `/orders/${s.writtenOrderId}/retry`);
    expect(written.status).toBe(409);
    expect(written.json().message).toMatch(/already written/);

    await h.db.order.update({ where: { id: order.id }, data: { erpState: 'blocked', erpReason: 'again' } });
    const many = (
      await api('POST', '/orders/retry', '/orders/retry', { erpState: 'blocked', channelId: s.channelId })
    ).json();
    expect(many.results).toEqual([{ orderId: order.id, queued: true, reason: 'a write job is already waiting' }]);
    const byIds = (
      await api('POST', '/orders/retry', '/orders/retry', {
        ids: [s.writtenOrderId, '00000000-0000-4000-8000-000000000009'],
      })
    ).json();
    expect(byIds.results.map((x: { queued: boolean }) => x.queued)).toEqual([false, false]);
    expect((await api('POST', '/orders/retry', '/orders/retry', {})).status).toBe(400);
  });
}
