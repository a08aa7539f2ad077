import { ScrollView, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { Button, Dialog } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import type { ConsentKind, ConsentList, SubscribeTemplate } from '@careloop/shared/contracts/consents';
import type { Patient, PatientList } from '@careloop/shared/contracts/patients';
import { PageRoot } from '../../../../components/page-root';
import { RequestView } from '../../../../components/request-view';
import { useRequest } from '../../../../hooks/use-request';
import { toApiError } from '../../../../services/api-error';
import { consentStatus } from '../../consent-state';
import { consentText, type ConsentText } from '../../consent-texts';
import { consentsApi } from '../../consents-api';
import { RELATIONSHIP_LABELS } from '../../patient-labels';
import { patientsApi } from '../../patients-api';
import { SUBSCRIBE_TEMPLATES, templateTitle } from '../../subscribe-templates';
import { ConsentCard } from './consent-card';
import './index.scss';

const IN_WECHAT = process.env.TARO_ENV === 'weapp';

/** Consents about a person: processing and sharing are asked per 就诊人. */
const PERSON_KINDS: readonly ConsentKind[] = ['health_data_processing', 'alliance_sharing'];

/** A person consents are recorded for: the account holder (`patientId` null) or a family member. */
interface Subject {
  key: string;
  patientId: string | null;
  label: string;
}

interface Loaded {
  consents: ConsentList;
  patients: PatientList;
}

/**
 * The account holder first (their own 就诊人 record is the same person), then each family member
 * the account added. People it acts for (家人代办) are left out: their consents are their
 * owner's to give, and this account's list of records would not show the owner's.
 */
function subjectsOf(patients: readonly Patient[]): Subject[] {
  const own = patients.filter((p) => p.access !== 'proxy');
  const self = own.find((p) => p.relationship === 'self');
  return [
    { key: 'self', patientId: null, label: self ? `本人 · ${self.name}` : '本人' },
    ...own
      .filter((p) => p.relationship !== 'self')
      .map((p) => ({ key: p.id, patientId: p.id, label: `${p.name}（${RELATIONSHIP_LABELS[p.relationship]}）` })),
  ];
}

type Pending = { text: ConsentText; subject: Subject } | null;

/**
 * 隐私与授权: each consent with what it means, where it stands (已同意 on a date / 已撤回 / 未同意),
 * agree (after reading the text and its version) and withdraw (after being told what stops).
 * Processing and sharing are per person; WeChat reminders belong to the account.
 */
export default function ConsentsPage() {
  const request = useRequest<Loaded>(async () => {
    const [consents, patients] = await Promise.all([consentsApi.list(), patientsApi.list()]);
    return { consents, patients };
  }, []);
  // After agreeing or withdrawing the list is read again quietly, without the loading skeleton.
  const [fresh, setFresh] = useState<ConsentList | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending>(null);

  const refresh = async () => setFresh(await consentsApi.list());

  const run = async (action: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      await refresh();
      void Taro.showToast({ title: done, icon: 'success' });
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  const agree = () => {
    if (!pending) return;
    const { text, subject } = pending;
    setPending(null);
    if (text.kind === 'subscribe_message') {
      void run(async () => {
        const accepted = await askWechat();
        if (accepted.length === 0) throw new Error('您没有允许任何提醒；如需开启，请再次点击并在微信弹窗中选择“允许”');
        await consentsApi.grant({ kind: text.kind, version: text.version, templateIds: accepted });
      }, '已开启提醒');
      return;
    }
    void run(
      () => consentsApi.grant({ kind: text.kind, version: text.version, ...(subject.patientId ? { patientId: subject.patientId } : {}) }),
      '已同意',
    );
  };

  const withdraw = async (text: ConsentText, subject: Subject) => {
    const { confirm } = await Taro.showModal({
      title: `撤回“${text.title}”`,
      content: `撤回后：${text.stops}`,
      confirmText: '撤回',
      confirmColor: '#d4380d',
    });
    if (!confirm) return;
    void run(
      () => consentsApi.withdraw({ kind: text.kind, ...(subject.patientId ? { patientId: subject.patientId } : {}) }),
      '已撤回',
    );
  };

  return (
    <PageRoot testId="page-consents">
      <View className="cl-consents__intro">
        <Text>健康信息属于敏感个人信息。下面每一项授权都可以单独同意，也可以随时撤回；撤回前会告诉您哪些服务会停止。</Text>
      </View>
      <RequestView request={request} isEmpty={() => false} emptyTitle="">
        {(data) => {
          const records = (fresh ?? data.consents).items;
          const account = subjectsOf(data.patients.items)[0]!;
          const subscribe = consentText('subscribe_message');
          const subscribeStatus = consentStatus(records, 'subscribe_message', null);
          return (
            <View data-testid="consent-list">
              {error ? (
                <Text className="cl-consents__error" data-testid="consent-error">
                  {error}
                </Text>
              ) : null}
              {subjectsOf(data.patients.items).map((subject) => (
                <View key={subject.key} data-testid="consent-subject" data-patient={subject.key}>
                  <Text className="cl-section-title">{subject.label}</Text>
                  {PERSON_KINDS.map((kind) => {
                    const text = consentText(kind);
                    return (
                      <ConsentCard
                        key={kind}
                        text={text}
                        subject={subject.key}
                        status={consentStatus(records, kind, subject.patientId)}
                        busy={busy}
                        onGrant={() => setPending({ text, subject })}
                        onWithdraw={() => void withdraw(text, subject)}
                      />
                    );
                  })}
                </View>
              ))}
              {data.patients.items.some((p) => p.access === 'proxy') ? (
                <Text className="cl-consents__proxy-note" data-testid="consent-proxy-note">
                  您代办的就诊人的授权，由添加该就诊人的家人在其“隐私与授权”中管理。
                </Text>
              ) : null}
              <Text className="cl-section-title">消息提醒</Text>
              <ConsentCard
                text={subscribe}
                subject="self"
                status={subscribeStatus}
                busy={busy}
                {...(IN_WECHAT ? { onGrant: () => setPending({ text: subscribe, subject: account }) } : {})}
                onWithdraw={() => void withdraw(subscribe, account)}
                note={
                  <>
                    {subscribeStatus.state === 'granted' ? (
                      <Text className="cl-consent__note" data-testid="consent-templates">
                        已允许：{subscribeStatus.templates.map((t) => templateTitle(t.id)).join('、')}
                      </Text>
                    ) : null}
                    {IN_WECHAT ? null : (
                      <Text className="cl-consent__note" data-testid="subscribe-wechat-only">
                        消息提醒只能在微信小程序中开启：请在微信中打开“CareLoop 医联体”，在“我的 → 隐私与授权”中开启。
                      </Text>
                    )}
                  </>
                }
              />
            </View>
          );
        }}
      </RequestView>
      <Dialog
        visible={pending !== null}
        title={pending ? `${pending.text.title} · ${pending.subject.label}` : ''}
        onCancel={() => setPending(null)}
        onClose={() => setPending(null)}
        footer={
          <View className="cl-consents__dialog-actions">
            <Button size="normal" onClick={() => setPending(null)} data-testid="consent-dialog-cancel">
              暂不同意
            </Button>
            <Button type="primary" size="normal" onClick={agree} data-testid="consent-dialog-agree">
              {pending?.text.kind === 'subscribe_message' ? '同意并开启' : '同意'}
            </Button>
          </View>
        }
      >
        {pending ? (
          <View data-testid="consent-dialog" data-kind={pending.text.kind}>
            <ScrollView scrollY className="cl-consents__text">
              {pending.text.paragraphs.map((p, i) => (
                <Text key={i} className="cl-consents__paragraph">
                  {p}
                </Text>
              ))}
            </ScrollView>
            <Text className="cl-consents__version" data-testid="consent-dialog-version">
              版本 {pending.text.version}
            </Text>
          </View>
        ) : null}
      </Dialog>
    </PageRoot>
  );
}

/**
 * Asks WeChat for our reminder templates (must run inside the tap that confirmed the dialog)
 * and returns the ones the patient allowed.
 */
async function askWechat(): Promise<SubscribeTemplate[]> {
  let result: Record<string, unknown>;
  try {
    // Taro's option type marks Alipay's `entityIds` required for every platform; WeChat takes only tmplIds.
    result = (await Taro.requestSubscribeMessage({ tmplIds: SUBSCRIBE_TEMPLATES.map((t) => t.id) } as Taro.requestSubscribeMessage.Option)) as unknown as Record<
      string,
      unknown
    >;
  } catch {
    throw new Error('微信未能打开订阅提醒，请稍后重试');
  }
  return SUBSCRIBE_TEMPLATES.filter((t) => result[t.id] === 'accept').map((t) => ({ id: t.id, kind: t.kind }));
}
