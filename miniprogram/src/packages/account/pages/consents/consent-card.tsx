import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import type { ReactNode } from 'react';
import { formatConsentDate, type ConsentStatus } from '../../consent-state';
import type { ConsentText } from '../../consent-texts';

/** Props of ConsentCard. */
export interface ConsentCardProps {
  text: ConsentText;
  status: ConsentStatus;
  /** `self` for the account holder, else the patient id (exposed as data-patient for tests). */
  subject: string;
  busy: boolean;
  /** Absent: no grant button (e.g. subscribe messages in H5), `note` says why. */
  onGrant?: () => void;
  onWithdraw: () => void;
  /** Extra lines under the status (the allowed reminders, an H5 notice). */
  note?: ReactNode;
}

/** The state words of a consent, e.g. 已同意（2026年1月5日）. */
export function statusLabel(status: ConsentStatus): string {
  switch (status.state) {
    case 'granted':
      return `已同意（${formatConsentDate(status.grantedAt)}，版本 ${status.version}）`;
    case 'withdrawn':
      return `已撤回（${formatConsentDate(status.withdrawnAt)}）`;
    case 'none':
      return '未同意';
  }
}

/** One consent for one person: what it means, where it stands, and agree / withdraw. */
export function ConsentCard({ text, status, subject, busy, onGrant, onWithdraw, note }: ConsentCardProps) {
  return (
    <View className="cl-consent" data-testid="consent-card" data-kind={text.kind} data-patient={subject} data-state={status.state}>
      <Text className="cl-consent__title">{text.title}</Text>
      <Text className="cl-consent__meaning">{text.meaning}</Text>
      <Text className={`cl-consent__status cl-consent__status--${status.state}`} data-testid="consent-status">
        {statusLabel(status)}
      </Text>
      {note}
      <View className="cl-consent__actions">
        {status.state === 'granted' ? (
          <Button size="normal" disabled={busy} onClick={onWithdraw} data-testid="consent-withdraw">
            撤回授权
          </Button>
        ) : onGrant ? (
          <Button type="primary" size="normal" disabled={busy} onClick={onGrant} data-testid="consent-grant">
            {status.state === 'withdrawn' ? '重新同意' : '查看并同意'}
          </Button>
        ) : null}
      </View>
    </View>
  );
}
