import { Picker, Text, View } from '@tarojs/components';
import { Empty } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import { STATE_IMAGES } from '../../../../components/state-images';
import { PageRoot } from '../../../../components/page-root';
import { RequestView } from '../../../../components/request-view';
import { useRequest } from '../../../../hooks/use-request';
import { directoryApi } from '../../../../services/api';
import { formatLocalDate, formatShanghaiDateTime } from '../../../../services/datetime';
import { institutionName } from '../../institution-name';
import { shanghaiDay } from '../../../../services/datetime';
import { canReadReconciliation } from '../../staff-permissions';
import { staffApi } from '../../staff-api';
import { useStaffGuard } from '../../use-staff-session';
import { MismatchItem } from './mismatch-item';
import './index.scss';

/**
 * 对账 (institution and alliance admins): for a Beijing day (yesterday by default), what the
 * daily job found when it compared our payments and refunds with the WeChat Pay trade bill and
 * the hospital's registrations; 无差异 when everything matched, and says so when the day has not
 * been reconciled yet.
 */
export default function StaffReconciliationPage() {
  const session = useStaffGuard();
  if (!session) return <PageRoot testId="staff-reconciliation-page">{null}</PageRoot>;
  if (!canReadReconciliation(session.staff.role)) {
    return (
      <PageRoot testId="staff-reconciliation-page">
        <View className="cl-recon__card" data-testid="reconciliation-forbidden">
          <Text>对账仅对机构管理员和医联体管理员开放。</Text>
        </View>
      </PageRoot>
    );
  }
  return <Reconciliation />;
}

function Reconciliation() {
  const today = shanghaiDay();
  const [date, setDate] = useState(() => shanghaiDay(Date.now(), -1));
  const report = useRequest(() => staffApi.reconciliation(date), [date]);
  const directory = useRequest(() => directoryApi.institutions(), []);

  return (
    <PageRoot testId="staff-reconciliation-page">
      <View className="cl-recon__card">
        <Text className="cl-recon__label">对账日期（北京时间）</Text>
        <Picker mode="date" value={date} end={today} onChange={(e) => setDate(String(e.detail.value))}>
          <View className="cl-recon__date" data-testid="reconciliation-date" data-value={date}>
            <Text>{formatLocalDate(date)}</Text>
            <Text className="cl-recon__change">更换日期</Text>
          </View>
        </Picker>
        <Text className="cl-recon__hint">每天核对前一天的收款和退款：我方记录、微信支付账单、医院挂号三方比对。</Text>
      </View>

      <RequestView request={report} isEmpty={() => false} emptyTitle="" skeletonRows={5}>
        {(data) =>
          data.ranAt === null ? (
            <View className="cl-state" data-testid="reconciliation-not-run">
              <Empty status="empty" image={STATE_IMAGES.empty} imageSize={120} title="该日尚未对账" description="每日对账任务在微信支付账单生成后运行，完成后可在这里查看结果" />
            </View>
          ) : (
            <View data-testid="reconciliation-report" data-date={data.date} data-count={data.items.length}>
              <View className="cl-recon__summary" data-testid="reconciliation-summary">
                <Text>
                  比对收款 {data.compared.payments} 笔、退款 {data.compared.refunds} 笔 · 对账时间 {formatShanghaiDateTime(data.ranAt) ?? data.ranAt}
                </Text>
              </View>
              {data.items.length === 0 ? (
                <View className="cl-state" data-testid="reconciliation-clean">
                  <Empty status="empty" image={STATE_IMAGES.empty} imageSize={120} title="无差异" description="我方记录、微信支付账单和医院挂号一致" />
                </View>
              ) : (
                <View data-testid="mismatch-list">
                  <Text className="cl-section-title">差异 {data.items.length} 条</Text>
                  {data.items.map((m) => (
                    <MismatchItem key={m.id} mismatch={m} institution={m.institutionId ? institutionName(m.institutionId, directory.data) : null} />
                  ))}
                </View>
              )}
            </View>
          )
        }
      </RequestView>
    </PageRoot>
  );
}
