import type { NotificationKind } from '@careloop/shared/contracts/notifications';
import type { WechatSubscribeApi } from '../../integrations/wechat/client.js';
import { isWechatApiError } from '../../integrations/wechat/errors.js';
import type { Logger } from '../../logging/logger.js';
import type { AuthService } from '../auth/service.js';
import type { ConsentsService } from '../consents/service.js';
import type { NotificationDelivery } from './model.js';
import { messagePage, templateData, templateKeyOf, type MessageFacts, type SubscribeTemplateIds } from './templates.js';

/**
 * The WeChat copy of a message: only with the account's subscribe consent in force for the
 * kind's template (a one-time consent is used up by the send), to the account's openid. Never
 * throws: what happened is returned for the message's record. Openids and tokens are never logged.
 */
export interface WechatDelivery {
  /** Step one, before the record is written: is there a consent (used up if one-time)? */
  reserve(accountId: string, kind: NotificationKind): Promise<{ templateId: string; consented: boolean }>;
  /** Step two, in the background: the send. */
  send(input: { accountId: string; appointmentId: string | null; kind: NotificationKind; templateId: string; facts: MessageFacts }): Promise<NotificationDelivery>;
}

/** What delivery needs. */
export interface WechatDeliveryDeps {
  consents: Pick<ConsentsService, 'useSubscribeTemplate'>;
  accounts: Pick<AuthService, 'openidOf'>;
  wechat: WechatSubscribeApi;
  templateIds: SubscribeTemplateIds;
  /** `formal` in production; the sandbox accepts any. */
  miniprogramState?: 'developer' | 'trial' | 'formal';
  now: () => Date;
  logger: Logger;
}

/** Delivery through the WeChat client. */
export function createWechatDelivery(deps: WechatDeliveryDeps): WechatDelivery {
  const failed = (templateId: string, error: string): NotificationDelivery => ({ wechat: 'failed', templateId, error, at: deps.now() });
  return {
    async reserve(accountId, kind) {
      const templateId = deps.templateIds[templateKeyOf(kind)];
      const grant = await deps.consents.useSubscribeTemplate(accountId, templateId);
      return { templateId, consented: grant !== null };
    },

    async send({ accountId, appointmentId, kind, templateId, facts }) {
      try {
        const openid = await deps.accounts.openidOf(accountId);
        if (!openid) return failed(templateId, 'no_openid');
        await deps.wechat.sendSubscribeMessage({
          openid,
          templateId,
          page: messagePage(appointmentId),
          data: templateData(kind, facts, deps.now()),
          ...(deps.miniprogramState ? { miniprogramState: deps.miniprogramState } : {}),
        });
        return { wechat: 'sent', templateId, error: null, at: deps.now() };
      } catch (error) {
        const code = isWechatApiError(error) ? `${error.kind}${error.errcode === undefined ? '' : `:${error.errcode}`}` : 'error';
        deps.logger.warn({ err: isWechatApiError(error) ? error : undefined, kind, templateId, error: code }, 'subscribe message not sent');
        return failed(templateId, code);
      }
    },
  };
}
