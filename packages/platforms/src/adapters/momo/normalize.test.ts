// Normalization of momo payloads shaped like the documented ones (docs/platforms.md#momo), table-driven.
import { describe, expect, it } from 'vitest';
import { computedTotal, InvalidOrderError } from '@oms/core';
import { MomoAdapter } from './index';

const momoRow = (seq: string, sku: string, qty: string, price: string) => ({
  completeOrderNo: `20260115000123-${seq}-001-001`,
  remark5VStr: '',
  orderGbStr: '一般',
  msg: '',
  lastPricDate: '2026/01/17 12:00:00',
  delyHopeDate: '',
  receiver: '林*明',
  receiverTel: '',
  receiverMobile: '0933***555',
  postNo: '100',
  receiverAddr: '台北市中正區重慶南路一段122號',
  newReceiverAddr: '',
  entpGoodsNo: sku,
  goodsCode: '7000001',
  goodsName: '保溫瓶',
  goodsDtCode: '001',
  goodsDtInfo: '無',
  syslast: qty,
  buyPrice: '300',
  salePrice: price,
  custName: '林*明',
  invoiceNo: '',
  custId: '80000001',
  transferDate: '2026/01/15 12:00:00',
});
const momo = {
  orderNo: '20260115000123',
  rows: [momoRow('001', 'BOTTLE-BLK', '2', '399'), momoRow('002', 'COASTER', '1', '99')],
};

describe('momo normalize', () => {
  const a = new MomoAdapter();
  it('one row per line, string money, Taipei transfer time, masked names kept', () => {
    const o = a.normalize(momo);
    expect(o).toMatchObject({
      externalId: '20260115000123',
      status: 'paid',
      platformStatus: 'unsend',
      createdAt: '2026-01-15T04:00:00.000Z',
      total: '897.00',
      shippingFee: '0.00',
      cod: false,
      recipient: { name: '林*明', phone: '0933***555', postalCode: '100' },
    });
    expect(o.lines.map((l) => [l.lineId, l.sku, l.quantity, l.unitPrice])).toEqual([
      ['20260115000123-001-001-001', 'BOTTLE-BLK', 2, '399.00'],
      ['20260115000123-002-001-001', 'COASTER', 1, '99.00'],
    ]);
    expect(computedTotal(o)).toBe(o.total);
  });
  it.each([
    [[momoRow('001', 'X', '一', '399')], 'rows[0].syslast'],
    [[momoRow('001', 'X', '1', '399元')], 'rows[0].salePrice: not an amount: "399元"'],
    [[], 'rows'],
  ])('invalid rows %#', (rows, message) => {
    expect(() => a.normalize({ ...momo, rows })).toThrow(message);
  });
  it('an empty entpGoodsNo is a line without SKU (blocked later by the ERP mapping, not here)', () => {
    expect(a.normalize({ ...momo, rows: [momoRow('001', '', '1', '10')] }).lines[0]!.sku).toBeNull();
  });
});

// ---- momo later stages: sendingCompanyQuery rows (snake_case, no price), stopSendingQuery, recoverCompanyQuery
const sendingRow = (seq: string, remark: string) => ({
  itemNo: '1',
  slip_i_no: `20260115000123-${seq}-001-001`,
  slip_no: '6600112233',
  completeOrderNo: `20260115000123-${seq}-001-001`,
  remark5_vStr: remark,
  msg_note: '',
  scm_dely_date: '',
  dely_hope_date: '',
  order_gb_str: '一般',
  goods_code: '7000001',
  entp_goods_no: 'BOTTLE-BLK',
  goods_name: '保溫瓶',
  goodsdt_code: '001',
  goodsdt_info: '無',
  syslast: '2',
  cust_name_mask: '林*明',
  receiver_mask: '林*明',
});
const stopRow = (seq: string) => ({
  itemNo: '1',
  allowExecuteYN: 'Y',
  completeOrderNo: `20260115000123-${seq}-001-001`,
  notAllowReason: '',
  returnReason: '',
  receiver: '林*明',
  entpGoodsNo: 'BOTTLE-BLK',
  goodsCode: '7000001',
  goodsName: '保溫瓶',
  goodsDtCode: '001',
  goodsDtInfo: '無',
  syslast: '2',
  msgNote: '',
  packYnStr: '否',
});

describe('momo stages', () => {
  const a = new MomoAdapter();
  const unsendRaw = { orderNo: '20260115000123', stage: 'unsend', rows: momo.rows };
  it.each([
    ['sending', [sendingRow('001', '已配送'), sendingRow('002', '已配送')], 'shipped', 'sending/已配送'],
    ['sending', [sendingRow('001', '已送達')], 'delivered', 'sending/已送達'],
    ['stop', [stopRow('001'), stopRow('002')], 'cancelled', 'stop'],
    [
      'recover',
      [{ ...momoRow('001', 'BOTTLE-BLK', '2', '399'), salePrice: undefined, remark5VStr: '' }],
      'returned',
      'recover',
    ],
  ])('a %s order seen unsent before keeps its prices and lines: %s', (stage, rows, status, platformStatus) => {
    const merged = a.mergeRaw(unsendRaw, { orderNo: '20260115000123', stage, rows });
    const o = a.normalize(merged);
    expect(o).toMatchObject({ status, platformStatus, total: '897.00' });
    expect(o.lines).toHaveLength(2);
    // Merging again changes nothing: an unchanged order stays unchanged.
    expect(a.mergeRaw(merged, { orderNo: '20260115000123', stage, rows })).toEqual(merged);
  });
  it('an order first seen after it left the unsend list has no prices: blocked, saying why', () => {
    expect(() =>
      a.normalize({ orderNo: '20260115000123', stage: 'sending', rows: [sendingRow('001', '已配送')] }),
    ).toThrow(/rows\[0\]\.salePrice: is missing: momo gives prices only while an order is unsent/);
  });
  it.each([
    ['sending', [sendingRow('001', '已配送')], 'shipped'],
    ['stop', [stopRow('001')], 'cancelled'],
    ['recover', [{ ...momoRow('001', 'BOTTLE-BLK', '2', '399'), salePrice: undefined, remark5VStr: '' }], 'returned'],
  ])('the error of an unpriced %s order still tells its status (%s)', (stage, rows, status) => {
    let err: unknown;
    try {
      a.normalize({ orderNo: '20260115000123', stage, rows });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidOrderError);
    expect((err as InvalidOrderError).status).toBe(status);
  });
  it('an unsend listing with fewer rows (one row shipped) keeps the rows seen before', () => {
    const merged = a.mergeRaw(unsendRaw, { orderNo: '20260115000123', stage: 'unsend', rows: [momo.rows[1]] });
    expect(a.normalize(merged).lines).toHaveLength(2);
    expect(a.mergeRaw(unsendRaw, unsendRaw)).toEqual(unsendRaw);
  });
  it('a raw stored before stages existed reads as unsend', () => {
    expect(a.normalize(momo).status).toBe('paid');
    expect(() => a.normalize({ ...momo, stage: 'lost' })).toThrow(/stage/);
  });
});
