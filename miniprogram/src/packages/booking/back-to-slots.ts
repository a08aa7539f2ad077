import Taro from '@tarojs/taro';
import { bookingRoutes } from '../../pages/appointments/booking-routes';

/**
 * Returns to the slot picker after a lost race or a rule said no: back down the stack when the
 * picker is there (it reloads its counts when shown), otherwise (a reloaded H5 page) open it.
 */
export function backToSlots(doctorId: string, date: string): void {
  const pages = Taro.getCurrentPages();
  let index = -1;
  pages.forEach((page, i) => {
    if (String(page.route ?? '').includes('packages/booking/pages/slots/')) index = i;
  });
  if (index >= 0) void Taro.navigateBack({ delta: pages.length - 1 - index });
  else void Taro.redirectTo({ url: bookingRoutes.slots(doctorId, date) });
}
