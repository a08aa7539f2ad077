import { createHash } from 'node:crypto';
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  ExponentialBackoff,
  IsolatedCircuitError,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  wrap,
  type IDefaultPolicyContext,
  type IPolicy,
} from 'cockatiel';
import type { z } from 'zod';
import { BillFormatError, parseTradeBill } from './bill.js';
import { codeForWechatError, WechatPayError } from './errors.js';
import { checkSignature, rejection, verifyNotify } from './notification.js';
import type {
  CreateJsapiOrder,
  CreateRefund,
  JsapiPayParams,
  WechatBillLine,
  WechatPay,
  WechatPayNotification,
  WechatPayNotifyRequest,
  WechatRefund,
  WechatTransaction,
} from './port.js';
import { toWechatTime } from './shanghai-time.js';
import { apiV3KeyBytes, authorizationHeader, nonce, paySignMessage, privateKeyFromPem, requestMessage, signMessage, unixSeconds } from './signing.js';
import { WechatPayVerifiers, type WechatPayVerifierOptions } from './verifiers.js';
import {
  BillWireSchema,
  ErrorWireSchema,
  PrepayWireSchema,
  RefundWireSchema,
  toRefund,
  toTransaction,
  TransactionWireSchema,
} from './wire-schemas.js';

/**
 * The WeChat Pay v3 client (JSAPI, 直连商户) behind the `WechatPay` port. Every request is signed
 * with the merchant key; every answer must carry a valid WeChat Pay signature (platform
 * certificate or WeChat Pay public key) or it is refused, because a forged "SUCCESS" would give
 * away an appointment. Calls have a time-out, a circuit breaker, and retries with back-off on
 * time-outs, network errors, 5xx and 429 — all our calls are safe to repeat: queries and close
 * by nature, order creation because WeChat Pay answers the same `out_trade_no` with the same
 * parameters with the same prepay_id, refunds because they are keyed by our `out_refund_no`.
 */

/** The logger calls the client makes (pino's shape). */
export interface WechatPayLogger {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** What the client needs: merchant credentials, what to trust, where, and how patiently. */
export interface WechatPayClientOptions {
  /** `https://api.mch.weixin.qq.com` or the sandbox's URL. */
  baseUrl: string;
  /** Our AppID (the mini-program's). */
  appid: string;
  mchid: string;
  /** Serial number of our merchant API certificate (`serial_no` of the Authorization header). */
  merchantSerialNo: string;
  /** Our merchant API private key (apiclient_key.pem); never logged. */
  merchantPrivateKeyPem: string;
  /** The 32-character APIv3 key (decrypts notifies); never logged. */
  apiV3Key: string;
  /** Platform certificates and/or the WeChat Pay public key; at least one. */
  verifiers: WechatPayVerifierOptions;
  /** Our public notify endpoint (late-bound: the app's URL is known only after it listens). */
  notifyUrl: () => string;
  /** Time-out of one attempt (default 5 s). */
  timeoutMs?: number;
  /** Extra attempts after a transient failure (default 2). */
  retries?: number;
  breaker?: { failureThreshold?: number; halfOpenAfterMs?: number };
  now: () => Date;
  logger: WechatPayLogger;
  fetch?: typeof fetch;
}

/** One answer, signature already checked. */
interface Answer {
  status: number;
  text: string;
  bytes: Buffer;
}

const TRANSIENT = new Set(['timeout', 'unavailable', 'system_error', 'frequency_limited']);
const OUT_TRADE_NO = /^[0-9A-Za-z_\-*|]{6,32}$/;
const OUT_REFUND_NO = /^[0-9A-Za-z_\-*|@]{1,64}$/;

/** The real WeChat Pay client; the same code runs against the embedded sandbox. */
export class WechatPayClient implements WechatPay {
  readonly appid: string;
  readonly mchid: string;
  private readonly base: URL;
  private readonly privateKey: ReturnType<typeof privateKeyFromPem>;
  private readonly verifiers: WechatPayVerifiers;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutPolicy: IPolicy<IDefaultPolicyContext>;
  private readonly resilient: IPolicy<IDefaultPolicyContext>;

