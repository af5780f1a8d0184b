// The bearer token inside a batch: BatchRequestResourseImpl#processBatch builds a ContainerRequest per item with the
// batch's headers, so RequestFilter (v1/auth/filter) checks the token again for every item, when the item starts.
// An item that starts after the token expired gets the filter's 401 (docs/idempiere.md, "Authentication and
// tokens"). Here the token lives 2 s and each order takes P = 1 s, so the 4th order starts after the expiry.
import { afterEach, describe, expect, it } from 'vitest';
import { countOrders, oneStepLogin, orderBody, rest, sandbox, useIdempiereSandbox } from '../test/idempiere';

useIdempiereSandbox();

afterEach(() => {
  sandbox.configure({ tokenExpiresInSeconds: 3600 });
});

/** A token that lives 2 s, and P = 1 s per order. */
async function shortToken(): Promise<string> {
  sandbox.configure({ tokenExpiresInSeconds: 2 });
  const { token } = await oneStepLogin();
  sandbox.setFaults({ processingMsPerOrder: 1000 });
  return token;
}

const orders = (tag: string) =>
  [0, 1, 2, 3].map((i) => ({ method: 'POST', path: 'v1/models/C_Order', body: orderBody(`${tag}-${i}`) }));

describe('BatchRequestResourseImpl + RequestFilter: the token is checked on every batch item', () => {
  it('transaction=false: items after the expiry get 401 inside the HTTP 200 reply; the earlier ones commit', async () => {
    const token = await shortToken();
    const r = await rest('POST', '/batch?transaction=false', { token, body: orders('PO-BA-NT') });
    sandbox.clearFaults();
    expect(r.status).toBe(200);
    const codes = (r.body as { statusCode: number }[]).map((x) => x.statusCode);
    expect(codes[0]).toBe(201);
    expect(codes[3]).toBe(401);
    // expiry is monotonic: once an item is refused, every later one is too
    expect(codes.slice(codes.indexOf(401)).every((c) => c === 401)).toBe(true);
    expect(r.body[3].body.title).toMatch(/^The Token has expired on /);
    const fresh = (await oneStepLogin()).token;
    for (const [i, c] of codes.entries()) {
      const n = await rest('GET', `/models/c_order?$filter=${encodeURIComponent(`POReference eq 'PO-BA-NT-${i}'`)}`, {
        token: fresh,
      });
      expect(n.body['row-count']).toBe(c === 201 ? 1 : 0);
    }
  }, 15_000);

  it('transaction=true: the refused item stops the batch and everything rolls back (HTTP 400)', async () => {
    const token = await shortToken();
    const r = await rest('POST', '/batch?transaction=true', { token, body: orders('PO-BA-TX') });
    sandbox.clearFaults();
    expect(r.status).toBe(400);
    const last = (r.body as { statusCode: number; body: { title: string } }[]).at(-1)!;
    expect(last.statusCode).toBe(401);
    expect(last.body.title).toMatch(/^The Token has expired on /);
    for (const i of [0, 1, 2, 3]) expect(await countOrders(`PO-BA-TX-${i}`)).toBe(0);
  }, 15_000);

  it('a token valid for the whole batch passes every item', async () => {
    const { token } = await oneStepLogin();
    sandbox.setFaults({ processingMsPerOrder: 50 });
    const r = await rest('POST', '/batch?transaction=false', { token, body: orders('PO-BA-OK') });
    expect((r.body as { statusCode: number }[]).map((x) => x.statusCode)).toEqual([201, 201, 201, 201]);
  });
});
