import { type PropsWithChildren } from 'react';
import { useLaunch } from '@tarojs/taro';
import { initLargeText } from './services/large-text';
import './app.scss';

/** The app root: Taro renders every page inside it. */
function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    initLargeText();
  });
  return children;
}

export default App;
