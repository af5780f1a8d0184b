// Conformance of /models writes: nested POST, foreign-key forms, column names, atomicity, no callouts, nested
// partners, POReference truncation, PUT and DELETE (docs/idempiere.md, "Writing models and documents").
import { describe, expect, it } from 'vitest';
import { countOrders, enc, orderBody, rest, token, useIdempiereSandbox } from '../test/idempiere';
import { CATALOG } from '../world/catalog';

useIdempiereSandbox();

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
    // LookupTypeConverter#fromJsonValue found nothing: the outer catch of ModelResourceImpl#create answers 500
    expect(missing.status).toBe(500);
    expect(missing.body).toEqual({
      title: 'Server error',
      status: 500,
      detail: 'Could not convert value {"identifier":"Nobody At All"} for C_BPartner',
    });
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
    // ModelResourceImpl#createChild catches a child's refusal, even a 400 one: 500 "Save error with exception: …"
    expect(childCol.status).toBe(500);
    expect(childCol.body).toMatchObject({
      title: 'Save error',
      detail: 'Save error with exception: Column Qty does not exist',
    });
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
    // MOrderLine.beforeSave: Msg ProductNotOnPriceList, wrapped by ModelResourceImpl#createChild
    expect(r.body.detail).toBe(
      'Save error with exception: Product is not on PriceList - NOT-ON-PL - Not on any price list',
    );
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
