// momo SCM conformance (docs/platforms.md, "momo") with plain HTTP and our own AES/ECB decryption.
import { createDecipheriv } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../index.ts';
import { control, json, sandbox, truthOrders } from '../../test/helpers.ts';

let s: Sandbox;
let login: { entpID: string; entpCode: string; entpPwd: string; otpBackNo: string };
const post = (body: unknown) => json(`${s.urls.momo}/OrderServlet.do`, { json: body });
const decrypt = (b64: string, pwd: string) => {
  const d = createDecipheriv('aes-128-ecb', Buffer.from(pwd.padEnd(16, '0')), null);
  return JSON.parse(Buffer.concat([d.update(Buffer.from(b64, 'base64')), d.final()]).toString('utf8'));
};
const taipei = (ms: number) => {
  const d = new Date(ms + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}`,
    hh: p(d.getUTCHours()),
    mm: p(d.getUTCMinutes()),
  };
};
const unsendInfo = (from: number, to: number, extra: Record<string, string> = {}) => {
  const f = taipei(from);
  const t = taipei(to);
  return {
    company_fr_dd: f.date,
    company_fr_hh: f.hh,
    company_fr_mm: f.mm,
    company_to_dd: t.date,
    company_to_hh: t.hh,
    company_to_mm: t.mm,
    company_receiver: '',
    company_goodsCode: '',
    company_orderNo: '',
    company_entpGoodsNo: '',
    company_orderGb: '',
    ...extra,
  };
};

beforeAll(async () => {
  s = await sandbox({ seed: 5, stores: { shopee: 0, cyberbiz: 0, shopline: 0, momo: 2 }, ordersPerStore: 150 });
  login = (await control(s, '/_sandbox/credentials')).body.momo.stores[0].loginInfo;
});
afterAll(() => s?.close());

describe('momo SCM', () => {
  it('checks loginInfo on every call', async () => {
    const info = unsendInfo(Date.now() - 86400_000, Date.now());
    expect(
      (await post({ doAction: 'unsendCompanyQuery', loginInfo: { ...login, entpCode: '999999' }, sendInfo: info }))
        .body,
    ).toEqual({ basicCheckMsgList: ['查無此供應商'] });
    expect(
      (await post({ doAction: 'unsendCompanyQuery', loginInfo: { ...login, entpPwd: 'wrong-pass' }, sendInfo: info }))
        .body.basicCheckMsgList,
    ).toHaveLength(1);
    expect(
      (
        await post({
          doAction: 'unsendCompanyQuery',
          loginInfo: { ...login, otpBackNo: '000' === login.otpBackNo ? '001' : '000' },
          sendInfo: info,
        })
      ).body.basicCheckMsgList,
    ).toHaveLength(1);
    expect((await post({ doAction: 'unsendCompanyQuery', sendInfo: info })).body.basicCheckMsgList).toHaveLength(1);
  });

  it('unsendCompanyQuery: encrypted dataList, every unshipped row of the window, no paging', async () => {
    const to = Date.now();
    const from = to - 40 * 86400_000;
    const r = await post({ doAction: 'unsendCompanyQuery', loginInfo: login, sendInfo: unsendInfo(from, to) });
    expect(typeof r.body.dataList).toBe('string');
    const rows = decrypt(r.body.dataList, login.entpPwd);
    const truth = (await truthOrders(s, 'momo', login.entpCode)).filter(
      (o) => o.status === 'paid' || o.status === 'ready_to_ship',
    );
    expect(rows.length).toBe(truth.reduce((n, o) => n + o.lines.length, 0));
    const row = rows[0];
    expect(row.completeOrderNo).toMatch(/^\d{14}-\d{3}-\d{3}-\d{3}$/);
    for (const k of ['receiver', 'receiverAddr', 'entpGoodsNo', 'goodsName', 'syslast', 'buyPrice', 'salePrice'])
      expect(typeof row[k]).toBe('string');
    // The order total is the sum of its rows (strings, TWD).
    const t = truth.find((o) => o.externalId === row.completeOrderNo.split('-')[0])!;
    const sum = rows
      .filter((x: any) => x.completeOrderNo.startsWith(t.externalId))
      .reduce((n: number, x: any) => n + Number(x.salePrice) * Number(x.syslast), 0);
    expect(sum).toBe(t.total);
  });

  it('refuses a window over two months, reversed windows, missing keys, bad dates', async () => {
    const to = Date.now();
    const wide = await post({
      doAction: 'unsendCompanyQuery',
      loginInfo: login,
      sendInfo: unsendInfo(to - 63 * 86400_000, to),
    });
    expect(wide.body.basicCheckMsgList[0]).toMatch(/兩個月/);
    expect(
      (await post({ doAction: 'unsendCompanyQuery', loginInfo: login, sendInfo: unsendInfo(to, to - 3600_000) })).body
        .basicCheckMsgList,
    ).toHaveLength(1);
    const { company_orderGb: _omit, ...missing } = unsendInfo(to - 86400_000, to);
    expect(
      (await post({ doAction: 'unsendCompanyQuery', loginInfo: login, sendInfo: missing })).body.basicCheckMsgList[0],
    ).toMatch(/company_orderGb/);
    expect(
      (
        await post({
          doAction: 'unsendCompanyQuery',
          loginInfo: login,
          sendInfo: { ...unsendInfo(to - 86400_000, to), company_fr_dd: '2024-01-01' },
        })
      ).body.basicCheckMsgList,
    ).toHaveLength(1);
  });

  it('unsendCompanyConfirm: per-row results, one bad row does not fail the others; then sendingCompanyQuery in snake_case', async () => {
    const to = Date.now();
    const from = to - 40 * 86400_000;
    const rows = decrypt(
      (await post({ doAction: 'unsendCompanyQuery', loginInfo: login, sendInfo: unsendInfo(from, to) })).body.dataList,
      login.entpPwd,
    );
    const orderNo = rows[0].completeOrderNo.split('-')[0];
    const mine = rows.filter((r: any) => r.completeOrderNo.startsWith(orderNo));
    const list = [
      ...mine.map((r: any) => ({
        completeOrderNo: r.completeOrderNo,
        remark5VStr: '已配送',
        delyGbStr: '新竹貨運',
        slipNo: '6600112233',
        msgNote: '',
        shipTypeStr: '',
        packTypeStr: '',
        packUnit: '',
      })),
      {
        completeOrderNo: '20000101000000-001-001-001',
        remark5VStr: '已配送',
        delyGbStr: '新竹貨運',
        slipNo: '1',
        msgNote: '',
      },
      {
        completeOrderNo: rows.find((r: any) => !r.completeOrderNo.startsWith(orderNo)).completeOrderNo,
        remark5VStr: '已配送',
        delyGbStr: '飛鴿傳書',
        slipNo: '2',
        msgNote: '',
      },
    ];
    const r = await post({ doAction: 'unsendCompanyConfirm', loginInfo: login, sendInfoList: list });
    expect(r.body.resultInfo).toMatchObject({ confirmOkCnt: mine.length, confirmFailCnt: 2 });
    const again = await post({ doAction: 'unsendCompanyConfirm', loginInfo: login, sendInfoList: list.slice(0, 1) });
    expect(again.body.resultInfo).toMatchObject({ confirmOkCnt: 0, confirmFailCnt: 1 });

    const f = taipei(from);
    const t = taipei(to);
    const sending = await post({
      doAction: 'sendingCompanyQuery',
      loginInfo: login,
      sendInfo: {
        fromDate: f.date,
        fromHour: f.hh,
        fromMinute: f.mm,
        toDate: t.date,
        toHour: t.hh,
        toMinute: t.mm,
        status: '2',
      },
    });
    const shipped = sending.body.dataList.filter((x: any) => x.completeOrderNo.startsWith(orderNo));
    expect(shipped).toHaveLength(mine.length);
    expect(shipped[0]).toMatchObject({ slip_no: '6600112233', entp_goods_no: mine[0].entpGoodsNo });
    expect(shipped[0].slip_i_no.split('-')[0]).toBe(orderNo);
    expect(shipped[0].receiver_mask).toContain('*');
    const ships = (await control(s, '/_sandbox/shipments?platform=momo')).body.shipments.filter(
      (x: any) => x.orderExternalId === orderNo,
    );
    expect(ships).toHaveLength(1);
    expect(ships[0]).toMatchObject({ confirmations: 1, carrier: '新竹貨運', trackingNumber: '6600112233' });
    const state = (await control(s, '/_sandbox/state')).body.momo;
    expect(state.shipmentsReceived).toBe(1);
  });

  it('unsendCompanyConfirm: rows of one order shipped apart keep their own slip numbers, one shipment per slip', async () => {
    const to = Date.now();
    const from = to - 40 * 86400_000;
    const rows = decrypt(
      (await post({ doAction: 'unsendCompanyQuery', loginInfo: login, sendInfo: unsendInfo(from, to) })).body.dataList,
      login.entpPwd,
    );
    const counts = new Map<string, number>();
    for (const r of rows)
      counts.set(r.completeOrderNo.split('-')[0], (counts.get(r.completeOrderNo.split('-')[0]) ?? 0) + 1);
    const orderNo = [...counts].find(([, n]) => n >= 2)![0];
    const mine = rows.filter((r: any) => r.completeOrderNo.startsWith(`${orderNo}-`));
    const confirm = (r: any, slip: string) => ({
      completeOrderNo: r.completeOrderNo,
      remark5VStr: '已配送',
      delyGbStr: '新竹貨運',
      slipNo: slip,
      msgNote: '',
    });
    expect(
      (await post({ doAction: 'unsendCompanyConfirm', loginInfo: login, sendInfoList: [confirm(mine[0], 'SLIP-A')] }))
        .body.resultInfo.confirmOkCnt,
    ).toBe(1);
    expect((await truthOrders(s, 'momo', login.entpCode)).find((o) => o.externalId === orderNo)!.status).toBe('paid');
    expect(
      (
        await post({
          doAction: 'unsendCompanyConfirm',
          loginInfo: login,
          sendInfoList: mine.slice(1).map((r: any) => confirm(r, 'SLIP-B')),
        })
      ).body.resultInfo.confirmOkCnt,
    ).toBe(mine.length - 1);
    expect((await truthOrders(s, 'momo', login.entpCode)).find((o) => o.externalId === orderNo)!.status).toBe(
      'shipped',
    );

    const f = taipei(from);
    const t = taipei(to + 60_000);
    const sending = await post({
      doAction: 'sendingCompanyQuery',
      loginInfo: login,
      sendInfo: {
        fromDate: f.date,
        fromHour: f.hh,
        fromMinute: f.mm,
        toDate: t.date,
        toHour: t.hh,
        toMinute: t.mm,
        status: '2',
      },
    });
    const slips = sending.body.dataList
      .filter((x: any) => x.completeOrderNo.startsWith(`${orderNo}-`))
      .map((x: any) => [x.completeOrderNo, x.slip_no]);
    expect(slips).toEqual(mine.map((r: any, i: number) => [r.completeOrderNo, i === 0 ? 'SLIP-A' : 'SLIP-B']));
    const ships = (await control(s, '/_sandbox/shipments?platform=momo')).body.shipments.filter(
      (x: any) => x.orderExternalId === orderNo && x.confirmations > 0,
    );
    expect(ships.map((x: any) => [x.trackingNumber, x.confirmations, x.lineIds])).toEqual([
      ['SLIP-A', 1, [mine[0].completeOrderNo]],
      ['SLIP-B', 1, mine.slice(1).map((r: any) => r.completeOrderNo)],
    ]);
  });

  it('stopSendingQuery lists every intercept without a window; recoverCompanyQuery returns over a window; both encrypted', async () => {
    const to = Date.now();
    const truth = await truthOrders(s, 'momo', login.entpCode);
    const orderNos = (rows: any[]) => [...new Set(rows.map((r: any) => r.completeOrderNo.split('-')[0]))].sort();
    const stop = await post({
      doAction: 'stopSendingQuery',
      loginInfo: login,
      sendInfo: { receiver: '', goodsCode: '', orderNo: '', entp_goods_no: '' },
    });
    const stopRows = decrypt(stop.body.dataList, login.entpPwd);
    expect(orderNos(stopRows)).toEqual(
      truth
        .filter((o) => o.status === 'cancelled')
        .map((o) => o.externalId)
        .sort(),
    );
    expect(stopRows[0]).toMatchObject({ allowExecuteYN: 'Y', goodsDtCode: '001' });
    expect(stopRows[0].receiver).toContain('*');
    expect(
      (await post({ doAction: 'stopSendingQuery', loginInfo: login, sendInfo: { receiver: '' } })).body
        .basicCheckMsgList[0],
    ).toMatch(/orderNo/);

    const {
      company_receiver: _r,
      company_goodsCode: _g,
      company_orderNo: _o,
      company_entpGoodsNo: _e,
      company_orderGb: _b,
      ...window
    } = unsendInfo(to - 40 * 86400_000, to);
    const recover = await post({
      doAction: 'recoverCompanyQuery',
      loginInfo: login,
      sendInfo: { ...window, company_claimGb: '' },
    });
    const recoverRows = decrypt(recover.body.dataList, login.entpPwd);
    expect(orderNos(recoverRows)).toEqual(
      truth
        .filter((o) => o.status === 'returned')
        .map((o) => o.externalId)
        .sort(),
    );
    for (const k of ['lastPricDate', 'receiver', 'entpGoodsNo', 'syslast', 'buyPrice', 'custName'])
      expect(typeof recoverRows[0][k]).toBe('string');
    expect(
      (await post({ doAction: 'recoverCompanyQuery', loginInfo: login, sendInfo: window })).body.basicCheckMsgList[0],
    ).toMatch(/company_claimGb/);
  });

  it('sendingCompanyQuery lists shipped and delivered orders (配送中), with the delivery state in remark5_vStr', async () => {
    const to = Date.now();
    const f = taipei(to - 40 * 86400_000);
    const t = taipei(to);
    const info = {
      fromDate: f.date,
      fromHour: f.hh,
      fromMinute: f.mm,
      toDate: t.date,
      toHour: t.hh,
      toMinute: t.mm,
      receiver: '',
      orderNo: '',
    };
    const rows = (await post({ doAction: 'sendingCompanyQuery', loginInfo: login, sendInfo: { ...info, status: '2' } }))
      .body.dataList;
    const truth = await truthOrders(s, 'momo', login.entpCode);
    const shipped = truth.filter((o) => o.status === 'shipped' || o.status === 'completed');
    expect([...new Set(rows.map((r: any) => r.completeOrderNo.split('-')[0]))].sort()).toEqual(
      shipped.map((o) => o.externalId).sort(),
    );
    const delivered = shipped.find((o) => o.status === 'completed')!;
    expect(rows.find((r: any) => r.completeOrderNo.startsWith(delivered.externalId)).remark5_vStr).toBe('已送達');
    expect(
      (await post({ doAction: 'sendingCompanyQuery', loginInfo: login, sendInfo: { ...info, status: '1' } })).body
        .dataList,
    ).toEqual([]);
  });

  it('unknown doAction and a rate-limit burst', async () => {
    expect((await post({ doAction: 'fly', loginInfo: login })).body.basicCheckMsgList).toHaveLength(1);
    await control(s, '/_sandbox/faults', { system: 'momo', rateLimitBurst: { count: 1 } });
    const limited = await post({ doAction: 'fly', loginInfo: login });
    expect(limited.status).toBe(429);
  });
});
