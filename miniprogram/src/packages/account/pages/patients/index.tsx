import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { useRef } from 'react';
import type { Patient } from '@careloop/shared/contracts/patients';
import { NavCard } from '../../../../components/nav-card';
import { PageRoot } from '../../../../components/page-root';
import { RequestView } from '../../../../components/request-view';
import { useRequest } from '../../../../hooks/use-request';
import { accountRoutes } from '../../../../services/routes';
import { ID_TYPE_LABELS, RELATIONSHIP_LABELS } from '../../patient-labels';
import { patientsApi } from '../../patients-api';
import './index.scss';

/**
 * 就诊人管理: the people this account books for, identity numbers masked; add and edit. People a
 * family member invited this account to act for (家人代办) are listed too, marked 代办.
 */
export default function PatientsPage() {
  const request = useRequest(() => patientsApi.list(), []);
  const shown = useRef(false);

  // Coming back from the form: load again so a new or edited person shows.
  useDidShow(() => {
    if (shown.current) request.reload();
    shown.current = true;
  });

  const add = () => void Taro.navigateTo({ url: accountRoutes.patientEdit() });
  const edit = (patient: Patient) => void Taro.navigateTo({ url: accountRoutes.patientEdit(patient.id) });

  return (
    <PageRoot testId="page-patients">
      <RequestView request={request} isEmpty={(d) => d.items.length === 0} emptyTitle="还没有就诊人" emptyDescription="添加本人或家人后即可预约挂号">
        {(data) => (
          <View data-testid="patient-list">
            {data.items.map((patient) => (
              <NavCard
                key={patient.id}
                testId="patient-item"
                titleTestId="patient-item-name"
                id={patient.id}
                title={patient.name}
                badge={patient.access === 'proxy' ? '代办' : RELATIONSHIP_LABELS[patient.relationship]}
                lines={[
                  ...(patient.access === 'proxy'
                    ? [
                        <Text key="proxy" data-testid="patient-item-proxy">
                          家人授权您代办
                        </Text>,
                      ]
                    : []),
                  <Text key="id" data-testid="patient-item-id">
                    {ID_TYPE_LABELS[patient.idType]} {patient.idNumberMasked}
                  </Text>,
                  ...(patient.phoneMasked ? [<Text key="phone">手机号 {patient.phoneMasked}</Text>] : []),
                ]}
                onClick={() => edit(patient)}
              />
            ))}
          </View>
        )}
      </RequestView>
      <View className="cl-patients__add">
        <Button type="primary" size="large" block onClick={add} data-testid="patient-add-button">
          添加就诊人
        </Button>
      </View>
    </PageRoot>
  );
}
