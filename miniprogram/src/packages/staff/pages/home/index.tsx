import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import { isStaffAdminRole } from '@careloop/shared/contracts/staff';
import { NavCard } from '../../../../components/nav-card';
import { PageRoot } from '../../../../components/page-root';
import { useRequest } from '../../../../hooks/use-request';
import { directoryApi } from '../../../../services/api';
import { formatShanghaiDateTime } from '../../../../services/datetime';
import { institutionName } from '../../institution-name';
import { STAFF_ROLE_LABELS } from '../../role-labels';
import { staffApi, staffSignedOut } from '../../staff-api';
import { staffRoutes } from '../../staff-routes';
import { canManageSessions, canReadReconciliation } from '../../staff-permissions';
import { useStaffGuard } from '../../use-staff-session';
import './index.scss';

/**
 * 工作台: who is signed in (name, role, institution, until when) and what the role can open —
 * 号源管理 for schedulers and admins, 对账 and the 审计日志 for institution and alliance admins —
 * and 退出登录.
 */
export default function StaffHomePage() {
  const session = useStaffGuard();
  // Only for the institution's name; the staff member sees the id until it loads, or if it fails.
  const directory = useRequest(() => directoryApi.institutions(), []);
  const [leaving, setLeaving] = useState(false);

  const logout = async () => {
    const { confirm } = await Taro.showModal({ title: '退出登录', content: '确定要退出工作人员账号吗？', confirmText: '退出' });
    if (!confirm) return;
    setLeaving(true);
    await staffApi.logout();
    staffSignedOut();
  };

  if (!session) return <PageRoot testId="staff-home-page">{null}</PageRoot>;
  const { staff } = session;
  const admin = isStaffAdminRole(staff.role);
  return (
    <PageRoot testId="staff-home-page">
      <View className="cl-staff-home__card" data-testid="staff-welcome">
        <Text className="cl-staff-home__name">欢迎，{staff.displayName}</Text>
        <View className="cl-staff-home__meta">
          <Text className="cl-staff-home__role" data-testid="staff-role" data-role={staff.role}>
            {STAFF_ROLE_LABELS[staff.role]}
          </Text>
          <Text className="cl-staff-home__institution" data-testid="staff-institution" data-institution={staff.institutionId}>
            {institutionName(staff.institutionId, directory.data)}
          </Text>
        </View>
        <Text className="cl-staff-home__expiry" data-testid="staff-session-expiry">
          本次登录有效至 {formatShanghaiDateTime(session.expiresAt) ?? session.expiresAt}（北京时间），到期后需重新登录
        </Text>
      </View>

      <Text className="cl-section-title">工作台</Text>
      {canManageSessions(staff.role) ? (
        <NavCard
          testId="staff-sessions-entry"
          titleTestId="staff-sessions-entry-title"
          id="sessions"
          title="号源管理"
          lines={['查看医生各时段号源，调整转诊预留号和优先号，停诊']}
          onClick={() => void Taro.navigateTo({ url: staffRoutes.sessions })}
        />
      ) : null}
      {canReadReconciliation(staff.role) ? (
        <NavCard
          testId="staff-reconciliation-entry"
          titleTestId="staff-reconciliation-entry-title"
          id="reconciliation"
          title="对账"
          lines={['我方收款退款、微信支付账单与医院挂号的每日差异']}
          onClick={() => void Taro.navigateTo({ url: staffRoutes.reconciliation })}
        />
      ) : null}
      {admin ? (
        <NavCard
          testId="staff-audit-entry"
          titleTestId="staff-audit-entry-title"
          id="audit"
          title="审计日志"
          lines={[staff.role === 'alliance_admin' ? '全医联体工作人员查看、修改、导出患者数据的记录' : '本机构工作人员查看、修改、导出患者数据的记录']}
          onClick={() => void Taro.navigateTo({ url: staffRoutes.audit })}
        />
      ) : null}
      {!admin && !canManageSessions(staff.role) ? (
        <View className="cl-staff-home__empty" data-testid="staff-no-tools">
          <Text>随访、投诉处理等工作台功能正在建设中，上线后会出现在这里。</Text>
        </View>
      ) : null}

      <View className="cl-staff-home__logout">
        <Button size="large" block loading={leaving} disabled={leaving} onClick={() => void logout()} data-testid="staff-logout">
          退出登录
        </Button>
      </View>
    </PageRoot>
  );
}
