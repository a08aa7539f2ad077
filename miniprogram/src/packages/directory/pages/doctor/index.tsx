import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect } from 'react';
import { Button } from '@nutui/nutui-react-taro';
import { formatFen, type ScheduleDay } from '@careloop/shared';
import { PageRoot } from '../../../../components/page-root';
import { RequestView } from '../../../../components/request-view';
import { StaleBanner } from '../../../../components/stale-banner';
import { useRequest } from '../../../../hooks/use-request';
import { directoryApi } from '../../../../services/api';
import { formatLocalDate } from '../../../../services/datetime';
import { bookingRoutes } from '../../../../pages/appointments/booking-routes';
import { requiredParam } from '../../../../services/route-params';
import './index.scss';

const PERIOD_TEXT: Record<ScheduleDay['period'], string> = { morning: '上午', afternoon: '下午' };

/** A doctor's profile and the next two weeks of sessions. Route: ?doctorId=… */
export default function DoctorPage() {
  const { params } = useRouter();
  const doctorId = params.doctorId ?? '';
  const request = useRequest(() => directoryApi.doctor(requiredParam(doctorId, '医生')), [doctorId]);
  const doctorName = request.status === 'success' ? request.data.doctor.name : '';
  // 预约挂号: a tapped day opens the slot picker on that day; the button, on the first day with places.
  const book = (date: string) => void Taro.navigateTo({ url: bookingRoutes.slots(doctorId, date) });
  const firstOpenDay = (schedule: ScheduleDay[]): string => (schedule.find((d) => d.available > 0) ?? schedule[0])?.date ?? '';

  useEffect(() => {
    if (doctorName) void Taro.setNavigationBarTitle({ title: doctorName });
  }, [doctorName]);

  return (
    <PageRoot testId="page-doctor">
      <RequestView request={request} isEmpty={() => false} emptyTitle="未找到该医生" skeletonRows={6}>
        {({ doctor, stale, syncedAt }) => (
          <View data-testid="doctor-profile" data-id={doctor.id}>
            <StaleBanner stale={stale} syncedAt={syncedAt} />
            <View className="cl-doctor__card">
              <View className="cl-doctor__head">
                <Text className="cl-doctor__name" data-testid="doctor-name">
                  {doctor.name}
                </Text>
                <Text className="cl-doctor__title" data-testid="doctor-title">
                  {doctor.titleText}
                </Text>
              </View>
              <Text className="cl-doctor__fee" data-testid="doctor-fee">
                挂号费 {formatFen(doctor.consultationFee)}
              </Text>
              {doctor.specialties.length > 0 ? (
                <View className="cl-doctor__tags" data-testid="doctor-specialties">
                  {doctor.specialties.map((s) => (
                    <Text key={s} className="cl-doctor__chip">
                      {s}
                    </Text>
                  ))}
                </View>
              ) : null}
              {doctor.scheduleSummary.length > 0 ? (
                <View className="cl-doctor__book">
                  <Button type="primary" size="large" block onClick={() => book(firstOpenDay(doctor.scheduleSummary))} data-testid="book-button">
                    预约挂号
                  </Button>
                </View>
              ) : null}
            </View>

            <Text className="cl-section-title">医生简介</Text>
            <View className="cl-doctor__card">
              <Text className="cl-doctor__bio" data-testid="doctor-bio">
                {doctor.bio || '暂无简介'}
              </Text>
            </View>

            <Text className="cl-section-title">近两周出诊</Text>
            <View className="cl-doctor__card" data-testid="schedule">
              {doctor.scheduleSummary.length === 0 ? (
                <Text className="cl-doctor__muted" data-testid="schedule-empty">
                  近两周暂无出诊安排
                </Text>
              ) : (
                doctor.scheduleSummary.map((day) => (
                  <View
                    className="cl-doctor__slot"
                    key={`${day.date}-${day.period}`}
                    data-testid="schedule-item"
                    data-date={day.date}
                    data-period={day.period}
                    onClick={() => book(day.date)}
                    hoverClass="cl-doctor__slot--pressed"
                  >
                    <Text className="cl-doctor__slot-date">{formatLocalDate(day.date)}</Text>
                    <Text className="cl-doctor__slot-period">{PERIOD_TEXT[day.period]}</Text>
                    <Text
                      className={day.available > 0 ? 'cl-doctor__slot-left' : 'cl-doctor__slot-left cl-doctor__slot-left--full'}
                      data-testid="schedule-availability"
                    >
                      {day.available > 0 ? `余号 ${day.available}/${day.total}` : `约满 0/${day.total}`}
                    </Text>
                    <Text className="cl-doctor__slot-go">{day.available > 0 ? '预约 ›' : '候补 ›'}</Text>
                  </View>
                ))
              )}
            </View>
          </View>
        )}
      </RequestView>
    </PageRoot>
  );
}
