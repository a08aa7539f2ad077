import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import Koa from 'koa';
import { Router } from '@koa/router';
import type { Logger } from 'pino';
import { shanghaiDate } from '../shanghai-time.js';
import { AUTH_SCHEME, nonce, parseAuthorization, requestMessage, responseMessage, signMessage, unixSeconds, verifyMessage } from '../signing.js';
import { tradeBillText } from './bill-text.js';
import { cashierMessagePage, cashierPage } from './cashier-page.js';
import { SandboxApiError, SandboxLedger, type SandboxOrder, type SandboxRefund } from './ledger.js';
import type { NotifySigner } from './notify-builder.js';
import { Notifier, type NotifyDelivery } from './notifier.js';
import { refundNotifyWire, refundWire, transactionWire } from './wire.js';

/**
 * The WeChat Pay sandbox's HTTP side: the v3 endpoints CareLoop uses with WeChat Pay's request
 * and response shapes, our request signatures verified with the merchant public key, every
 * answer signed with the platform key (the bill download excepted, as at WeChat Pay), plus the
 * cashier page that stands in for the payment sheet, and the controls tests steer it with.
 */

/** What the sandbox app is built from (keys are made by `startWechatPaySandbox`). */
export interface WechatPaySandboxAppOptions {
  appid: string;
  mchid: string;
  merchantName: string;
  merchantSerialNo: string;
  merchantPublicKey: KeyObject;
  apiV3Key: string;
  /** The platform key and the serial its signatures carry (certificate serial or PUB_KEY_ID_…). */
  platform: NotifySigner;
  now: () => Date;
  logger?: Logger;
  notifyRetryDelaysMs: number[];
  /** PROCESSING → SUCCESS after this long. */
  refundDelayMs: number;
}

/** Test controls of a running sandbox. */
export interface WechatPaySandboxControls {
  /** The payer confirms (same as the cashier's 确认支付): SUCCESS, then the notify (first attempt awaited). */
  pay(outTradeNo: string): Promise<SandboxOrder>;
  /** Sends the order's TRANSACTION.SUCCESS notify again `times` times (same event id); HTTP statuses back. */
  deliverNotify(outTradeNo: string, options?: { times?: number; concurrently?: boolean }): Promise<Array<number | undefined>>;
  /** The next `n` API requests fail with `status` (signed `{ code, message }`; code SYSTEM_ERROR for 5xx, FREQUENCY_LIMITED for 429 unless given). */
  failNextRequests(n: number, status: number, code?: string): void;
  /** Every API answer waits this long (after the work is done, as a slow network would). */
  setLatency(ms: number): void;
  /** While on, automatic notifies are not sent at all (as if lost). */
  dropNotifies(drop: boolean): void;
  /** Completes every PROCESSING refund now (instead of waiting for the delay). */
  completeRefunds(): Promise<void>;
  orders(): SandboxOrder[];
  refunds(): SandboxRefund[];
  notifies(): NotifyDelivery[];
  /** API requests the sandbox refused for a bad signature so far. */
  rejectedSignatures(): number;
}

/** The app, its controls, and how to stop its timers. */
export interface WechatPaySandboxApp {
  app: Koa;
  controls: WechatPaySandboxControls;
  /** Stops notify retries and pending refund completions. */
  stop(): void;
}

