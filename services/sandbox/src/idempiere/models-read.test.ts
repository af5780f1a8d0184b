// Conformance of /models reads: serialization, 404s, the seed, $filter, $select, $orderby, paging
// (docs/idempiere.md, "Reading models").
import { describe, expect, it } from 'vitest';
import { enc, rest, token, useIdempiereSandbox } from '../test/idempiere';
import { CATALOG } from '../world/catalog';

useIdempiereSandbox();

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
    // ConvertedQuery#extractFromStringValue strips the outer quotes only: '' stays two quotes, so a value with a
    // quote is only found by a quote-free prefix (the OMS matches exactly on its side)
    const bp = await rest('POST', '/models/c_bpartner', { token, body: { Name: "O'Brien Trading", IsCustomer: true } });
    expect(bp.status).toBe(201);
    expect(ids(await q('c_bpartner', "Name eq 'O''Brien Trading'"))).toEqual([]);
    expect(ids(await q('c_bpartner', "startswith(Name,'O')"))).toContain(bp.body.id);
  });

  it('DefaultQueryConverter: `in` split on every comma, parentheses counted inside quotes', async () => {
    const f = (filter: string) => rest('GET', `/models/m_product?$filter=${enc(filter)}`, { token });
    // values.split(","): 'A and B' fragments are not quoted → ConvertedQuery#addParameter 400
    const comma = await f("Value in ('A,B','MULCH')");
    expect(comma.status).toBe(400);
    expect(comma.body.detail).toContain('String values must be put between single quotes');
    // an unbalanced ( inside a literal keeps the depth above 0: the rest of the filter is one token
    const paren = await f("Value eq 'A(' and IsActive eq true");
    expect(paren.status).toBe(400);
  });

  it('core Query adds no ORDER BY without $orderby: rows come in no key order', async () => {
    const res = await rest('GET', `/models/m_product?$select=Value`, { token });
    const got = (res.body.records as { id: number }[]).map((r) => r.id);
    expect(got.length).toBeGreaterThan(5);
    expect(got).not.toEqual([...got].sort((a, b) => a - b));
    expect(got).not.toEqual([...got].sort((a, b) => b - a));
    const ordered = await rest('GET', `/models/m_product?$select=Value&$orderby=M_Product_ID`, { token });
    const sorted = (ordered.body.records as { id: number }[]).map((r) => r.id);
    expect(sorted).toEqual([...sorted].sort((a, b) => a - b));
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