  constructor(private readonly options: WechatPayClientOptions) {
    this.appid = options.appid;
    this.mchid = options.mchid;
    this.base = new URL(options.baseUrl.replace(/\/+$/, ''));
    this.privateKey = privateKeyFromPem(options.merchantPrivateKeyPem, 'the merchant private key');
    apiV3KeyBytes(options.apiV3Key); // fail at start-up, not at the first notify
    this.verifiers = new WechatPayVerifiers(options.verifiers);
    // Late-bound so test interceptors installed after construction still see the call.
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.timeoutPolicy = timeout(options.timeoutMs ?? 5_000, TimeoutStrategy.Aggressive);
    const breaker = circuitBreaker(
      handleWhen((error) => error instanceof WechatPayError && TRANSIENT.has(error.code)),
      {
        halfOpenAfter: options.breaker?.halfOpenAfterMs ?? 10_000,
        breaker: new ConsecutiveBreaker(options.breaker?.failureThreshold ?? 5),
      },
    );
    const retryPolicy = retry(
      handleWhen((error) => error instanceof WechatPayError && TRANSIENT.has(error.code)),
      { maxAttempts: options.retries ?? 2, backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1_000 }) },
    );
    this.resilient = wrap(retryPolicy, breaker);
    retryPolicy.onRetry((event) => {
      const error = 'error' in event ? event.error : undefined;
      options.logger.warn(
        { attempt: event.attempt, delayMs: Math.round(event.delay), code: (error as WechatPayError | undefined)?.code, status: (error as WechatPayError | undefined)?.status },
        'WeChat Pay call failed; retrying',
      );
    });
    breaker.onBreak(() => options.logger.warn({ base: this.base.origin }, 'WeChat Pay circuit opened; failing fast'));
    breaker.onReset(() => options.logger.warn({ base: this.base.origin }, 'WeChat Pay circuit closed again'));
  }

  /** `POST /v3/pay/transactions/jsapi`, then the `wx.requestPayment` parameters signed with our key. */
  async createJsapiOrder(order: CreateJsapiOrder): Promise<JsapiPayParams> {
    if (!OUT_TRADE_NO.test(order.outTradeNo)) throw localError('outTradeNo must be 6–32 characters of 0-9 A-Z a-z _ - * |');
    if (!Number.isInteger(order.amount) || order.amount <= 0) throw localError('amount must be a positive whole number of fen');
    const expires = new Date(order.timeExpire);
    if (Number.isNaN(expires.getTime())) throw localError('timeExpire must be an ISO-8601 instant');
    if (order.description.trim() === '' || Buffer.byteLength(order.description, 'utf8') > 127) throw localError('description must be 1–127 bytes');
    if (order.attach !== undefined && order.attach.length > 128) throw localError('attach must be at most 128 characters');
    const body = {
      appid: this.appid,
      mchid: this.mchid,
      description: order.description,
      out_trade_no: order.outTradeNo,
      time_expire: toWechatTime(expires),
      ...(order.attach === undefined ? {} : { attach: order.attach }),
      notify_url: this.options.notifyUrl(),
      amount: { total: order.amount, currency: 'CNY' },
      payer: { openid: order.payerOpenid },
    };
    const answer = await this.call('createJsapiOrder', 'POST', '/v3/pay/transactions/jsapi', body);
    const { prepay_id: prepayId } = this.parse(answer, PrepayWireSchema, 'createJsapiOrder');
    const params = { appId: this.appid, timeStamp: unixSeconds(this.options.now()), nonceStr: nonce(), package: `prepay_id=${prepayId}` };
    return {
      ...params,
      signType: 'RSA',
      paySign: signMessage(paySignMessage(params.appId, params.timeStamp, params.nonceStr, params.package), this.privateKey),
    };
  }

  /** `GET /v3/pay/transactions/out-trade-no/{no}`; null for ORDER_NOT_EXIST. */
  async queryOrder(outTradeNo: string): Promise<WechatTransaction | null> {
    if (!OUT_TRADE_NO.test(outTradeNo)) throw localError('outTradeNo must be 6–32 characters of 0-9 A-Z a-z _ - * |');
    const path = `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}?mchid=${encodeURIComponent(this.mchid)}`;
    try {
      const answer = await this.call('queryOrder', 'GET', path);
      const transaction = toTransaction(this.parse(answer, TransactionWireSchema, 'queryOrder'));
      if (transaction.appid !== this.appid || transaction.mchid !== this.mchid) {
        throw new WechatPayError('bad_response', 'queryOrder: the order belongs to another AppID or merchant');
      }
      return transaction;
    } catch (error) {
      if (error instanceof WechatPayError && error.code === 'order_not_exist') return null;
      throw error;
    }
  }

  /**
   * `POST …/close`. Closing a closed order, or one WeChat Pay never created, is done already;
   * a paid order throws `order_paid` (the patient paid meanwhile: keep the money's trail).
   */
  async closeOrder(outTradeNo: string): Promise<void> {
    if (!OUT_TRADE_NO.test(outTradeNo)) throw localError('outTradeNo must be 6–32 characters of 0-9 A-Z a-z _ - * |');
    try {
      await this.call('closeOrder', 'POST', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`, { mchid: this.mchid });
    } catch (error) {
      if (error instanceof WechatPayError && (error.code === 'order_not_exist' || error.code === 'order_closed')) return;
      throw error;
    }
  }

  /** `POST /v3/refund/domestic/refunds`; the same `outRefundNo` gives back the same refund. */
  async createRefund(refund: CreateRefund): Promise<WechatRefund> {
    if (!OUT_TRADE_NO.test(refund.outTradeNo)) throw localError('outTradeNo must be 6–32 characters of 0-9 A-Z a-z _ - * |');
    if (!OUT_REFUND_NO.test(refund.outRefundNo)) throw localError('outRefundNo must be 1–64 characters of 0-9 A-Z a-z _ - | * @');
    if (!Number.isInteger(refund.refund) || refund.refund <= 0 || !Number.isInteger(refund.total) || refund.refund > refund.total) {
      throw localError('refund must be a positive whole number of fen, at most the total');
    }
    const body = {
      out_trade_no: refund.outTradeNo,
      out_refund_no: refund.outRefundNo,
      ...(refund.reason === undefined ? {} : { reason: refund.reason }),
      notify_url: this.options.notifyUrl(),
      amount: { refund: refund.refund, total: refund.total, currency: 'CNY' },
    };
    const answer = await this.call('createRefund', 'POST', '/v3/refund/domestic/refunds', body);
    return this.refundOf(answer, 'createRefund');
  }

  /** `GET /v3/refund/domestic/refunds/{no}`; null for RESOURCE_NOT_EXISTS. */
  async queryRefund(outRefundNo: string): Promise<WechatRefund | null> {
    if (!OUT_REFUND_NO.test(outRefundNo)) throw localError('outRefundNo must be 1–64 characters of 0-9 A-Z a-z _ - | * @');
    try {
      const answer = await this.call('queryRefund', 'GET', `/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}`);
      return this.refundOf(answer, 'queryRefund');
    } catch (error) {
      if (error instanceof WechatPayError && error.code === 'resource_not_exists') return null;
      throw error;
    }
  }

  /**
   * `GET /v3/bill/tradebill` then the download (signed too, but its body is a file: checked by the
   * SHA1 WeChat Pay announced instead of a signature). A day without trades is an empty bill.
   */
  async tradeBill(date: string): Promise<WechatBillLine[]> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00+08:00`))) throw localError('date must be YYYY-MM-DD');
    let bill: z.infer<typeof BillWireSchema>;
    try {
      const answer = await this.call('tradeBill', 'GET', `/v3/bill/tradebill?bill_date=${date}&bill_type=ALL`);
      bill = this.parse(answer, BillWireSchema, 'tradeBill');
    } catch (error) {
      if (error instanceof WechatPayError && error.wechatCode === 'NO_STATEMENT_EXIST') return [];
      throw error;
    }
    let download: URL;
    try {
      download = new URL(bill.download_url);
    } catch {
      throw new WechatPayError('bad_response', 'tradeBill: download_url is not a URL');
    }
    // Our Authorization goes to WeChat Pay only, never to a host a response names.
    if (download.origin !== this.base.origin) throw new WechatPayError('bad_response', 'tradeBill: download_url leaves the WeChat Pay API');
    if (bill.hash_type.toUpperCase() !== 'SHA1') throw new WechatPayError('bad_response', `tradeBill: unsupported hash_type ${bill.hash_type}`);
    const file = await this.call('downloadBill', 'GET', `${download.pathname}${download.search}`, undefined, { signed: false });
    if (createHash('sha1').update(file.bytes).digest('hex') !== bill.hash_value.toLowerCase()) {
      throw new WechatPayError('bad_response', 'tradeBill: the downloaded bill does not match its SHA1');
    }
    try {
      return parseTradeBill(file.text);
    } catch (error) {
      if (error instanceof BillFormatError) throw new WechatPayError('bad_response', `tradeBill: ${error.message}`, { cause: error });
      throw error;
    }
  }

  /** See the port: signature by serial, ±5 min, decrypt, appid/mchid. */
  async verifyNotification(request: WechatPayNotifyRequest): Promise<WechatPayNotification> {
    return verifyNotify(request, {
      verifiers: this.verifiers,
      apiV3Key: this.options.apiV3Key,
      appid: this.appid,
      mchid: this.mchid,
      now: this.options.now(),
    });
  }

  private refundOf(answer: Answer, what: string): WechatRefund {
    const refund = toRefund(this.parse(answer, RefundWireSchema, what));
    if (refund === null) throw new WechatPayError('bad_response', `${what}: refund without status`);
    return refund;
  }

  private parse<T extends z.ZodType>(answer: Answer, schema: T, what: string): z.infer<T> {
    let value: unknown;
    try {
      value = JSON.parse(answer.text);
    } catch {
      throw new WechatPayError('bad_response', `${what}: the answer is not JSON`, { status: answer.status });
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new WechatPayError('bad_response', `${what}: the answer lacks expected fields`, { status: answer.status });
    return parsed.data;
  }

  /** One call with retries (all our calls repeat safely, see the module doc) and the breaker. */
  private async call(what: string, method: 'GET' | 'POST', pathAndQuery: string, body?: object, options: { signed?: boolean } = {}): Promise<Answer> {
    // Serialized once: a retry sends byte-identical parameters, which is what makes it idempotent.
    const text = body === undefined ? '' : JSON.stringify(body);
    try {
      return await this.resilient.execute(() => this.attemptWithTimeout(what, method, pathAndQuery, text, options.signed ?? true));
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
        throw new WechatPayError('unavailable', `${what}: WeChat Pay is failing; not calling it for a while`, { cause: error });
      }
      throw error;
    }
  }

  private async attemptWithTimeout(what: string, method: string, pathAndQuery: string, body: string, signed: boolean): Promise<Answer> {
    try {
      return await this.timeoutPolicy.execute(({ signal }) => this.attempt(what, method, pathAndQuery, body, signed, signal));
    } catch (error) {
      if (error instanceof TaskCancelledError) throw new WechatPayError('timeout', `${what}: no answer from WeChat Pay in time`);
      throw error;
    }
  }

  /** One signed exchange; the answer's signature is checked before anything in it is believed. */
  private async attempt(what: string, method: string, pathAndQuery: string, body: string, signed: boolean, signal: AbortSignal): Promise<Answer> {
    const url = new URL(pathAndQuery, this.base);
    const timestamp = unixSeconds(this.options.now());
    const nonceStr = nonce();
    const signature = signMessage(requestMessage(method, `${url.pathname}${url.search}`, timestamp, nonceStr, body), this.privateKey);
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': 'careloop-bff (node)',
      Authorization: authorizationHeader({ mchid: this.mchid, nonce: nonceStr, signature, timestamp, serialNo: this.options.merchantSerialNo }),
    };
    if (body !== '') headers['Content-Type'] = 'application/json';
    // Tells WeChat Pay to sign its answer with the public key we hold (during a migration it may hold both).
    const publicKeyId = this.verifiers.publicKeyId;
    if (publicKeyId !== undefined) headers['Wechatpay-Serial'] = publicKeyId;

    let response: Response;
    let bytes: Buffer;
    try {
      response = await this.fetchImpl(url, { method, headers, body: body === '' ? undefined : body, signal });
      bytes = Buffer.from(await response.arrayBuffer());
    } catch (cause) {
      if (signal.aborted) throw new WechatPayError('timeout', `${what}: no answer from WeChat Pay in time`);
      throw new WechatPayError('unavailable', `${what}: cannot reach WeChat Pay`, { cause: sanitize(cause) });
    }
    const status = response.status;
    const text = bytes.toString('utf8');
    const signatureHeaders = {
      'wechatpay-timestamp': response.headers.get('wechatpay-timestamp') ?? undefined,
      'wechatpay-nonce': response.headers.get('wechatpay-nonce') ?? undefined,
      'wechatpay-signature': response.headers.get('wechatpay-signature') ?? undefined,
      'wechatpay-serial': response.headers.get('wechatpay-serial') ?? undefined,
      'wechatpay-signature-type': response.headers.get('wechatpay-signature-type') ?? undefined,
    };
    const unsignedGatewayError = (status >= 500 || status === 429) && signatureHeaders['wechatpay-signature'] === undefined;
    if (signed && !unsignedGatewayError) {
      const check = checkSignature(signatureHeaders, text, this.verifiers, this.options.now());
      if (!check.ok) {
        this.options.logger.warn({ what, status, reason: check.reason }, 'WeChat Pay answer refused: bad signature');
        throw rejection('invalid_response_signature', check.reason);
      }
    }
    if (status >= 200 && status < 300) return { status, text, bytes };

    // An error: WeChat Pay's `{ code, message }`, or just the status from a gateway in between.
    let wechatCode: string | undefined;
    let message: string | undefined;
    try {
      const error = ErrorWireSchema.safeParse(JSON.parse(text));
      if (error.success) ({ code: wechatCode, message } = error.data);
    } catch {
      // Not JSON: the status says enough.
    }
    const code = codeForWechatError(status, wechatCode);
    this.options.logger.debug({ what, status, wechatCode }, 'WeChat Pay answered with an error');
    throw new WechatPayError(code, `${what}: WeChat Pay answered ${status}${wechatCode ? ` ${wechatCode}` : ''}${message ? ` (${message.slice(0, 200)})` : ''}`, {
      status,
      ...(wechatCode === undefined ? {} : { wechatCode }),
    });
  }
}

/** A call we refuse before sending: the caller passed something WeChat Pay would refuse anyway. */
function localError(message: string): WechatPayError {
  return new WechatPayError('invalid_request', message);
}

/** A cause safe to log: name and message only, URLs blanked. */
function sanitize(cause: unknown): Error {
  if (!(cause instanceof Error)) return new Error(String(cause));
  const safe = new Error(cause.message.replace(/https?:\/\/\S+/g, '<url>'));
  safe.name = cause.name;
  return safe;
}