const OUT_TRADE_NO = /^[0-9A-Za-z_\-*|]{6,32}$/;
const OUT_REFUND_NO = /^[0-9A-Za-z_\-*|@]{1,64}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Builds the sandbox app. */
export function createWechatPaySandboxApp(options: WechatPaySandboxAppOptions): WechatPaySandboxApp {
  const { now, logger } = options;
  const ledger = new SandboxLedger(now);
  const notifier = new Notifier({ apiV3Key: options.apiV3Key, signer: options.platform, now, retryDelaysMs: options.notifyRetryDelaysMs, ...(logger ? { logger } : {}) });
  const refundTimers = new Set<NodeJS.Timeout>();
  const transactionEventIds = new Map<string, string>();
  const bills = new Map<string, string>();
  const faults = { remaining: 0, status: 500, code: undefined as string | undefined };
  let latencyMs = 0;
  let badSignatures = 0;
  let stopped = false;

  const paidEvent = (order: SandboxOrder) => ({
    ...(transactionEventIds.has(order.outTradeNo) ? { id: transactionEventIds.get(order.outTradeNo)! } : {}),
    eventType: 'TRANSACTION.SUCCESS',
    originalType: 'transaction',
    // The notify describes the payment, even if a refund has started since.
    resource: { ...transactionWire(order), trade_state: 'SUCCESS', trade_state_desc: '支付成功' },
  });

  const pay = async (outTradeNo: string): Promise<SandboxOrder> => {
    const order = ledger.pay(outTradeNo);
    logger?.info({ outTradeNo }, 'wechat pay sandbox: order paid');
    const delivery = await notifier.notify(order.notifyUrl, order.outTradeNo, paidEvent(order));
    transactionEventIds.set(order.outTradeNo, delivery.id);
    return { ...order };
  };

  const completeRefund = async (outRefundNo: string) => {
    const refund = ledger.completeRefund(outRefundNo);
    if (!refund) return;
    await notifier.notify(refund.notifyUrl, refund.outRefundNo, {
      eventType: 'REFUND.SUCCESS',
      originalType: 'refund',
      resource: refundNotifyWire(refund, options.mchid),
    });
  };

  const scheduleRefund = (outRefundNo: string) => {
    const timer = setTimeout(() => {
      refundTimers.delete(timer);
      if (!stopped) void completeRefund(outRefundNo);
    }, options.refundDelayMs);
    timer.unref();
    refundTimers.add(timer);
  };

  const router = new Router();

  router.post('/v3/pay/transactions/jsapi', (ctx) => {
    const body = jsonBody(ctx.state.rawBody as string);
    const amount = objectField(body, 'amount');
    const payer = objectField(body, 'payer');
    if (body.appid !== options.appid || body.mchid !== options.mchid) throw new SandboxApiError(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');
    const description = stringField(body, 'description', (v) => v.length > 0 && Buffer.byteLength(v) <= 127);
    const outTradeNo = stringField(body, 'out_trade_no', (v) => OUT_TRADE_NO.test(v));
    const notifyUrl = stringField(body, 'notify_url', (v) => /^https?:\/\/\S+$/.test(v));
    const timeExpire = stringField(body, 'time_expire', (v) => RFC3339.test(v) && !Number.isNaN(Date.parse(v)));
    if (Date.parse(timeExpire) <= now().getTime()) throw new SandboxApiError(400, 'PARAM_ERROR', 'time_expire 时间过短');
    const total = amount.total;
    if (!Number.isInteger(total) || (total as number) <= 0) throw new SandboxApiError(400, 'PARAM_ERROR', '输入源“/body/amount/total”映射到值字段“总金额”字符串规则校验失败，值必须大于等于 1');
    if (amount.currency !== undefined && amount.currency !== 'CNY') throw new SandboxApiError(400, 'PARAM_ERROR', 'currency 只支持 CNY');
    const openid = stringField(payer, 'openid', (v) => v.length > 0, 'payer/openid');
    const attach = body.attach === undefined ? undefined : stringField(body, 'attach', (v) => v.length <= 128);
    const order = ledger.createOrder({
      appid: options.appid,
      mchid: options.mchid,
      outTradeNo,
      description,
      total: total as number,
      payerOpenid: openid,
      timeExpire,
      ...(attach === undefined ? {} : { attach }),
      notifyUrl,
    });
    ctx.body = { prepay_id: order.prepayId };
  });

  router.get('/v3/pay/transactions/out-trade-no/:outTradeNo', (ctx) => {
    if (ctx.query.mchid !== options.mchid) throw new SandboxApiError(400, 'PARAM_ERROR', 'mchid 与商户号不一致');
    const order = ledger.order(ctx.params.outTradeNo!);
    if (!order) throw new SandboxApiError(404, 'ORDER_NOT_EXIST', '订单不存在');
    ctx.body = transactionWire(order);
  });

  router.post('/v3/pay/transactions/out-trade-no/:outTradeNo/close', (ctx) => {
    const body = jsonBody(ctx.state.rawBody as string);
    if (body.mchid !== options.mchid) throw new SandboxApiError(400, 'PARAM_ERROR', 'mchid 与商户号不一致');
    ledger.close(ctx.params.outTradeNo!);
    ctx.status = 204;
  });

  router.post('/v3/refund/domestic/refunds', (ctx) => {
    const body = jsonBody(ctx.state.rawBody as string);
    const amount = objectField(body, 'amount');
    const outTradeNo = stringField(body, 'out_trade_no', (v) => OUT_TRADE_NO.test(v));
    const outRefundNo = stringField(body, 'out_refund_no', (v) => OUT_REFUND_NO.test(v));
    const refund = amount.refund;
    const total = amount.total;
    if (!Number.isInteger(refund) || (refund as number) <= 0) throw new SandboxApiError(400, 'PARAM_ERROR', 'amount.refund 必须为正整数');
    if (!Number.isInteger(total) || (total as number) <= 0) throw new SandboxApiError(400, 'PARAM_ERROR', 'amount.total 必须为正整数');
    if (amount.currency !== 'CNY') throw new SandboxApiError(400, 'PARAM_ERROR', 'amount.currency 必须为 CNY');
    const notifyUrl = body.notify_url === undefined ? undefined : stringField(body, 'notify_url', (v) => /^https?:\/\/\S+$/.test(v));
    const reason = body.reason === undefined ? undefined : stringField(body, 'reason', (v) => v.length <= 80);
    const result = ledger.createRefund({
      outTradeNo,
      outRefundNo,
      refund: refund as number,
      total: total as number,
      ...(reason === undefined ? {} : { reason }),
      ...(notifyUrl === undefined ? {} : { notifyUrl }),
    });
    if (result.created) {
      logger?.info({ outRefundNo }, 'wechat pay sandbox: refund accepted');
      scheduleRefund(outRefundNo);
    }
    ctx.body = refundWire(result.refund);
  });

  router.get('/v3/refund/domestic/refunds/:outRefundNo', (ctx) => {
    const refund = ledger.refund(ctx.params.outRefundNo!);
    if (!refund) throw new SandboxApiError(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
    ctx.body = refundWire(refund);
  });

  router.get('/v3/bill/tradebill', (ctx) => {
    const date = typeof ctx.query.bill_date === 'string' ? ctx.query.bill_date : '';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new SandboxApiError(400, 'PARAM_ERROR', 'bill_date 格式应为 YYYY-MM-DD');
    const type = ctx.query.bill_type ?? 'ALL';
    if (type !== 'ALL') throw new SandboxApiError(400, 'PARAM_ERROR', '沙箱只支持 bill_type=ALL');
    // The sandbox serves today's bill too (partial), so a demo can reconcile without waiting a day.
    if (date > shanghaiDate(now())) throw new SandboxApiError(400, 'PARAM_ERROR', '账单日期不能晚于今天');
    const text = tradeBillText(date, ledger.allOrders(), ledger.allRefunds());
    if (text === null) throw new SandboxApiError(400, 'NO_STATEMENT_EXIST', '账单文件不存在');
    const token = randomBytes(16).toString('hex');
    bills.set(token, text);
    ctx.body = {
      hash_type: 'SHA1',
      hash_value: createHash('sha1').update(text, 'utf8').digest('hex'),
      download_url: `${ctx.protocol}://${ctx.get('host')}/v3/billdownload/file?token=${token}`,
    };
  });

  router.get('/v3/billdownload/file', (ctx) => {
    const text = typeof ctx.query.token === 'string' ? bills.get(ctx.query.token) : undefined;
    if (text === undefined) throw new SandboxApiError(400, 'PARAM_ERROR', '无效的 token');
    ctx.state.unsigned = true;
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = text;
  });

  router.get('/cashier', (ctx) => {
    const prepayId = typeof ctx.query.prepay_id === 'string' ? ctx.query.prepay_id : '';
    const returnUrl = safeReturnUrl(ctx.query.return_url);
    const order = ledger.orderByPrepayId(prepayId);
    ctx.type = 'html';
    if (!order) {
      ctx.status = 404;
      ctx.body = cashierMessagePage('订单不存在', returnUrl);
      return;
    }
    if (order.state === 'SUCCESS' || order.state === 'REFUND') {
      ctx.body = cashierMessagePage('订单已支付', returnUrl);
      return;
    }
    if (order.state === 'CLOSED') {
      ctx.body = cashierMessagePage('订单已关闭', returnUrl);
      return;
    }
    ctx.body = cashierPage({ merchantName: options.merchantName, description: order.description, amount: order.total, prepayId, returnUrl: returnUrl ?? '' });
  });

  router.post('/cashier/confirm', async (ctx) => {
    const form = new URLSearchParams(ctx.state.rawBody as string);
    const returnUrl = safeReturnUrl(form.get('return_url') ?? undefined);
    const order = ledger.orderByPrepayId(form.get('prepay_id') ?? '');
    ctx.type = 'html';
    if (!order) {
      ctx.status = 404;
      ctx.body = cashierMessagePage('订单不存在', returnUrl);
      return;
    }
    try {
      await pay(order.outTradeNo);
    } catch (error) {
      if (!(error instanceof SandboxApiError)) throw error;
      if (error.code !== 'ORDERPAID') {
        ctx.body = cashierMessagePage(error.message, returnUrl);
        return;
      }
    }
    if (returnUrl === undefined) {
      ctx.body = cashierMessagePage('支付成功');
      return;
    }
    ctx.status = 303;
    ctx.redirect(returnUrl);
  });

  router.post('/cashier/cancel', (ctx) => {
    const form = new URLSearchParams(ctx.state.rawBody as string);
    const returnUrl = safeReturnUrl(form.get('return_url') ?? undefined);
    ctx.type = 'html';
    if (returnUrl === undefined) {
      ctx.body = cashierMessagePage('已取消支付');
      return;
    }
    ctx.status = 303;
    ctx.redirect(returnUrl);
  });

  const app = new Koa();
  app.use(async (ctx, next) => {
    await next();
    // Never log queries or bodies: they carry openids and tokens.
    logger?.debug({ method: ctx.method, path: ctx.path, status: ctx.status }, 'wechat pay sandbox request');
  });
  app.use(async (ctx, next) => {
    ctx.state.rawBody = ctx.method === 'POST' ? await readBody(ctx.req) : '';
    if (!ctx.path.startsWith('/v3/')) return next();
    try {
      if (faults.remaining > 0) {
        faults.remaining--;
        const code = faults.code ?? (faults.status === 429 ? 'FREQUENCY_LIMITED' : faults.status >= 500 ? 'SYSTEM_ERROR' : 'INVALID_REQUEST');
        throw new SandboxApiError(faults.status, code, faults.status >= 500 ? '系统错误' : '沙箱注入的错误');
      }
      const signatureProblem = checkRequestSignature(ctx.method, ctx.originalUrl, ctx.state.rawBody as string, ctx.get('authorization'));
      if (signatureProblem) {
        badSignatures++;
        throw new SandboxApiError(401, 'SIGN_ERROR', signatureProblem);
      }
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new SandboxApiError(404, 'NOT_FOUND', '请求的资源不存在');
    } catch (error) {
      if (!(error instanceof SandboxApiError)) throw error;
      ctx.status = error.status;
      ctx.body = { code: error.code, message: error.message };
    }
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (ctx.state.unsigned === true) return;
    const text = ctx.status === 204 || ctx.body === undefined ? '' : JSON.stringify(ctx.body);
    const timestamp = unixSeconds(now());
    const nonceStr = nonce();
    ctx.set('Wechatpay-Timestamp', timestamp);
    ctx.set('Wechatpay-Nonce', nonceStr);
    ctx.set('Wechatpay-Serial', options.platform.serial);
    ctx.set('Wechatpay-Signature-Type', AUTH_SCHEME);
    ctx.set('Wechatpay-Signature', signMessage(responseMessage(timestamp, nonceStr, text), options.platform.privateKey));
    ctx.set('Request-ID', randomBytes(12).toString('hex'));
    if (text !== '') {
      ctx.type = 'application/json';
      ctx.body = text;
    }
  });
  app.use(router.routes());
  app.use(router.allowedMethods());

  /** Why a request's Authorization does not hold, in WeChat Pay's words; undefined when it does. */
  function checkRequestSignature(method: string, pathAndQuery: string, body: string, header: string): string | undefined {
    const auth = parseAuthorization(header || undefined);
    if (!auth) return 'Http头Authorization值格式错误，请参考《微信支付商户REST API签名规则》';
    if (auth.mchid !== options.mchid) return 'Http头Authorization中的mchid与商户号不一致';
    if (auth.serial_no !== options.merchantSerialNo) return '商户证书序列号有误';
    if (!/^\d+$/.test(auth.timestamp) || Math.abs(now().getTime() - Number(auth.timestamp) * 1000) > 5 * 60_000) return '请求的时间戳已过期';
    if (!verifyMessage(requestMessage(method, pathAndQuery, auth.timestamp, auth.nonce_str, body), auth.signature, options.merchantPublicKey)) {
      return '错误的签名，验签失败';
    }
    return undefined;
  }

  const controls: WechatPaySandboxControls = {
    pay,
    deliverNotify: async (outTradeNo, deliverOptions = {}) => {
      const order = ledger.order(outTradeNo);
      if (!order || order.transactionId === undefined) throw new Error(`sandbox: order ${outTradeNo} is not paid`);
      const event = paidEvent(order);
      const statuses = await notifier.deliverNow(order.notifyUrl, outTradeNo, event, deliverOptions.times ?? 1, deliverOptions.concurrently ?? false);
      return statuses;
    },
    failNextRequests: (n, status, code) => {
      faults.remaining = n;
      faults.status = status;
      faults.code = code;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    dropNotifies: (drop) => {
      notifier.drop = drop;
    },
    completeRefunds: async () => {
      for (const refund of ledger.allRefunds()) if (refund.status === 'PROCESSING') await completeRefund(refund.outRefundNo);
    },
    orders: () => ledger.allOrders(),
    refunds: () => ledger.allRefunds(),
    notifies: () => notifier.all(),
    rejectedSignatures: () => badSignatures,
  };

  return {
    app,
    controls,
    stop: () => {
      stopped = true;
      notifier.stop();
      for (const timer of refundTimers) clearTimeout(timer);
      refundTimers.clear();
    },
  };
}

/** An absolute http(s) URL to send the browser back to; anything else (javascript:, relative) is dropped. */
function safeReturnUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function jsonBody(raw: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new SandboxApiError(400, 'PARAM_ERROR', '请求体不是合法的 JSON 对象');
}

function objectField(body: Record<string, unknown>, name: string): Record<string, unknown> {
  const value = body[name];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SandboxApiError(400, 'PARAM_ERROR', `缺少参数 ${name}`);
  return value as Record<string, unknown>;
}

function stringField(body: Record<string, unknown>, name: string, valid: (value: string) => boolean, label = name): string {
  const value = body[name];
  if (typeof value !== 'string') throw new SandboxApiError(400, 'PARAM_ERROR', `缺少参数 ${label}`);
  if (!valid(value)) throw new SandboxApiError(400, 'PARAM_ERROR', `参数 ${label} 格式错误`);
  return value;
}

/** The raw request body (the signature covers these exact bytes); small, like WeChat Pay's limits. */
async function readBody(req: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    size += buffer.length;
    if (size > 64 * 1024) throw new SandboxApiError(413, 'PARAM_ERROR', '请求体过大');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
