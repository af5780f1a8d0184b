// Conformance test of the iDempiere stand-in, written from ../shared/specs/idempiere-rest.md: real HTTP against
// Fastify instances on random ports, requests shaped as the REST plugin documents them.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CATALOG } from '../world/catalog';
import { createIdempiereSandbox, type IdempiereSandbox } from './index';

let sandbox: IdempiereSandbox;
let api: FastifyInstance;
let control: FastifyInstance;
let base: string;
let ctl: string;

interface Res {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

async function call(
  method: string,
  url: string,
  opts: { token?: string; body?: unknown; raw?: string } = {},
): Promise<Res> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined || opts.raw !== undefined) {
    headers['content-type'] = 'application/json';
    body = opts.raw ?? JSON.stringify(opts.body);
  }
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}
const rest = (method: string, path: string, opts: { token?: string; body?: unknown; raw?: string } = {}) =>
  call(method, `${base}/api/v1${path}`, opts);
const ctrl = (method: string, path: string, body?: unknown) =>
  call(method, `${ctl}/_sandbox/idempiere${path}`, { body });
const enc = encodeURIComponent;

async function oneStepLogin(): Promise<{ token: string; refresh_token: string; userId: number; clientId: number }> {
  const c = sandbox.credentials();
  const r = await rest('POST', '/auth/tokens', {
    body: {
      userName: c.userName,
      password: c.password,
      parameters: {
        clientId: c.clientId,
        roleId: c.roleId,
        organizationId: c.organizationId,
        warehouseId: c.warehouseId,
        language: c.language,
      },
    },
  });
  expect(r.status).toBe(200);
  return { ...r.body, clientId: c.clientId };
}

let token: string;

beforeAll(async () => {
  sandbox = createIdempiereSandbox();
  api = Fastify();
  control = Fastify();
  await sandbox.register(api);
  await sandbox.registerControl(control);
  base = await api.listen({ port: 0, host: '127.0.0.1' });
  ctl = await control.listen({ port: 0, host: '127.0.0.1' });
  token = (await oneStepLogin()).token;
});

afterAll(async () => {
  await api?.close();
  await control?.close();
});

beforeEach(() => {
  sandbox.clearFaults();
});

/** A valid nested order body; lines sell catalog products at list price, plus a freight charge line. */
function orderBody(poReference: string, extra: Record<string, unknown> = {}) {
  const [p1, p2] = [CATALOG[0]!, CATALOG[1]!];
  return {
    AD_Org_ID: 11,
    C_DocTypeTarget_ID: 132,
    C_BPartner_ID: 118,
    M_Warehouse_ID: 103,
    M_PriceList_ID: 101,
    DateOrdered: '2026-11-20',
    POReference: poReference,
    IsSOTrx: true,
    C_OrderLine: [
      { M_Product_ID: p1.id, QtyEntered: 2, QtyOrdered: 2, PriceEntered: p1.price, PriceActual: p1.price },
      { M_Product_ID: p2.id, QtyEntered: 1, QtyOrdered: 1, PriceEntered: p2.price, PriceActual: p2.price },
      { C_Charge_ID: 200000, QtyEntered: 1, QtyOrdered: 1, PriceEntered: 60, PriceActual: 60 },
    ],
    ...extra,
  };
}

async function countOrders(poReference: string): Promise<number> {
  const r = await rest('GET', `/models/c_order?$filter=${enc(`POReference eq '${poReference}'`)}`, { token });
  expect(r.status).toBe(200);
  return r.body['row-count'];
}

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

