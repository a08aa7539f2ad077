import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxOpenid } from '../wechat/sandbox/app.js';
import { parseTradeBill, yuanToFen } from './bill.js';
import { WechatPayError } from './errors.js';
import { startPaymentRig, testClock, type PaymentRig } from './test-support.js';

describe('yuanToFen', () => {
  it.each([
    ['0.01', 1],
    ['12.5', 1250],
    ['12.50', 1250],
    ['100', 10000],
    ['19.99', 1999],
    ['-0.30', -30],
  ])('%s yuan is %i fen', (yuan, fen) => {
    expect(yuanToFen(yuan)).toBe(fen);
  });

  it.each(['', '1.234', '1,00', 'abc'])('%j is not an amount', (value) => {
    expect(yuanToFen(value)).toBeNull();
  });
});

describe('parseTradeBill', () => {
  const header =
    '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
  const payment = '`2026-02-28 23:59:59,`wxsandbox,`1230000109,`0,`,`4200002026022800000000000001,`CL001,`oAbc,`JSAPI,`SUCCESS,`OTHERS,`CNY,`19.99,`0.00,`0,`0,`0.00,`0.00,`,`,`挂号费,`,`0.11994,`0.60%,`19.99,`0.00,`';
  const refund = '`2026-02-28 10:00:00,`wxsandbox,`1230000109,`0,`,`4200002026022700000000000009,`CL000,`oAbc,`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`50300000000000000000000000000001,`RF000,`5.00,`0.00,`ORIGINAL,`SUCCESS,`挂号费,`,`-0.03000,`0.60%,`0.00,`5.00,`';
  const summary = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\n`2,`19.99,`5.00,`0.00,`0.08994,`19.99,`5.00';

  it('reads payments and refunds in fen with Shanghai times', () => {
    expect(parseTradeBill(`\uFEFF${header}\r\n${payment}\r\n${refund}\r\n${summary}\r\n`)).toEqual([
      { tradeTime: '2026-02-28T23:59:59+08:00', outTradeNo: 'CL001', transactionId: '4200002026022800000000000001', tradeState: 'SUCCESS', amount: 1999 },
      {
        tradeTime: '2026-02-28T10:00:00+08:00',
        outTradeNo: 'CL000',
        transactionId: '4200002026022700000000000009',
        tradeState: 'REFUND',
        amount: 0,
        outRefundNo: 'RF000',
        refundAmount: 500,
      },
    ]);
  });

  it('refuses a truncated bill (summary count differs) and one without its summary', () => {
    expect(() => parseTradeBill(`${header}\n${payment}\n${summary}`)).toThrow('bill summary says 2 trades, read 1');
    expect(() => parseTradeBill(`${header}\n${payment}\n`)).toThrow('bill has no summary');
  });
});

describe('tradeBill against the sandbox', () => {
  let rig: PaymentRig;
  const openid = sandboxOpenid('王五');
  beforeAll(async () => {
    rig = await startPaymentRig({ clock: testClock('2026-03-01T01:00:00Z'), refundDelayMs: 60_000 });
  });
  afterAll(() => rig.stop());

  it('downloads, checks and parses the day’s bill with exact values', async () => {
    const pay = async (outTradeNo: string, amount: number) => {
      await rig.client.createJsapiOrder({ outTradeNo, description: '挂号费,专家号', amount, payerOpenid: openid, timeExpire: '2026-03-02T12:00:00+08:00' });
      return (await rig.sandbox.controls.pay(outTradeNo)).transactionId!;
    };
    const first = await pay('CLBILL000001', 5000); // 09:00:00
    rig.clock.advance(90 * 60_000);
    const second = await pay('CLBILL000002', 1850); // 10:30:00
    rig.clock.advance(30 * 60_000);
    await rig.client.createRefund({ outTradeNo: 'CLBILL000001', outRefundNo: 'RFBILL000001', refund: 2000, total: 5000 });
    await rig.sandbox.controls.completeRefunds(); // 11:00:00
    rig.clock.set('2026-03-01T16:30:00Z'); // 00:30 the next day in Shanghai: paid then, on the next bill
    await pay('CLBILL000003', 300);

    const lines = await rig.client.tradeBill('2026-03-01');
    expect(lines).toEqual([
      { tradeTime: '2026-03-01T09:00:00+08:00', outTradeNo: 'CLBILL000001', transactionId: first, tradeState: 'SUCCESS', amount: 5000 },
      { tradeTime: '2026-03-01T10:30:00+08:00', outTradeNo: 'CLBILL000002', transactionId: second, tradeState: 'SUCCESS', amount: 1850 },
      { tradeTime: '2026-03-01T11:00:00+08:00', outTradeNo: 'CLBILL000001', transactionId: first, tradeState: 'REFUND', amount: 0, outRefundNo: 'RFBILL000001', refundAmount: 2000 },
    ]);
    expect((await rig.client.tradeBill('2026-03-02')).map((line) => [line.outTradeNo, line.amount])).toEqual([['CLBILL000003', 300]]);
  });

  it('answers an empty bill for a day without trades, and refuses a date in the future', async () => {
    expect(await rig.client.tradeBill('2026-02-27')).toEqual([]);
    const error = await rig.client.tradeBill('2026-03-09').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatPayError);
    expect((error as WechatPayError).code).toBe('invalid_request');
  });

  it('refuses a download whose content does not match the announced SHA1', async () => {
    const client = rig.clientWith({
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (!String(input).includes('/v3/billdownload/')) return response;
        const text = (await response.text()).replace('`50.00', '`5.00');
        return new Response(text, { status: response.status, headers: response.headers });
      },
    });
    const error = (await client.tradeBill('2026-03-01').catch((e: unknown) => e)) as WechatPayError;
    expect([error.code, error.message]).toEqual(['bad_response', 'tradeBill: the downloaded bill does not match its SHA1']);
  });
});
