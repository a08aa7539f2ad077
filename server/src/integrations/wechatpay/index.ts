/**
 * WeChat Pay v3 (JSAPI, 直连商户): the port CareLoop's booking codes against, the client that
 * implements it (signing and verification on node:crypto, docs/decisions/0003), the boot wiring
 * that picks the real API or the embedded sandbox, and the errors callers branch on.
 */
export * from './port.js';
export { WechatPayClient, type WechatPayClientOptions, type WechatPayLogger } from './client.js';
export { WechatPayError, isWechatPayError, type WechatPayErrorCode, type WechatPayRejection } from './errors.js';
export { createWechatPay, wechatPaySandboxMode, WECHATPAY_NOTIFY_PATH, type CreatedWechatPay, type CreateWechatPayDeps, type WechatPayConfig } from './create-wechat-pay.js';
export type { RunningWechatPaySandbox, WechatPaySandboxControls } from './sandbox/index.js';