describe('models: read', () => {
  it('serializes records as the plugin does (id, uid, FK objects, booleans, dates, model-name)', async () => {
    const r = await rest('GET', '/models/c_bpartner/118', { token });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: 118, Name: 'Joe Block', IsCustomer: true, 'model-name': 'c_bpartner' });
    expect(typeof r.body.uid).toBe('string');
    expect(r.body.C_BP_Group_ID).toEqual({
      propertyLabel: 'Business Partner Group',
      id: 103,
      identifier: 'Standard Customers',
      'model-name': 'c_bp_group',
    });
    expect(r.body.Created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const byUid = await rest('GET', `/models/C_BPartner/${r.body.uid}`, { token });
    expect(byUid.body.id).toBe(118);
    const pv = await rest('GET', '/models/m_pricelist_version/104', { token });
    expect(pv.body.ValidFrom).toBe('2003-01-01');
  });

  it('404 for an unknown table and an unknown id', async () => {
    const t = await rest('GET', '/models/c_nope', { token });
    expect(t.status).toBe(404);
    expect(t.body).toMatchObject({ title: 'Invalid table name', status: 404 });
    const id = await rest('GET', '/models/c_order/999999', { token });
    expect(id.status).toBe(404);
    expect(id.body).toMatchObject({ title: 'Record not found', status: 404 });
  });

  it('seeds every catalog product with Value, Name, UPC, SKU and its price on version 104', async () => {
    for (const p of [CATALOG[0]!, CATALOG[4]!, CATALOG[CATALOG.length - 1]!]) {
      const r = await rest('GET', `/models/m_product?$filter=${enc(`Value eq '${p.value}'`)}`, { token });
      expect(r.body.records).toHaveLength(1);
      expect(r.body.records[0]).toMatchObject({ id: p.id, Name: p.name, UPC: p.upc, SKU: p.sku });
      const price = await rest(
        'GET',
        `/models/m_productprice?$filter=${enc(`M_Product_ID eq ${p.id} and M_PriceList_Version_ID eq 104`)}`,
        { token },
      );
      expect(price.body.records[0].PriceStd).toBe(p.price);
    }
    const shippers = await rest('GET', '/models/m_shipper', { token });
    expect(shippers.body.records.map((s: any) => s.Name)).toEqual(
      expect.arrayContaining(['UPS', '黑貓宅急便', '新竹物流', '宅配通', '中華郵政', '7-ELEVEN 交貨便', '全家店到店']),
    );
  });

  it('$filter operators, functions, null, quotes and booleans', async () => {
    const q = async (table: string, filter: string) => {
      const r = await rest('GET', `/models/${table}?$filter=${enc(filter)}&$top=100`, { token });
      expect(r.status, `${filter}: ${r.text}`).toBe(200);
      return r.body.records as any[];
    };
    const ids = (rs: any[]) => rs.map((r) => r.id).sort((a, b) => a - b);
    expect(ids(await q('c_bpartner', "Name eq 'Joe Block'"))).toEqual([118]);
    expect(ids(await q('c_bpartner', 'C_BPartner_ID in (117,118)'))).toEqual([117, 118]);
    expect(ids(await q('c_bpartner', "id in (117,118) and Name neq 'Joe Block'"))).toEqual([117]);
    expect(ids(await q('c_bpartner', "(Name eq 'Joe Block' or Name eq 'Standard') and IsCustomer eq true"))).toEqual([
      112, 118,
    ]);
    expect(ids(await q('c_doctype', "DocSubTypeSO in ('PR','WI') and IsSOTrx eq true"))).toEqual([130, 133]);
    expect(ids(await q('m_product', 'M_Product_ID ge 200049'))).toEqual([200049, 200050]);
    expect(ids(await q('m_product', 'M_Product_ID gt 200049'))).toEqual([200050]);
    expect(ids(await q('m_product', 'M_Product_ID lt 130'))).toEqual([128]);
    expect(ids(await q('m_product', 'M_Product_ID le 134 and M_Product_ID ge 134'))).toEqual([134]);
    expect(ids(await q('m_product', "contains(Name,'烏龍')"))).toEqual([200002]);
    expect(ids(await q('m_product', "startswith(Value,'TW-100')"))).toEqual([
      200001, 200002, 200003, 200004, 200005, 200006, 200007, 200008, 200009,
    ]);
    expect(ids(await q('m_product', "endswith(Value,'1050')"))).toEqual([200050]);
    expect((await q('m_product', "not contains(Value,'TW-')")).length).toBe(3);
    expect(ids(await q('m_product', "tolower(Value) eq 'ptable'"))).toEqual([134]);
    expect(ids(await q('m_product', "toupper(Value) eq 'MULCH'"))).toEqual([137]);
    expect(ids(await q('m_product', "contains(tolower(Name),'patio')"))).toEqual([134]);
    expect((await q('m_product', 'SKU eq null')).length).toBe(3);
    expect((await q('m_product', 'SKU neq null')).length).toBe(CATALOG.length);
    expect(ids(await q('m_product', "SKU neq Value and startswith(SKU,'ALT-TW-1010')"))).toEqual([200010]);
    // '' inside a quoted string is one quote
    const bp = await rest('POST', '/models/c_bpartner', { token, body: { Name: "O'Brien Trading", IsCustomer: true } });
    expect(bp.status).toBe(201);
    expect(ids(await q('c_bpartner', "Name eq 'O''Brien Trading'"))).toEqual([bp.body.id]);
  });

  it('refuses what the plugin refuses in $filter', async () => {
    const f = (filter: string) => rest('GET', `/models/c_order?$filter=${enc(filter)}`, { token });
    const unknown = await f("Nope eq 'x'");
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toContain('Invalid column for filter: Nope');
    expect((await f('DocumentNo eq 10000')).status).toBe(400); // strings need quotes
    expect((await f("DocumentNo like '1'")).status).toBe(400);
    expect((await f("not DocumentNo eq '1'")).status).toBe(400);
    expect((await f('DocumentNo gt null')).status).toBe(400);
    expect((await f("C_BPartner_ID eq 'abc'")).status).toBe(400);
  });

  it('$select, $orderby, $top capped at 100, $skip, paging fields and X- headers', async () => {
    // 130 partners in one batch so that a table has more than 100 rows
    const items = Array.from({ length: 130 }, (_, i) => ({
      method: 'POST',
      path: 'v1/models/C_BPartner',
      body: { Name: `Paging ${String(i).padStart(3, '0')}`, IsCustomer: true },
    }));
    const b = await rest('POST', '/batch', { token, body: items });
    expect(b.status).toBe(200);
    const all = await rest('GET', `/models/c_bpartner?$filter=${enc("startswith(Name,'Paging ')")}&$top=500`, {
      token,
    });
    expect(all.body['records-size']).toBe(100);
    expect(all.body['row-count']).toBe(130);
    expect(all.body['page-count']).toBe(2);
    expect(all.body.records).toHaveLength(100);
    expect(all.headers.get('x-row-count')).toBe('130');
    expect(all.headers.get('x-page-count')).toBe('2');
    expect(all.headers.get('x-records-size')).toBe('100');
    const page = await rest(
      'GET',
      `/models/c_bpartner?$filter=${enc("startswith(Name,'Paging ')")}&$orderby=${enc('Name desc')}&$top=20&$skip=120&$select=Name,Value`,
      { token },
    );
    expect(page.body).toMatchObject({
      'page-count': 7,
      'records-size': 20,
      'skip-records': 120,
      'row-count': 130,
      'array-count': 10,
    });
    expect(page.headers.get('x-skip-records')).toBe('120');
    expect(page.body.records[0].Name).toBe('Paging 009');
    expect(Object.keys(page.body.records[0]).sort()).toEqual(['Name', 'Value', 'id', 'model-name', 'uid']);
  });
});

