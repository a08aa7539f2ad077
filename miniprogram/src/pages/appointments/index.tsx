import { ComingSoon } from '../../components/coming-soon';
import { PageRoot } from '../../components/page-root';

/** 预约 tab: bookings arrive with the booking feature. */
export default function AppointmentsPage() {
  return (
    <PageRoot testId="page-appointments">
      <ComingSoon feature="预约挂号" description="分时段预约、在线支付与取消退款正在建设中，目前可在首页查看医生出诊安排。" />
    </PageRoot>
  );
}
