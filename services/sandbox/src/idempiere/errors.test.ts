// Conformance of the error replies of /models and /batch, in both login languages the stand-in knows: the status,
// title and detail each plugin or core class gives (docs/idempiere.md, "Error classes"). Titles hard-coded in
// ModelResourceImpl ("Save error", "Server error") stay English; Msg texts follow the login's AD_Language.
import { beforeAll, describe, expect, it } from 'vitest';
import { countOrders, orderBody, rest, sandbox, token, useIdempiereSandbox } from '../test/idempiere';

useIdempiereSandbox();

let zhToken: string;

beforeAll(async () => {
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
        language: 'zh_TW',
      },
    },
  });
  expect(r.status, r.text).toBe(200);
  expect(r.body.language).toBe('zh_TW');
  zhToken = r.body.token;
});

const langs = () =>
  [
    ['en_US', token, 'Failed when processing document', 'No Document Lines found', 'Product is not on PriceList'],
    ['zh_TW', zhToken, '處理文件時失敗', '找不到文件明細', '產品不在價格表中'],
  ] as const;

async function productNotOnPriceList(value: string): Promise<number> {
  const r = await rest('POST', '/models/m_product', {
    token,
    body: { Value: value, Name: 'Padlock', C_UOM_ID: 100, M_Product_Category_ID: 105, C_TaxCategory_ID: 107 },
  });
  expect(r.status, r.text).toBe(201);
  return r.body.id;
}

describe('error replies', () => {
  it('ModelResourceImpl#runDocAction: a failed doc-action is 500 FailedProcessingDocument in the login language', async () => {
    for (const [lang, t, title, noLines] of langs()) {
      const ref = `ERR-NOLINES-${lang}`;
      const r = await rest('POST', '/models/c_order', {
        token: t,
        body: { ...orderBody(ref), C_OrderLine: undefined, 'doc-action': 'CO' },
      });
      expect(r.status).toBe(500);
      expect(r.body).toEqual({ title, status: 500, detail: noLines });
      expect(await countOrders(ref)).toBe(0);
    }
  });

  it('ModelResourceImpl#createChild + MOrderLine.beforeSave: a refused line is 500 "Save error with exception: …"', async () => {
    const productId = await productNotOnPriceList('PADLOCK-01');
    for (const [lang, t, , , notOnPl] of langs()) {
      const ref = `ERR-NOTONPL-${lang}`;
      const body = orderBody(ref);
      body.C_OrderLine.push({ M_Product_ID: productId, QtyEntered: 1, QtyOrdered: 1, PriceEntered: 1, PriceActual: 1 });
      const r = await rest('POST', '/models/c_order', { token: t, body: { ...body, 'doc-action': 'CO' } });
      expect(r.status).toBe(500);
      expect(r.body).toEqual({
        title: 'Save error',
        status: 500,
        detail: `Save error with exception: ${notOnPl} - PADLOCK-01 - Padlock`,
      });
      expect(await countOrders(ref)).toBe(0);
    }
  });

  it('ModelResourceImpl#create outer catch + LookupTypeConverter: a header lookup miss is 500 "Server error"', async () => {
    for (const [lang, t] of langs()) {
      const ref = `ERR-LOOKUP-${lang}`;
      const r = await rest('POST', '/models/c_order', {
        token: t,
        body: { ...orderBody(ref), C_BPartner_ID: { lookupColumn: 'Value', lookupValue: 'OMS-NOBODY' } },
      });
      expect(r.status).toBe(500);
      expect(r.body).toEqual({
        title: 'Server error',
        status: 500,
        detail: 'Could not convert value {"lookupColumn":"Value","lookupValue":"OMS-NOBODY"} for C_BPartner',
      });
      expect(await countOrders(ref)).toBe(0);
    }
  });

  it('ModelResourceImpl#create: a foreign id that does not exist is 400 Msg ValidationError', async () => {
    const en = await rest('POST', '/models/c_order', {
      token,
      body: { ...orderBody('ERR-FK'), C_BPartner_ID: 424242 },
    });
    expect(en.body).toEqual({
      title: 'Validation Error',
      status: 400,
      detail: 'Foreign ID 424242 not found in C_BPartner_ID',
    });
    const zh = await rest('POST', '/models/c_order', {
      token: zhToken,
      body: { ...orderBody('ERR-FK'), C_BPartner_ID: 424242 },
    });
    expect([zh.status, zh.body.title]).toEqual([400, '驗證錯誤']);
  });

  it('BatchRequestResourseImpl#processBatch: transaction=true stops at the failing item, HTTP 400 with its body', async () => {
    for (const [lang, t, title, noLines] of langs()) {
      const ref = `ERR-BATCH-${lang}`;
      const r = await rest('POST', '/batch?transaction=true', {
        token: t,
        body: [
          { method: 'POST', path: 'v1/models/C_Order', body: orderBody(`${ref}-A`) },
          {
            method: 'POST',
            path: 'v1/models/C_Order',
            body: { ...orderBody(`${ref}-B`), C_OrderLine: undefined, 'doc-action': 'CO' },
          },
          { method: 'POST', path: 'v1/models/C_Order', body: orderBody(`${ref}-C`) },
        ],
      });
      expect(r.status).toBe(400);
      expect(r.body).toHaveLength(2);
      expect(r.body[1]).toEqual({
        status: 'Internal Server Error',
        statusCode: 500,
        body: { title, status: 500, detail: noLines },
      });
      expect(await countOrders(`${ref}-A`)).toBe(0);
    }
  });

  it('BatchRequestResourseImpl#processBatch: transaction=false gives each item its own error, HTTP 200', async () => {
    const r = await rest('POST', '/batch?transaction=false', {
      token: zhToken,
      body: [
        { method: 'POST', path: 'v1/models/C_Order', body: orderBody('ERR-NOTRX-A') },
        {
          method: 'POST',
          path: 'v1/models/C_Order',
          body: { ...orderBody('ERR-NOTRX-B'), C_OrderLine: undefined, 'doc-action': 'CO' },
        },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.map((x: { statusCode: number }) => x.statusCode)).toEqual([201, 500]);
    expect(r.body[1].body).toEqual({ title: '處理文件時失敗', status: 500, detail: '找不到文件明細' });
    expect(await countOrders('ERR-NOTRX-A')).toBe(1);
  });
});
