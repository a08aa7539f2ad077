import { Input, Picker, Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { useEffect, useState } from 'react';
import type { AuditAction, AuditEvent } from '@careloop/shared/contracts/audit';
import { isStaffAdminRole } from '@careloop/shared/contracts/staff';
import { PageRoot } from '../../../../components/page-root';
import { RequestView } from '../../../../components/request-view';
import { useRequest } from '../../../../hooks/use-request';
import { directoryApi } from '../../../../services/api';
import { toApiError } from '../../../../services/api-error';
import { auditQuery, NO_AUDIT_FILTERS, type AuditFilterValues, type AuditPageRequest } from '../../audit-filters';
import { AUDIT_ACTION_LABELS } from '../../audit-labels';
import { institutionName } from '../../institution-name';
import { staffApi } from '../../staff-api';
import { useStaffGuard } from '../../use-staff-session';
import { AuditItem } from './audit-item';
import './index.scss';

type More = { status: 'idle' } | { status: 'loading' } | { status: 'error'; message: string };

/**
 * 审计日志 (institution and alliance admins): who read, changed or exported which patient's
 * data, allowed or not, newest first; filters by patient id, action and date range (Beijing
 * days); 加载更多 follows the API's cursor.
 */
export default function StaffAuditPage() {
  const session = useStaffGuard();
  if (!session) return <PageRoot testId="staff-audit-page">{null}</PageRoot>;
  if (!isStaffAdminRole(session.staff.role)) {
    return (
      <PageRoot testId="staff-audit-page">
        <View className="cl-audit__denied" data-testid="audit-forbidden">
          <Text>审计日志仅对机构管理员和医联体管理员开放。</Text>
        </View>
      </PageRoot>
    );
  }
  return <AuditLog />;
}

function AuditLog() {
  const [draft, setDraft] = useState<AuditFilterValues>(NO_AUDIT_FILTERS);
  const [applied, setApplied] = useState<AuditPageRequest>(() => {
    const initial = auditQuery(NO_AUDIT_FILTERS);
    return initial.ok ? initial.query : {};
  });
  const [filterError, setFilterError] = useState<string | null>(null);
  const first = useRequest(() => staffApi.audit(applied), [applied]);
  const directory = useRequest(() => directoryApi.institutions(), []);

  // Pages after the first, reset whenever the first page is loaded again.
  const [extra, setExtra] = useState<AuditEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [more, setMore] = useState<More>({ status: 'idle' });
  useEffect(() => {
    setExtra([]);
    setMore({ status: 'idle' });
    setCursor(first.status === 'success' ? first.data.nextCursor : null);
  }, [first.status, first.data]);

  const search = (values: AuditFilterValues) => {
    const checked = auditQuery(values);
    if (!checked.ok) {
      setFilterError(checked.message);
      return;
    }
    setFilterError(null);
    setApplied(checked.query);
  };

  const loadMore = async () => {
    if (!cursor || more.status === 'loading') return;
    setMore({ status: 'loading' });
    try {
      const page = await staffApi.audit({ ...applied, cursor });
      setExtra((items) => [...items, ...page.items]);
      setCursor(page.nextCursor);
      setMore({ status: 'idle' });
    } catch (error) {
      setMore({ status: 'error', message: toApiError(error).message });
    }
  };

  const set = <K extends keyof AuditFilterValues>(field: K, value: AuditFilterValues[K]) => setDraft((d) => ({ ...d, [field]: value }));

  return (
    <PageRoot testId="staff-audit-page">
      <View className="cl-audit__filters" data-testid="audit-filters">
        <View className="cl-audit__field" data-testid="audit-filter-patient">
          <Text className="cl-audit__label">就诊人ID</Text>
          <Input className="cl-audit__input" value={draft.patientId} maxlength={64} placeholder="全部就诊人" onInput={(e) => set('patientId', e.detail.value)} />
        </View>
        <View className="cl-audit__field">
          <Text className="cl-audit__label">操作</Text>
          <View className="cl-audit__options">
            {(['', 'read', 'write', 'export'] as const).map((action: AuditAction | '') => (
              <View
                key={action || 'all'}
                className={draft.action === action ? 'cl-audit__option cl-audit__option--on' : 'cl-audit__option'}
                data-testid="audit-filter-action"
                data-value={action || 'all'}
                data-selected={draft.action === action ? 'yes' : 'no'}
                onClick={() => set('action', action)}
              >
                <Text>{action ? AUDIT_ACTION_LABELS[action] : '全部'}</Text>
              </View>
            ))}
          </View>
        </View>
        <View className="cl-audit__field">
          <Text className="cl-audit__label">日期（北京时间）</Text>
          <View className="cl-audit__dates">
            <Picker mode="date" value={draft.fromDate} end={draft.toDate || undefined} onChange={(e) => set('fromDate', String(e.detail.value))}>
              <View className="cl-audit__date" data-testid="audit-filter-from" data-value={draft.fromDate}>
                <Text>{draft.fromDate || '开始日期'}</Text>
              </View>
            </Picker>
            <Text className="cl-audit__to">至</Text>
            <Picker mode="date" value={draft.toDate} start={draft.fromDate || undefined} onChange={(e) => set('toDate', String(e.detail.value))}>
              <View className="cl-audit__date" data-testid="audit-filter-to" data-value={draft.toDate}>
                <Text>{draft.toDate || '结束日期'}</Text>
              </View>
            </Picker>
            {draft.fromDate || draft.toDate ? (
              <Text className="cl-audit__clear" data-testid="audit-filter-clear-dates" onClick={() => setDraft((d) => ({ ...d, fromDate: '', toDate: '' }))}>
                清除
              </Text>
            ) : null}
          </View>
        </View>
        {filterError ? (
          <Text className="cl-audit__error" data-testid="audit-filter-error">
            {filterError}
          </Text>
        ) : null}
        <View className="cl-audit__buttons">
          <Button
            size="normal"
            onClick={() => {
              setDraft(NO_AUDIT_FILTERS);
              search(NO_AUDIT_FILTERS);
            }}
            data-testid="audit-reset"
          >
            重置
          </Button>
          <Button type="primary" size="normal" onClick={() => search(draft)} data-testid="audit-search">
            查询
          </Button>
        </View>
      </View>

      <RequestView request={first} isEmpty={(page) => page.items.length === 0} emptyTitle="没有符合条件的记录" emptyDescription="换个筛选条件试试">
        {(page) => {
          const items = [...page.items, ...extra];
          return (
            <View data-testid="audit-list" data-count={items.length}>
              {items.map((event) => (
                <AuditItem key={event.id} event={event} institution={institutionName(event.institutionId, directory.data)} />
              ))}
              <View className="cl-audit__more">
                {cursor ? (
                  <Button size="normal" loading={more.status === 'loading'} disabled={more.status === 'loading'} onClick={() => void loadMore()} data-testid="audit-load-more">
                    加载更多
                  </Button>
                ) : (
                  <Text className="cl-audit__end" data-testid="audit-end">
                    已显示全部 {items.length} 条记录
                  </Text>
                )}
                {more.status === 'error' ? (
                  <Text className="cl-audit__error" data-testid="audit-more-error">
                    {more.message}
                  </Text>
                ) : null}
              </View>
            </View>
          );
        }}
      </RequestView>
    </PageRoot>
  );
}
