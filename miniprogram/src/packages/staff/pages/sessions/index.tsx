import { Picker, Text, View } from '@tarojs/components';
import { useEffect, useMemo, useState } from 'react';
import { allianceScope, type StaffProfile } from '@careloop/shared/contracts/staff';
import type { StaffSession } from '@careloop/shared/contracts/sessions';
import { PageRoot } from '../../../../components/page-root';
import { RequestView } from '../../../../components/request-view';
import { useRequest } from '../../../../hooks/use-request';
import { directoryApi } from '../../../../services/api';
import { formatLocalDate } from '../../../../services/datetime';
import { institutionName } from '../../institution-name';
import { shanghaiDay } from '../../../../services/datetime';
import { canManageSessions } from '../../staff-permissions';
import { staffApi } from '../../staff-api';
import { useStaffGuard } from '../../use-staff-session';
import { ChoiceChips } from './choice-chips';
import { canBookPriority } from './priority-input';
import { SessionCard } from './session-card';
import './index.scss';

/**
 * 号源管理 (schedulers, institution and alliance admins): 科室 → 医生 → 日期 (an alliance admin
 * first picks the member institution), then that day's sessions with places per channel, where
 * the referral / priority split is changed and a session is stopped (停诊).
 */
export default function StaffSessionsPage() {
  const session = useStaffGuard();
  if (!session) return <PageRoot testId="staff-sessions-page">{null}</PageRoot>;
  if (!canManageSessions(session.staff.role)) {
    return (
      <PageRoot testId="staff-sessions-page">
        <View className="cl-sessions__denied" data-testid="sessions-forbidden">
          <Text>号源管理仅对排班员、机构管理员和医联体管理员开放。</Text>
        </View>
      </PageRoot>
    );
  }
  return <SessionManager staff={session.staff} />;
}

