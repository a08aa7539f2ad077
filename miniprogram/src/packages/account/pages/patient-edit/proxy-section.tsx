import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { useEffect, useState } from 'react';
import type { Patient, PatientProxy, ProxyInvitation } from '@careloop/shared/contracts/patients';
import { PROXY_INVITATION_TTL_MINUTES } from '@careloop/shared/contracts/patients';
import { RequestView } from '../../../../components/request-view';
import { useRequest } from '../../../../hooks/use-request';
import { toApiError } from '../../../../services/api-error';
import { formatShanghaiDateTime } from '../../../../services/datetime';
import { formatConsentDate } from '../../consent-state';
import { proxiesApi } from '../../proxies-api';

/** "ABCDEFGH" → "ABCD EFGH": easier to read aloud; the server ignores spaces. */
function spaced(code: string): string {
  return code.length === 8 ? `${code.slice(0, 4)} ${code.slice(4)}` : code;
}

/** Seconds until `iso` (0 once past), ticking every second while shown. */
function useSecondsLeft(iso: string | null): number {
  const left = () => (iso ? Math.max(0, Math.ceil((Date.parse(iso) - Date.now()) / 1000)) : 0);
  const [seconds, setSeconds] = useState(left);
  useEffect(() => {
    setSeconds(left());
    if (!iso) return;
    const timer = setInterval(() => setSeconds(left()), 1000);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `left` reads only `iso`
  }, [iso]);
  return seconds;
}

/**
 * 家人代办 on a 就诊人's page (owner only): a one-time invitation code a family member enters
 * under 我的 → 接受家人邀请 (valid 10 minutes), and the accounts that act for this person, each
 * removable. A proxy can book and read for the patient but cannot delete it or invite others.
 */
export function ProxySection({ patient }: { patient: Patient }) {
  const proxies = useRequest(() => proxiesApi.list(patient.id), [patient.id]);
  const [invitation, setInvitation] = useState<ProxyInvitation | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const secondsLeft = useSecondsLeft(invitation?.expiresAt ?? null);

  const invite = async () => {
    setBusy(true);
    setError(null);
    try {
      setInvitation(await proxiesApi.invite(patient.id));
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (proxy: PatientProxy) => {
    const who = proxy.nickname ?? '该家人';
    const { confirm } = await Taro.showModal({
      title: '移除家人代办',
      content: `移除后，${who}将不能再查看或代办“${patient.name}”的挂号、报告等事务。`,
      confirmText: '移除',
      confirmColor: '#d4380d',
    });
    if (!confirm) return;
    setBusy(true);
    setError(null);
    try {
      await proxiesApi.revoke(patient.id, proxy.accountId);
      void Taro.showToast({ title: '已移除', icon: 'success' });
      proxies.reload();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  const copy = (code: string) => void Taro.setClipboardData({ data: code }).catch(() => undefined);

  return (
    <View className="cl-proxy" data-testid="proxy-section">
      <Text className="cl-proxy__title">家人代办</Text>
      <Text className="cl-proxy__desc">
        让子女等家人用自己的微信为“{patient.name}”预约挂号、查看报告。生成邀请码后，请家人在“我的 → 接受家人邀请”中输入。
      </Text>

      {invitation ? (
        <View className="cl-proxy__invitation" data-testid="proxy-invitation" data-code={invitation.code} data-expired={secondsLeft === 0 ? 'yes' : 'no'}>
          <Text className="cl-proxy__code" data-testid="proxy-invitation-code">
            {spaced(invitation.code)}
          </Text>
          {secondsLeft > 0 ? (
            <Text className="cl-proxy__expiry" data-testid="proxy-invitation-expiry">
              {`${PROXY_INVITATION_TTL_MINUTES}分钟内有效，至 ${formatShanghaiDateTime(invitation.expiresAt) ?? ''}（剩余 ${Math.floor(secondsLeft / 60)}:${String(secondsLeft % 60).padStart(2, '0')}），只能使用一次`}
            </Text>
          ) : (
            <Text className="cl-proxy__expiry cl-proxy__expiry--over" data-testid="proxy-invitation-expiry">
              邀请码已过期，请重新生成
            </Text>
          )}
          <View className="cl-proxy__row-actions">
            {secondsLeft > 0 ? (
              <Button size="small" onClick={() => copy(invitation.code)} data-testid="proxy-invitation-copy">
                复制邀请码
              </Button>
            ) : null}
            <Button size="small" type="primary" disabled={busy} onClick={() => void invite()} data-testid="proxy-invite-again">
              重新生成
            </Button>
          </View>
        </View>
      ) : (
        <View className="cl-proxy__invite">
          <Button type="primary" size="normal" block loading={busy} disabled={busy} onClick={() => void invite()} data-testid="proxy-invite">
            生成邀请码
          </Button>
        </View>
      )}

      {error ? (
        <Text className="cl-proxy__error" data-testid="proxy-error">
          {error}
        </Text>
      ) : null}

      <View className="cl-proxy__list-head">
        <Text className="cl-proxy__subtitle">正在代办的家人</Text>
        <Text className="cl-proxy__refresh" onClick={proxies.reload} data-testid="proxy-refresh">
          刷新
        </Text>
      </View>
      <RequestView request={proxies} isEmpty={(d) => d.items.length === 0} emptyTitle="还没有家人代办" emptyDescription="家人接受邀请后会显示在这里" skeletonRows={2}>
        {(data) => (
          <View data-testid="proxy-list">
            {data.items.map((proxy) => (
              <View key={proxy.accountId} className="cl-proxy__item" data-testid="proxy-item" data-account={proxy.accountId}>
                <View className="cl-proxy__item-text">
                  <Text className="cl-proxy__name" data-testid="proxy-item-name">
                    {proxy.nickname ?? '微信用户'}
                  </Text>
                  <Text className="cl-proxy__since">自{formatConsentDate(proxy.since)}起代办</Text>
                </View>
                <Button size="small" disabled={busy} onClick={() => void revoke(proxy)} data-testid="proxy-revoke">
                  移除
                </Button>
              </View>
            ))}
          </View>
        )}
      </RequestView>
    </View>
  );
}
