import { type PropsWithChildren } from 'react';
import Taro, { useLaunch } from '@tarojs/taro';
import { initLargeText } from './services/large-text';
import { setSignedOutHandler } from './services/api';
import { accountRoutes } from './services/routes';
import './app.scss';

/** Opens the login page when the session ends under the user, unless it is already open. */
function openLogin(): void {
  const pages = Taro.getCurrentPages();
  const top = pages[pages.length - 1];
  if (top && `/${String(top.route ?? '').replace(/^\//, '')}`.startsWith(accountRoutes.login)) return;
  void Taro.navigateTo({ url: accountRoutes.login });
}

/** The app root: Taro renders every page inside it. */
function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    initLargeText();
    setSignedOutHandler(openLogin);
  });
  return children;
}

export default App;
