import type { SubscribeTemplate } from '@careloop/shared/contracts/consents';

/** A WeChat subscribe-message template the app asks for, with what the patient is told. */
export interface SubscribeTemplateInfo extends SubscribeTemplate {
  /** What the reminder is, e.g. 就诊提醒. */
  title: string;
}

/**
 * The subscribe-message templates of the CareLoop mini-program (at most five: WeChat's limit
 * per request). The ids are the ones issued in the WeChat console for the demo AppID; a
 * deployment under another AppID replaces them here.
 */
export const SUBSCRIBE_TEMPLATES: readonly SubscribeTemplateInfo[] = [
  { id: 'CareLoopVisitReminder_0001', kind: 'one_time', title: '就诊提醒' },
  { id: 'CareLoopReportReady_0001', kind: 'one_time', title: '报告出具通知' },
  { id: 'CareLoopFollowupSurvey_0001', kind: 'long_term', title: '随访问卷提醒' },
  // Booking messages (the server's WECHAT_SUBSCRIBE_TEMPLATES demo ids): 预约成功/取消/停诊/候补到号, and refunds.
  { id: 'CareLoopBookingStatus_0001', kind: 'one_time', title: '预约状态通知' },
  { id: 'CareLoopRefund_0001', kind: 'one_time', title: '退款通知' },
];

/** The title of a template id (the id itself when it is not one of ours any more). */
export function templateTitle(id: string): string {
  return SUBSCRIBE_TEMPLATES.find((t) => t.id === id)?.title ?? id;
}
