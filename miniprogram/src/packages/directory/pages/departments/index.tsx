import { View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect } from 'react';
import type { Department } from '@careloop/shared';
import { NavCard } from '../../../../components/nav-card';
import { PageRoot } from '../../../../components/page-root';
import { RequestView } from '../../../../components/request-view';
import { StaleBanner } from '../../../../components/stale-banner';
import { useRequest } from '../../../../hooks/use-request';
import { directoryApi } from '../../../../services/api';
import { routes } from '../../../../services/routes';
import { decodeParam, requiredParam } from '../../../../services/route-params';

/** Departments of one institution. Route: ?institutionId=…&name=… */
export default function DepartmentsPage() {
  const { params } = useRouter();
  const institutionId = params.institutionId ?? '';
  const name = decodeParam(params.name);

  useEffect(() => {
    if (name) void Taro.setNavigationBarTitle({ title: name });
  }, [name]);

  const request = useRequest(() => directoryApi.departments(requiredParam(institutionId, '机构')), [institutionId]);

  const open = (department: Department) => {
    void Taro.navigateTo({ url: routes.doctors(department.id, department.name) });
  };

  return (
    <PageRoot testId="page-departments">
      <RequestView request={request} isEmpty={(d) => d.items.length === 0} emptyTitle="暂无科室" emptyDescription="该机构暂未开放线上预约的科室">
        {(data) => (
          <View data-testid="department-list">
            <StaleBanner stale={data.stale} syncedAt={data.syncedAt} />
            {data.items.map((department) => (
              <NavCard
                key={department.id}
                testId="department-item"
                titleTestId="department-name"
                id={department.id}
                title={department.name}
                lines={department.description ? [department.description] : []}
                onClick={() => open(department)}
              />
            ))}
          </View>
        )}
      </RequestView>
    </PageRoot>
  );
}
