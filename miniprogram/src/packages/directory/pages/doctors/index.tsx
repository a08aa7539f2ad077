import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect } from 'react';
import { formatFen, type DoctorSummary } from '@careloop/shared';
import { NavCard } from '../../../../components/nav-card';
import { PageRoot } from '../../../../components/page-root';
import { RequestView } from '../../../../components/request-view';
import { StaleBanner } from '../../../../components/stale-banner';
import { useRequest } from '../../../../hooks/use-request';
import { directoryApi } from '../../../../services/api';
import { routes } from '../../../../services/routes';
import { decodeParam, requiredParam } from '../../../../services/route-params';

/** Doctors of one department. Route: ?departmentId=…&name=… */
export default function DoctorsPage() {
  const { params } = useRouter();
  const departmentId = params.departmentId ?? '';
  const name = decodeParam(params.name);

  useEffect(() => {
    if (name) void Taro.setNavigationBarTitle({ title: name });
  }, [name]);

  const request = useRequest(() => directoryApi.doctors(requiredParam(departmentId, '科室')), [departmentId]);

  const open = (doctor: DoctorSummary) => {
    void Taro.navigateTo({ url: routes.doctor(doctor.id) });
  };

  return (
    <PageRoot testId="page-doctors">
      <RequestView request={request} isEmpty={(d) => d.items.length === 0} emptyTitle="暂无出诊医生" emptyDescription="该科室近期没有可预约的医生">
        {(data) => (
          <View data-testid="doctor-list">
            <StaleBanner stale={data.stale} syncedAt={data.syncedAt} />
            {data.items.map((doctor) => (
              <NavCard
                key={doctor.id}
                testId="doctor-item"
                titleTestId="doctor-item-name"
                id={doctor.id}
                title={doctor.name}
                subtitle={doctor.titleText}
                lines={doctor.specialties.length > 0 ? [`擅长：${doctor.specialties.join('、')}`] : []}
                extra={<Text data-testid="doctor-item-fee">挂号费 {formatFen(doctor.consultationFee)}</Text>}
                onClick={() => open(doctor)}
              />
            ))}
          </View>
        )}
      </RequestView>
    </PageRoot>
  );
}