function SessionManager({ staff }: { staff: StaffProfile }) {
  const everyMember = staff.institutionId === allianceScope || staff.role === 'alliance_admin';
  const [institutionId, setInstitutionId] = useState(everyMember ? '' : staff.institutionId);
  const [departmentId, setDepartmentId] = useState('');
  const [doctorId, setDoctorId] = useState('');
  const [date, setDate] = useState('');

  const institutions = useRequest(() => directoryApi.institutions(), []);
  const departments = useRequest(
    () => (institutionId ? directoryApi.departments(institutionId) : new Promise<never>(() => undefined)),
    [institutionId],
  );
  const doctors = useRequest(() => (departmentId ? directoryApi.doctors(departmentId) : new Promise<never>(() => undefined)), [departmentId]);
  const profile = useRequest(() => (doctorId ? directoryApi.doctor(doctorId) : new Promise<never>(() => undefined)), [doctorId]);

  const chooseInstitution = (id: string) => {
    setInstitutionId(id);
    setDepartmentId('');
    setDoctorId('');
    setDate('');
  };
  const chooseDepartment = (id: string) => {
    setDepartmentId(id);
    setDoctorId('');
    setDate('');
  };
  const chooseDoctor = (id: string) => {
    setDoctorId(id);
    setDate('');
  };

  // The doctor's days with sessions in the coming two weeks, plus a day picked in the calendar.
  const today = shanghaiDay();
  const scheduleDays = useMemo(() => {
    if (profile.status !== 'success') return [];
    const days = [...new Set(profile.data.doctor.scheduleSummary.map((s) => s.date))];
    if (date && !days.includes(date)) days.push(date);
    return days.sort();
  }, [profile.status, profile.data, date]);
  useEffect(() => {
    if (!doctorId || date || profile.status !== 'success') return;
    setDate(scheduleDays.find((d) => d >= today) ?? today);
  }, [doctorId, date, profile.status, scheduleDays, today]);

  return (
    <PageRoot testId="staff-sessions-page">
      <View className="cl-sessions__intro">
        <Text className="cl-sessions__intro-text">
          {everyMember ? '全医联体' : institutionName(staff.institutionId, institutions.data)}：选择科室、医生和日期，查看各时段号源；可调整转诊预留号和优先号、加号、为老年人和残疾人优先预约，或停诊。
        </Text>
      </View>

      {everyMember ? (
        <View className="cl-sessions__step" data-testid="session-step-institution">
          <Text className="cl-sessions__step-title">机构</Text>
          <RequestView request={institutions} isEmpty={(d) => d.items.length === 0} emptyTitle="暂无机构" skeletonRows={2}>
            {(data) => (
              <ChoiceChips
                testId="session-institution-option"
                choices={data.items.map((i) => ({ id: i.id, label: i.shortName || i.name }))}
                selected={institutionId}
                onSelect={chooseInstitution}
              />
            )}
          </RequestView>
        </View>
      ) : null}

      {institutionId ? (
        <View className="cl-sessions__step" data-testid="session-step-department">
          <Text className="cl-sessions__step-title">科室</Text>
          <RequestView request={departments} isEmpty={(d) => d.items.length === 0} emptyTitle="该机构暂无科室" skeletonRows={2}>
            {(data) => (
              <ChoiceChips
                testId="session-department-option"
                choices={data.items.map((d) => ({ id: d.id, label: d.name }))}
                selected={departmentId}
                onSelect={chooseDepartment}
              />
            )}
          </RequestView>
        </View>
      ) : null}

      {departmentId ? (
        <View className="cl-sessions__step" data-testid="session-step-doctor">
          <Text className="cl-sessions__step-title">医生</Text>
          <RequestView request={doctors} isEmpty={(d) => d.items.length === 0} emptyTitle="该科室暂无出诊医生" skeletonRows={2}>
            {(data) => (
              <ChoiceChips
                testId="session-doctor-option"
                choices={data.items.map((d) => ({ id: d.id, label: d.name, note: d.titleText }))}
                selected={doctorId}
                onSelect={chooseDoctor}
              />
            )}
          </RequestView>
        </View>
      ) : null}

      {doctorId ? (
        <View className="cl-sessions__step" data-testid="session-step-date">
          <Text className="cl-sessions__step-title">日期（北京时间）</Text>
          <RequestView request={profile} isEmpty={() => false} skeletonRows={1} emptyTitle="">
            {() => (
              <>
                {scheduleDays.length > 0 ? (
                  <ChoiceChips
                    testId="session-date-option"
                    choices={scheduleDays.map((d) => ({ id: d, label: formatLocalDate(d) }))}
                    selected={date}
                    onSelect={setDate}
                  />
                ) : (
                  <Text className="cl-sessions__muted" data-testid="session-no-schedule">
                    近两周暂无出诊安排
                  </Text>
                )}
                <Picker mode="date" value={date || today} onChange={(e) => setDate(String(e.detail.value))}>
                  <View className="cl-sessions__calendar" data-testid="session-date-picker" data-value={date}>
                    <Text>其他日期…</Text>
                  </View>
                </Picker>
              </>
            )}
          </RequestView>
        </View>
      ) : null}

      {doctorId && date ? <DaySessions doctorId={doctorId} date={date} staff={staff} /> : null}
    </PageRoot>
  );
}

/** The sessions of one doctor's day; a change made on a card replaces that session in place. */
function DaySessions({ doctorId, date, staff }: { doctorId: string; date: string; staff: StaffProfile }) {
  const list = useRequest(() => staffApi.sessions(doctorId, date), [doctorId, date]);
  const [changed, setChanged] = useState<Record<string, StaffSession>>({});
  useEffect(() => setChanged({}), [list.status, list.data]);
  const now = Date.now();

  return (
    <View className="cl-sessions__day">
      <Text className="cl-section-title">{formatLocalDate(date)} 出诊时段</Text>
      <RequestView request={list} isEmpty={(items) => items.length === 0} emptyTitle="当天没有出诊" emptyDescription="请选择其他日期" skeletonRows={5}>
        {(items) => (
          <View data-testid="session-list" data-date={date} data-count={items.length}>
            {items.map((s) => (
              <SessionCard
                key={s.id}
                session={changed[s.id] ?? s}
                now={now}
                canBookPriority={canBookPriority(staff, s.institutionId)}
                onChanged={(next) => setChanged((c) => ({ ...c, [next.id]: next }))}
              />
            ))}
          </View>
        )}
      </RequestView>
    </View>
  );
}