describe('models: write', () => {
  it('POST a C_Order with nested lines: 201, sequence DocumentNo, line numbers, totals (tax included)', async () => {
    const r = await rest('POST', '/models/c_order', { token, body: orderBody('PO-NESTED-1') });
    expect(r.status, r.text).toBe(201);
    expect(r.body.DocumentNo).toMatch(/^\d+$/);
    expect(r.body.DocStatus).toMatchObject({ id: 'DR', 'model-name': 'ad_ref_list' });
    expect(r.body.C_OrderLine.map((l: any) => l.Line)).toEqual([10, 20, 30]);
    const expected = 2 * CATALOG[0]!.price + CATALOG[1]!.price + 60;
    expect(r.body.TotalLines).toBe(expected);
    expect(r.body.GrandTotal).toBe(expected);
    expect(r.body.C_BPartner_ID.identifier).toBe('Joe Block');
    const next = await rest('POST', '/models/c_order', { token, body: orderBody('PO-NESTED-2') });
    expect(Number(next.body.DocumentNo)).toBe(Number(r.body.DocumentNo) + 1);
    // $expand brings the lines back
    const got = await rest('GET', `/models/c_order/${r.body.id}?$expand=C_OrderLine`, { token });
    expect(got.body.C_OrderLine).toHaveLength(3);
  });

  it('accepts foreign keys in every documented form and property names', async () => {
    const wh = await rest('GET', '/models/m_warehouse/103', { token });
    const r = await rest('POST', '/models/c_order', {
      token,
      body: {
        C_DocTypeTarget_ID: { identifier: 'Standard Order' },
        C_BPartner_ID: { lookupColumn: 'Value', lookupValue: 'JoeBlock' },
        M_Warehouse_ID: { uid: wh.body.uid },
        M_PriceList_ID: { id: 101 },
        AD_Org_ID: 11,
        SalesRep_ID: -1,
        description: 'property-name form',
        POReference: 'PO-FK-FORMS',
        C_OrderLine: [
          {
            M_Product_ID: { lookupColumn: 'Value', lookupValue: CATALOG[2]!.value },
            QtyEntered: 1,
            QtyOrdered: 1,
            PriceEntered: 100,
            PriceActual: 100,
          },
          {
            C_Charge_ID: { identifier: 'Platform discount' },
            QtyEntered: 1,
            QtyOrdered: 1,
            PriceEntered: -10,
            PriceActual: -10,
          },
        ],
      },
    });
    expect(r.status, r.text).toBe(201);
    expect(r.body.C_BPartner_ID.id).toBe(118);
    expect(r.body.C_DocTypeTarget_ID.id).toBe(132);
    expect(r.body.M_Warehouse_ID.id).toBe(103);
    expect(r.body.Description).toBe('property-name form');
    expect(r.body.C_OrderLine[0].M_Product_ID.id).toBe(CATALOG[2]!.id);
    expect(r.body.C_OrderLine[1].C_Charge_ID.id).toBe(200001);
    expect(r.body.GrandTotal).toBe(90);
    const missing = await rest('POST', '/models/c_order', {
      token,
      body: { ...orderBody('PO-FK-BAD'), C_BPartner_ID: { identifier: 'Nobody At All' } },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.detail).toContain('C_BPartner_ID');
    const badId = await rest('POST', '/models/c_order', {
      token,
      body: { ...orderBody('PO-FK-BAD'), C_BPartner_ID: 424242 },
    });
    expect(badId.status).toBe(400);
    expect(badId.body.detail).toBe('Foreign ID 424242 not found in C_BPartner_ID');
    expect(await countOrders('PO-FK-BAD')).toBe(0);
  });

  it('refuses unknown and wrongly-cased column names, and missing mandatory values', async () => {
    const unknown = await rest('POST', '/models/c_order', { token, body: { ...orderBody('PO-COL'), Foo: 1 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ status: 400, detail: 'Column Foo does not exist' });
    const cased = await rest('POST', '/models/c_order', { token, body: { ...orderBody('PO-COL'), documentno: 'X' } });
    expect(cased.status).toBe(400);
    expect(cased.body.detail).toBe('Wrong name for column documentno, you must use DocumentNo');
    const childCol = await rest('POST', '/models/c_order', {
      token,
      body: orderBody('PO-COL', { C_OrderLine: [{ M_Product_ID: 128, Qty: 1 }] }),
    });
    expect(childCol.status).toBe(400);
    expect(await countOrders('PO-COL')).toBe(0);
    const malformed = await rest('POST', '/models/c_order', { token, raw: '{"C_BPartner_ID": 118,' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.status).toBe(400);
    const badValue = await rest('POST', '/models/c_order', {
      token,
      body: { ...orderBody('PO-COL'), DateOrdered: 'yesterday' },
    });
    expect(badValue.status).toBe(400);
    expect(badValue.body.detail).toContain('DateOrdered');
    const mandatory = await rest('POST', '/models/c_bpartner', { token, body: { IsCustomer: true } });
    expect(mandatory.status).toBe(400);
    expect(mandatory.body.detail).toMatch(/^FillMandatory .*Name/);
  });

  it('nested POST is all or nothing: a failing line leaves no order behind', async () => {
    const np = await rest('POST', '/models/m_product', {
      token,
      body: {
        Value: 'NOT-ON-PL',
        Name: 'Not on any price list',
        C_UOM_ID: 100,
        M_Product_Category_ID: 105,
        C_TaxCategory_ID: 107,
      },
    });
    expect(np.status, np.text).toBe(201);
    const body = orderBody('PO-ATOMIC');
    body.C_OrderLine.push({
      M_Product_ID: np.body.id,
      QtyEntered: 1,
      QtyOrdered: 1,
      PriceEntered: 1,
      PriceActual: 1,
    } as any);
    const r = await rest('POST', '/models/c_order', { token, body });
    expect(r.status).toBe(500);
    expect(r.body.title).toBe('Save error');
    expect(r.body.detail).toContain('ProductNotOnPriceList');
    expect(await countOrders('PO-ATOMIC')).toBe(0);
    const lines = await rest('GET', `/models/c_orderline?$filter=${enc(`M_Product_ID eq ${np.body.id}`)}`, { token });
    expect(lines.body['row-count']).toBe(0);
  });

  it('no callouts: QtyOrdered and PriceActual are what the client sends (list price only when both prices are 0)', async () => {
    const p = CATALOG[3]!;
    const r = await rest('POST', '/models/c_order', {
      token,
      body: orderBody('PO-STRICT', {
        C_OrderLine: [
          { M_Product_ID: p.id, QtyEntered: 3 }, // QtyOrdered stays 0; price from the list
          { M_Product_ID: p.id, QtyEntered: 1, QtyOrdered: 1, PriceEntered: 1 }, // PriceEntered alone: list price wins
          { M_Product_ID: p.id, QtyEntered: 1, QtyOrdered: 1, PriceEntered: 5, PriceActual: 5 },
        ],
      }),
    });
    expect(r.status, r.text).toBe(201);
    const [a, b, c] = r.body.C_OrderLine;
    expect(a.QtyOrdered).toBe(0);
    expect(a.LineNetAmt).toBe(0);
    expect(b.PriceActual).toBe(p.price);
    expect(c.PriceActual).toBe(5);
    expect(r.body.GrandTotal).toBe(p.price + 5);
  });

  it('nests C_BPartner_Location with an inline C_Location and AD_User under C_BPartner', async () => {
    const r = await rest('POST', '/models/c_bpartner', {
      token,
      body: {
        Name: '王小明',
        IsCustomer: true,
        C_BP_Group_ID: 103,
        C_BPartner_Location: [
          {
            Name: '台北 信義',
            IsShipTo: true,
            IsBillTo: true,
            C_Location_ID: {
              id: 0,
              Address1: '市府路45號',
              City: '台北市',
              Postal: '110',
              C_Country_ID: 316,
              RegionName: '台北市',
            },
          },
        ],
        AD_User: [{ Name: '王小明', EMail: 'ming@example.com', Phone: '0912345678' }],
      },
    });
    expect(r.status, r.text).toBe(201);
    expect(r.body.Value).toBeTruthy();
    const loc = r.body.C_BPartner_Location[0];
    expect(loc.C_BPartner_ID.id).toBe(r.body.id);
    const location = await rest('GET', `/models/c_location/${loc.C_Location_ID.id}`, { token });
    expect(location.body).toMatchObject({ Address1: '市府路45號', City: '台北市', Postal: '110' });
    expect(location.body.C_Country_ID.id).toBe(316);
    expect(r.body.AD_User[0]).toMatchObject({ Name: '王小明', EMail: 'ming@example.com' });
    // the order takes the partner's location by default
    const o = await rest('POST', '/models/c_order', {
      token,
      body: { ...orderBody('PO-NEWBP'), C_BPartner_ID: r.body.id },
    });
    expect(o.status, o.text).toBe(201);
    expect(o.body.C_BPartner_Location_ID.id).toBe(loc.id);
  });

  it('truncates POReference to the column length (20 by default), as PO.set_Value does', async () => {
    const long = '5f0d8e1c2b3a4f5e6d7c8b9a';
    const r = await rest('POST', '/models/c_order', { token, body: orderBody(long) });
    expect(r.status).toBe(201);
    expect(r.body.POReference).toBe(long.slice(0, 20));
  });

  it('PUT updates, inserts and deletes children; DELETE removes a draft order', async () => {
    const o = await rest('POST', '/models/c_order', { token, body: orderBody('PO-PUT') });
    const [l1, l2] = o.body.C_OrderLine;
    const p = CATALOG[5]!;
    const r = await rest('PUT', `/models/c_order/${o.body.id}`, {
      token,
      body: {
        Description: 'changed',
        C_OrderLine: [
          { id: l1.id, QtyEntered: 5, QtyOrdered: 5 },
          { id: l2.id, '(delete)': true },
          { M_Product_ID: p.id, QtyEntered: 1, QtyOrdered: 1, PriceEntered: p.price, PriceActual: p.price },
        ],
      },
    });
    expect(r.status, r.text).toBe(200);
    const got = await rest('GET', `/models/c_order/${o.body.id}?$expand=C_OrderLine`, { token });
    expect(got.body.Description).toBe('changed');
    // equality lookups (indexed) follow updates
    const moved = await rest('PUT', `/models/c_order/${o.body.id}`, { token, body: { POReference: 'PO-PUT-MOVED' } });
    expect(moved.status).toBe(200);
    expect(await countOrders('PO-PUT')).toBe(0);
    expect(await countOrders('PO-PUT-MOVED')).toBe(1);
    const lines = got.body.C_OrderLine;
    expect(lines.map((l: any) => l.Line)).toEqual([10, 30, 40]);
    expect(lines[0].QtyOrdered).toBe(5);
    expect(got.body.GrandTotal).toBe(5 * CATALOG[0]!.price + 60 + p.price);
    const pl = await rest('PUT', `/models/c_order/${o.body.id}`, { token, body: { M_PriceList_ID: 102 } });
    expect(pl.status).toBe(500);
    expect(pl.body.detail).toContain('CannotChangePl');
    const del = await rest('DELETE', `/models/c_order/${o.body.id}`, { token });
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ msg: 'Deleted' });
    expect((await rest('GET', `/models/c_order/${o.body.id}`, { token })).status).toBe(404);
    expect((await rest('GET', `/models/c_orderline/${l1.id}`, { token })).status).toBe(404);
  });
});

describe('document actions', () => {
  it('CO without lines fails with 500 @NoLines@ and rolls the whole request back', async () => {
    const r = await rest('POST', '/models/c_order', {
      token,
      body: { ...orderBody('PO-NOLINES'), C_OrderLine: undefined, 'doc-action': 'CO' },
    });
    expect(r.status).toBe(500);
    expect(r.body.status).toBe(500);
    expect(r.body.detail).toContain('@NoLines@');
    expect(await countOrders('PO-NOLINES')).toBe(0);
  });

  it('CO completes; a processed order refuses changes; RE reactivates; VO voids; CL closes', async () => {
    const r = await rest('POST', '/models/c_order', {
      token,
      body: { ...orderBody('PO-DOCACTION'), 'doc-action': 'CO' },
    });
    expect(r.status, r.text).toBe(201);
    expect(r.body.DocStatus.id).toBe('CO');
    expect(r.body.Processed).toBe(true);
    expect(r.body.DocAction.id).toBe('CL');
    expect(r.body.C_DocType_ID.id).toBe(132);
    expect(r.body['doc-processmsg']).toBeDefined();
    const id = r.body.id;
    const refused = await rest('PUT', `/models/c_order/${id}`, { token, body: { Description: 'too late' } });
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toMatch(/Cannot update/);
    const newLine = await rest('PUT', `/models/c_order/${id}`, {
      token,
      body: { C_OrderLine: [{ M_Product_ID: 128, QtyEntered: 1, QtyOrdered: 1, PriceActual: 1, PriceEntered: 1 }] },
    });
    expect(newLine.status).toBe(500);
    expect(newLine.body.detail).toContain('ParentComplete');

    const re = await rest('PUT', `/models/c_order/${id}`, { token, body: { 'doc-action': { id: 'RE' } } });
    expect(re.status, re.text).toBe(200);
    expect(re.body.DocStatus.id).toBe('IP');
    expect(re.body.Processed).toBe(false);
    const edit = await rest('PUT', `/models/c_order/${id}`, {
      token,
      body: { Description: 'edited after RE', 'doc-action': 'CO' },
    });
    expect(edit.status, edit.text).toBe(200);
    expect(edit.body.DocStatus.id).toBe('CO');
    expect(edit.body.Description).toBe('edited after RE');

    const vo = await rest('PUT', `/models/c_order/${id}`, { token, body: { 'doc-action': 'VO' } });
    expect(vo.status, vo.text).toBe(200);
    expect(vo.body.DocStatus.id).toBe('VO');
    expect(vo.body.GrandTotal).toBe(0);
    const again = await rest('PUT', `/models/c_order/${id}`, { token, body: { 'doc-action': 'CO' } });
    expect(again.status).toBe(500);

    const other = await rest('POST', '/models/c_order', {
      token,
      body: { ...orderBody('PO-CLOSE'), 'doc-action': 'CO' },
    });
    const cl = await rest('PUT', `/models/c_order/${other.body.id}`, { token, body: { 'doc-action': 'CL' } });
    expect(cl.status, cl.text).toBe(200);
    expect(cl.body.DocStatus.id).toBe('CL');
  });
});

describe('batch', () => {
  it('transaction=true: the first failure rolls back everything and answers 400', async () => {
    const r = await rest('POST', '/batch?transaction=true', {
      token,
      body: [
        { method: 'POST', path: 'v1/models/C_Order', body: orderBody('PO-BATCH-T1') },
        { method: 'POST', path: 'v1/models/C_Order', body: { ...orderBody('PO-BATCH-T2'), Bogus: 1 } },
        { method: 'POST', path: 'v1/models/C_Order', body: orderBody('PO-BATCH-T3') },
      ],
    });
    expect(r.status).toBe(400);
    expect(r.body).toHaveLength(2);
    expect(r.body[0]).toMatchObject({ status: 'Created', statusCode: 201 });
    expect(r.body[1].statusCode).toBe(400);
    expect(await countOrders('PO-BATCH-T1')).toBe(0);
    expect(await countOrders('PO-BATCH-T3')).toBe(0);
    const ok = await rest('POST', '/batch', {
      token,
      body: [
        { method: 'POST', path: 'v1/models/C_Order', body: orderBody('PO-BATCH-OK') },
        { method: 'GET', path: 'v1/models/C_Order' },
      ],
    });
    expect(ok.status).toBe(400); // GET is not a batch method
    expect(ok.body[1].body).toBe('Unsupported Method: GET');
    expect(await countOrders('PO-BATCH-OK')).toBe(0);
  });

  it('transaction=false: each item stands alone', async () => {
    const r = await rest('POST', '/batch?transaction=false', {
      token,
      body: [
        { method: 'POST', path: 'v1/models/C_Order', body: orderBody('PO-BATCH-F1') },
        { method: 'POST', path: 'v1/models/C_Order', body: { ...orderBody('PO-BATCH-F2'), Bogus: 1 } },
        { method: 'POST', path: '/v1/models/c_order', body: orderBody('PO-BATCH-F3') },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.map((x: any) => x.statusCode)).toEqual([201, 400, 201]);
    expect(await countOrders('PO-BATCH-F1')).toBe(1);
    expect(await countOrders('PO-BATCH-F2')).toBe(0);
    expect(await countOrders('PO-BATCH-F3')).toBe(1);
  });
});

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

describe('shipments (M_InOut) and control routes', () => {
  it('ships a completed order via the control route; M_InOut is readable and its TrackingNo writable', async () => {
    const before = new Date(Date.now() - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const o = await rest('POST', '/models/c_order', { token, body: { ...orderBody('PO-SHIP-1'), 'doc-action': 'CO' } });
    expect(o.status).toBe(201);
    const draft = await rest('POST', '/models/c_order', { token, body: orderBody('PO-SHIP-DRAFT') });

    const refused = await ctrl('POST', '/ship', { orderId: draft.body.id, shipper: '黑貓宅急便', trackingNo: 'X1' });
    expect(refused.status).toBe(400);
    const unknownShipper = await ctrl('POST', '/ship', {
      poReference: 'PO-SHIP-1',
      shipper: 'Nobody Express',
      trackingNo: 'X1',
    });
    expect(unknownShipper.status).toBe(400);

    const s = await ctrl('POST', '/ship', {
      poReference: 'PO-SHIP-1',
      shipper: '黑貓宅急便',
      trackingNo: '9001-2345-6789',
    });
    expect(s.status, s.text).toBe(201);
    expect(s.body.DocStatus.id).toBe('CO');
    expect(s.body.C_DocType_ID.id).toBe(120);
    expect(s.body.M_InOutLine).toHaveLength(2); // the product lines

    const f = `C_Order_ID eq ${o.body.id} and DocStatus eq 'CO' and Updated ge '${before}'`;
    const list = await rest('GET', `/models/m_inout?$filter=${enc(f)}&$orderby=Updated`, { token });
    expect(list.status, list.text).toBe(200);
    expect(list.body.records).toHaveLength(1);
    const m = list.body.records[0];
    expect(m.C_Order_ID).toMatchObject({ id: o.body.id, 'model-name': 'c_order' });
    expect(m.M_Shipper_ID).toMatchObject({ id: 200000, identifier: '黑貓宅急便', 'model-name': 'm_shipper' });
    expect(m.TrackingNo).toBe('9001-2345-6789');
    expect(m.MovementDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(m.DocumentNo).toBeTruthy();
    const later = await rest(
      'GET',
      `/models/m_inout?$filter=${enc(`Updated gt '${new Date(Date.now() + 60_000).toISOString()}'`)}`,
      { token },
    );
    expect(later.body['row-count']).toBe(0);

    const put = await rest('PUT', `/models/m_inout/${m.id}`, { token, body: { TrackingNo: 'TW-NEW-123' } });
    expect(put.status, put.text).toBe(200);
    expect(put.body.TrackingNo).toBe('TW-NEW-123');
    const putOther = await rest('PUT', `/models/m_inout/${m.id}`, { token, body: { Description: 'nope' } });
    expect(putOther.status).toBe(400);

    const orders = (await ctrl('GET', '/orders')).body as any[];
    const mine = orders.find((x) => x.poReference === 'PO-SHIP-1');
    expect(mine.docStatus).toBe('CO');
    expect(mine.lines[0]).toMatchObject({ productValue: CATALOG[0]!.value, qtyOrdered: 2, qtyDelivered: 2 });
    expect(mine.lines[2]).toMatchObject({ chargeId: 200000, chargeName: 'Freight' });
    expect(mine.shipments[0]).toMatchObject({ shipper: '黑貓宅急便', trackingNo: 'TW-NEW-123', docStatus: 'CO' });
    // nothing left to ship
    expect((await ctrl('POST', '/ship', { orderId: o.body.id, shipper: 100, trackingNo: 'again' })).status).toBe(400);
    // a shipped order cannot be voided or reactivated
    expect((await rest('PUT', `/models/c_order/${o.body.id}`, { token, body: { 'doc-action': 'RE' } })).status).toBe(
      500,
    );
  });

  it('ships part of an order (products by Value, quantities), then the rest as a second M_InOut', async () => {
    const o = await rest('POST', '/models/c_order', {
      token,
      body: { ...orderBody('PO-SHIP-PART'), 'doc-action': 'CO' },
    });
    expect(o.status, o.text).toBe(201);
    const products = ((await ctrl('GET', '/orders')).body as any[])
      .find((x) => x.poReference === 'PO-SHIP-PART')
      .lines.filter((l: any) => l.productValue);
    const [first, second] = products;
    // Part of the first product only.
    const part = await ctrl('POST', '/ship', {
      orderId: o.body.id,
      shipper: '新竹物流',
      trackingNo: 'P-1',
      lines: [{ product: first.productValue, qty: 1 }],
    });
    expect(part.status, part.text).toBe(201);
    expect(part.body.M_InOutLine.map((l: any) => [l.M_Product_ID.id, l.MovementQty])).toEqual([[first.productId, 1]]);
    // More than is left, or a product not on the order: refused.
    expect(
      (
        await ctrl('POST', '/ship', {
          orderId: o.body.id,
          shipper: '新竹物流',
          trackingNo: 'P-X',
          lines: [{ product: first.productValue, qty: 99 }],
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await ctrl('POST', '/ship', {
          orderId: o.body.id,
          shipper: '新竹物流',
          trackingNo: 'P-X',
          lines: [{ product: 'NO-SUCH-SKU' }],
        })
      ).status,
    ).toBe(400);
    // The rest: everything left of both products.
    const rest2 = await ctrl('POST', '/ship', { orderId: o.body.id, shipper: '黑貓宅急便', trackingNo: 'P-2' });
    expect(rest2.status, rest2.text).toBe(201);
    expect(rest2.body.M_InOutLine.map((l: any) => [l.M_Product_ID.id, l.MovementQty])).toEqual([
      [first.productId, first.qtyOrdered - 1],
      [second.productId, second.qtyOrdered],
    ]);
    const mine = ((await ctrl('GET', '/orders')).body as any[]).find((x) => x.poReference === 'PO-SHIP-PART');
    expect(mine.shipments.map((x: any) => x.trackingNo)).toEqual(['P-1', 'P-2']);
    expect(mine.lines.filter((l: any) => l.productValue).every((l: any) => l.qtyDelivered === l.qtyOrdered)).toBe(true);
    // Its lines are readable for the OMS (M_InOutLine by M_InOut_ID).
    const lines = await rest(
      'GET',
      `/models/m_inoutline?$filter=${enc(`M_InOut_ID in (${part.body.id},${rest2.body.id})`)}&$select=M_InOut_ID,M_Product_ID,MovementQty`,
      { token },
    );
    expect(lines.status, lines.text).toBe(200);
    expect(lines.body.records).toHaveLength(3);
  });

  it('credentials and summary for the state endpoint', async () => {
    expect(sandbox.credentials()).toEqual({
      userName: 'GardenAdmin',
      password: 'GardenAdmin',
      clientId: 11,
      roleId: 102,
      organizationId: 11,
      warehouseId: 103,
      language: 'en_US',
    });
    const s = (await ctrl('GET', '/summary')).body;
    expect(Object.keys(s).sort()).toEqual(['orders', 'ordersByStatus', 'overlappingWrites', 'requests', 'writes']);
    expect(s.requests).toBeGreaterThan(0);
    await ctrl('POST', '/reset');
    expect(sandbox.summary()).toEqual({ orders: 0, ordersByStatus: {}, writes: 0, requests: 0, overlappingWrites: 0 });
  });
});
