import { type PropsWithChildren } from 'react';
import Taro, { useLaunch } from '@tarojs/taro';
import { initLargeText } from './services/large-text';
import { setSignedOutHandler } from './services/api';
import { accountRoutes } from './services/routes';
import './app.scss';

// `/staff` is the staff area's address in the browser. Taro's router only knows page paths, so
// rewrite it before the router reads the URL (this module runs before the router is created).
if (process.env.TARO_ENV === 'h5' && typeof window !== 'undefined' && /^\/staff\/?$/.test(window.location.pathname)) {
  window.history.replaceState(window.history.state, '', `${accountRoutes.staffLogin}${window.location.search}`);
}

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
