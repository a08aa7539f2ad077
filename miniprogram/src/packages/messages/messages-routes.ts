/**
 * Page URLs of the 消息 subpackage. 我的 (main package) links here; the module is only strings,
 * so it costs the main package nothing.
 */
export const messagesPages = {
  list: '/packages/messages/pages/index/index',
} as const;
