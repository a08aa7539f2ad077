import { View } from '@tarojs/components';
import type { PropsWithChildren } from 'react';
import { useLargeText } from '../hooks/use-large-text';
import './page-root.scss';

/** Props of PageRoot. */
export interface PageRootProps {
  /** Names the page for tests and for styles. */
  testId: string;
}

/**
 * The outermost element of every page. It carries the 大字模式 class, which scales every font
 * size below it (ours and NutUI's, through CSS variables).
 */
export function PageRoot({ testId, children }: PropsWithChildren<PageRootProps>) {
  const [largeText] = useLargeText();
  return (
    <View className={largeText ? 'cl-page cl-page--large' : 'cl-page'} data-testid={testId} data-large-text={largeText ? 'on' : 'off'}>
      {children}
    </View>
  );
}
