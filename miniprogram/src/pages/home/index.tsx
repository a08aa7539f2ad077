import { Text, View } from '@tarojs/components';
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { useEffect } from 'react';
import type { Institution } from '@careloop/shared';
import { NavCard } from '../../components/nav-card';
import { PageRoot } from '../../components/page-root';
import { RequestView } from '../../components/request-view';
import { StaleBanner } from '../../components/stale-banner';
import { useRequest } from '../../hooks/use-request';
import { directoryApi } from '../../services/api';
import { institutionLabel } from '../../services/institution-label';
import { routes } from '../../services/routes';
import './index.scss';

/** 首页: the alliance's institutions, the first step of finding care. */
export default function HomePage() {
  const request = useRequest(() => directoryApi.institutions(), []);

  usePullDownRefresh(() => request.reload());
  useEffect(() => {
    if (request.status !== 'loading') Taro.stopPullDownRefresh();
  }, [request.status]);

  const open = (institution: Institution) => {
    void Taro.navigateTo({ url: routes.departments(institution.id, institution.name) });
  };

  return (
    <PageRoot testId="page-home">
      <View className="cl-home__hero">
        <Text className="cl-home__title">医联体一站式就医</Text>
        <Text className="cl-home__subtitle">一个账号，通用联盟内所有医院与社区卫生服务中心</Text>
      </View>
      <Text className="cl-section-title">选择就诊机构</Text>
      <RequestView request={request} isEmpty={(d) => d.items.length === 0} emptyTitle="暂无可预约的机构" emptyDescription="请稍后再来看看">
        {(data) => (
          <View data-testid="institution-list">
            <StaleBanner stale={data.stale} syncedAt={data.syncedAt} />
            {data.items.map((institution) => (
              <NavCard
                key={institution.id}
                testId="institution-item"
                titleTestId="institution-name"
                id={institution.id}
                title={institution.name}
                badge={institutionLabel(institution)}
                lines={[institution.address]}
                onClick={() => open(institution)}
              />
            ))}
          </View>
        )}
      </RequestView>
    </PageRoot>
  );
}
