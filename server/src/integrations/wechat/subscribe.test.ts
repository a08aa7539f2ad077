import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WechatClient } from './client.js';
import { WechatApiError } from './errors.js';
import { sandboxOpenid, startWechatSandbox, type RunningWechatSandbox } from './sandbox/index.js';

// The subscribe-message call of the WeChat client against the sandbox: WeChat's request shape,
// one access token for many sends (fetched again only when WeChat says it is stale), and
// WeChat's errcodes mapped to what patient messages record.

let sandbox: RunningWechatSandbox;
const calls: string[] = [];
let client: WechatClient;
const openid = sandboxOpenid('subscribe-test');
const message = { openid, templateId: 'CareLoopRefund_0001', page: 'packages/messages/pages/index/index', data: { name1: '王芳', amount2: '50.00元' } };

beforeAll(async () => {
  sandbox = await startWechatSandbox();
});
afterAll(async () => {
  await sandbox?.stop();
});
beforeEach(() => {
  sandbox.resetSubscribe();
  calls.length = 0;
  client = new WechatClient({
    baseUrl: sandbox.baseUrl,
    appid: sandbox.appid,
    secret: sandbox.secret,
    fetch: (input, init) => {
      calls.push(new URL(String(input)).pathname);
      return fetch(input, init);
    },
  });
});

describe('sendSubscribeMessage', () => {
  it('sends with one cached access token, as WeChat expects it', async () => {
    await client.sendSubscribeMessage(message);
    await client.sendSubscribeMessage({ ...message, miniprogramState: 'developer' });
    expect(calls).toEqual(['/cgi-bin/token', '/cgi-bin/message/subscribe/send', '/cgi-bin/message/subscribe/send']);
    expect(sandbox.subscribeMessages().map((m) => [m.touser, m.templateId, m.page, m.data, m.miniprogramState])).toEqual([
      [openid, 'CareLoopRefund_0001', 'packages/messages/pages/index/index', { name1: '王芳', amount2: '50.00元' }, 'formal'],
      [openid, 'CareLoopRefund_0001', 'packages/messages/pages/index/index', { name1: '王芳', amount2: '50.00元' }, 'developer'],
    ]);
  });

  it('fetches a new token once when WeChat says the cached one is stale', async () => {
    await client.sendSubscribeMessage(message);
    sandbox.expireAccessTokens();
    await client.sendSubscribeMessage(message);
    expect(calls).toEqual(['/cgi-bin/token', '/cgi-bin/message/subscribe/send', '/cgi-bin/message/subscribe/send', '/cgi-bin/token', '/cgi-bin/message/subscribe/send']);
    expect(sandbox.subscribeMessages()).toHaveLength(2);
  });

  it.each([
    [43101, 'refused'],
    [40037, 'invalid_template'],
  ] as const)('maps errcode %i to %s', async (errcode, kind) => {
    sandbox.failSubscribe(message.templateId, errcode);
    const error = await client.sendSubscribeMessage(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatApiError);
    expect(error).toMatchObject({ kind, errcode, message: `sendSubscribeMessage: errcode ${errcode}` });
    expect(String((error as Error).message)).not.toContain(openid);
  });

  it('maps a bad openid (40003) and bad data (47003) to invalid_request, and no answer to unavailable', async () => {
    await expect(client.sendSubscribeMessage({ ...message, openid: 'not-an-openid' })).rejects.toMatchObject({ kind: 'invalid_request', errcode: 40003 });
    await expect(client.sendSubscribeMessage({ ...message, data: { name1: '' } })).rejects.toMatchObject({ kind: 'invalid_request', errcode: 47003 });
    const offline = new WechatClient({ baseUrl: 'http://127.0.0.1:9', appid: sandbox.appid, secret: sandbox.secret, timeoutMs: 500 });
    await expect(offline.sendSubscribeMessage(message)).rejects.toMatchObject({ kind: 'unavailable' });
    expect(sandbox.subscribeMessages()).toEqual([]);
  });
});
