import Taro from '@tarojs/taro';
import { accountRoutes } from '../../services/routes';

/** Leaves the login page: back to whoever sent the user here, or to 我的 when it was opened directly. */
export function leaveLogin(): void {
  if (Taro.getCurrentPages().length > 1) void Taro.navigateBack();
  else void Taro.switchTab({ url: accountRoutes.me });
}
