/**
 * Page URLs of the account screens added after the first set (those live in services/routes.ts):
 * 隐私与授权 and 接受家人邀请. 我的 (main package) links here too; the
 * module is only strings, so it costs the main package nothing.
 */
export const accountPages = {
  consents: '/packages/account/pages/consents/index',
  proxyAccept: '/packages/account/pages/proxy-accept/index',
} as const;
