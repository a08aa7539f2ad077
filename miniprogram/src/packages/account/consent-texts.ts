import type { ConsentKind } from '@careloop/shared/contracts/consents';

/** What the 隐私与授权 screen says about one kind of consent. */
export interface ConsentText {
  kind: ConsentKind;
  /** The card's title, e.g. 健康信息处理. */
  title: string;
  /** One plain sentence: what saying yes allows. */
  meaning: string;
  /** What stops when the consent is withdrawn (said in the confirm dialog, before it happens). */
  stops: string;
  /** The version of `paragraphs` recorded with a grant; bump it whenever the wording changes. */
  version: string;
  /** The consent text shown before the patient agrees. */
  paragraphs: readonly string[];
}

/**
 * The consent texts, one per kind, in the order the screen lists them. PIPL asks for a separate
 * consent for sensitive personal information, so each kind is agreed to (and withdrawn) alone,
 * and the version of the text the patient saw is stored with the grant.
 */
export const CONSENT_TEXTS: readonly ConsentText[] = [
  {
    kind: 'health_data_processing',
    title: '健康信息处理',
    meaning: '允许您就诊的医联体成员医院处理健康信息（病历、检验检查结果、过敏史），用于看病、出报告和随访。',
    stops: '医生和随访护士将不能再通过 CareLoop 查看或记录该就诊人的健康信息，线上随访和医生的随访提醒会停止。已有的就诊记录仍由医院依法保存。',
    version: '2026-01',
    paragraphs: [
      '健康信息属于敏感个人信息。为向您提供预约挂号、报告查询、出院随访等服务，您就诊的医联体成员医院需要处理您的病历、检验检查结果、过敏史和慢性病信息。',
      '这些信息只用于您的诊疗、随访和医疗质量管理；医院工作人员查看时会留下审计记录；证件号码和手机号加密保存，页面上只显示部分数字。',
      '您可以随时在“我的 → 隐私与授权”中撤回本授权。撤回不影响撤回前已进行的处理，也不影响医院依照法律保存病历。',
    ],
  },
  {
    kind: 'alliance_sharing',
    title: '医联体内信息共享',
    meaning: '在一家成员医院记录的信息（如过敏史、检验结果）可以被您就诊的其他成员医院看到，减少重复检查。',
    stops: '各医院只能看到在本院记录的信息：检验结果互认、转诊时病历随转会停止，换一家医院可能需要重新检查。',
    version: '2026-01',
    paragraphs: [
      '医联体由市级医院、县级医院和社区卫生服务中心组成。同意后，您在一家成员医院留下的过敏史、检验检查结果等信息，可以被您在其他成员医院就诊时的医生看到。',
      '这样可以避免重复检查、转诊时不必重复提供资料，也能让家庭医生了解您在上级医院的诊疗情况。医联体以外的机构看不到这些信息。',
      '您可以随时撤回。撤回后，各医院只能看到在本院记录的信息。',
    ],
  },
  {
    kind: 'subscribe_message',
    title: '微信消息提醒',
    meaning: '通过微信服务通知给您发送就诊提醒、报告出具通知和随访问卷；每种提醒都需要您在微信里点“允许”。',
    stops: '不再通过微信给您发送就诊提醒、报告通知和随访问卷；您仍可以在小程序里自己查看。',
    version: '2026-01',
    paragraphs: [
      '开启后，我们会在就诊前、报告出具后和出院随访时，通过微信“服务通知”给您发送提醒。',
      '微信会逐项询问您是否允许；只会发送您允许的提醒，一次性提醒每次允许只发送一条。',
      '您可以随时在这里关闭，也可以在微信“设置 → 通知”中关闭。',
    ],
  },
];

/** The text of one kind. */
export function consentText(kind: ConsentKind): ConsentText {
  const text = CONSENT_TEXTS.find((t) => t.kind === kind);
  if (!text) throw new Error(`no consent text for ${kind}`);
  return text;
}
