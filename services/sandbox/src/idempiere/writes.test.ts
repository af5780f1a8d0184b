// The sequence lock and write log (invariant 3 in docs/ARCHITECTURE.md: writes into iDempiere are serialized),
// and the faults: latency, error rate, downtime, lost replies.
import { describe, expect, it } from 'vitest';
import { countOrders, ctrl, orderBody, rest, sandbox, token, useIdempiereSandbox } from '../test/idempiere';

useIdempiereSandbox();

describe('serialization and the write log', () => {
  it('sequential writes never overlap; concurrent writers are detected and serialized by the sequence lock', async () => {
    await ctrl('POST', '/reset');
    sandbox.setFaults({ processingMsPerOrder: 40 });
    for (let i = 0; i < 3; i++)
      expect((await rest('POST', '/models/c_order', { token, body: orderBody(`PO-SEQ-${i}`) })).status).toBe(201);
    expect(sandbox.summary()).toMatchObject({ orders: 3, writes: 3, overlappingWrites: 0 });

    const started = Date.now();
    const rs = await Promise.all(
      [0, 1, 2, 3].map((i) => rest('POST', '/models/c_order', { token, body: orderBody(`PO-PAR-${i}`) })),
    );
    const elapsed = Date.now() - started;
    expect(rs.every((r) => r.status === 201)).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(4 * 40 - 5); // one order at a time
    const s = sandbox.summary();
    expect(s.overlappingWrites).toBeGreaterThan(0);
    expect(s.orders).toBe(7);
    const log = (await ctrl('GET', '/writes')).body;
    expect(log.writes).toHaveLength(7);
    expect(log.overlappingWrites).toBe(s.overlappingWrites);
    // inside the lock, processing windows never overlap
    const windows = log.writes
      .slice(3)
      .map((w: any) => [w.locked, w.end])
      .sort((a: number[], b: number[]) => a[0]! - b[0]!);
    for (let i = 1; i < windows.length; i++) expect(windows[i][0]).toBeGreaterThanOrEqual(windows[i - 1][1] - 1);
    // all distinct document numbers
    const docNos = new Set(rs.map((r) => r.body.DocumentNo));
    expect(docNos.size).toBe(4);
    expect(s.ordersByStatus).toEqual({ DR: 7 });
  });
});

describe('faults', () => {
  it('latency, error rate and downtime', async () => {
    sandbox.setFaults({ latencyMs: 80 });
    const t0 = Date.now();
    expect((await rest('GET', '/models/c_bpartner/118', { token })).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(75);
    sandbox.setFaults({ latencyMs: 0, errorRate: 1 });
    const e = await rest('GET', '/models/c_bpartner/118', { token });
    expect(e.status).toBe(500);
    expect(e.body).toMatchObject({ title: 'Server error', status: 500 });
    sandbox.clearFaults();
    await ctrl('POST', '/faults', { downForMs: 300 });
    expect((await rest('GET', '/models/c_bpartner/118', { token })).status).toBe(503);
    await new Promise((r) => setTimeout(r, 350));
    expect((await rest('GET', '/models/c_bpartner/118', { token })).status).toBe(200);
    sandbox.setFaults({ downForMs: 300, downMode: 'close' });
    await expect(rest('GET', '/models/c_bpartner/118', { token })).rejects.toThrow();
    sandbox.clearFaults();
    expect((await rest('GET', '/models/c_bpartner/118', { token })).status).toBe(200);
    // a lost reply: committed, but the client sees 504 (a retry without a lookup would duplicate)
    sandbox.setFaults({ lostReplyRate: 1 });
    const lost = await rest('POST', '/models/c_order', { token, body: orderBody('PO-LOST-REPLY') });
    expect(lost.status).toBe(504);
    sandbox.clearFaults();
    expect(await countOrders('PO-LOST-REPLY')).toBe(1);
    const badFault = await ctrl('POST', '/faults', { errorRate: 2 });
    expect(badFault.status).toBe(400);
  });
});
