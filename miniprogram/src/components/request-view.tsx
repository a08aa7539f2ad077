import { Text, View } from '@tarojs/components';
import { Button, Empty, Skeleton } from '@nutui/nutui-react-taro';
import type { ReactNode } from 'react';
import type { RequestResult } from '../hooks/use-request';
import { STATE_IMAGES } from './state-images';
import './request-view.scss';

/** Props of RequestView. */
export interface RequestViewProps<T> {
  request: RequestResult<T>;
  /** True when the loaded data has nothing to show. */
  isEmpty: (data: T) => boolean;
  /** Chinese text for the empty state, e.g. 暂无科室. */
  emptyTitle: string;
  emptyDescription?: string;
  /** Rows of skeleton while loading. */
  skeletonRows?: number;
  children: (data: T) => ReactNode;
}

/**
 * The loading, error and empty states every screen needs, so pages only render their data.
 * Errors show the server's Chinese message and a 重试 button.
 */
export function RequestView<T>({ request, isEmpty, emptyTitle, emptyDescription, skeletonRows = 4, children }: RequestViewProps<T>) {
  if (request.status === 'loading') {
    return (
      <View className="cl-state cl-state--loading" data-testid="loading-state" aria-busy="true">
        <Skeleton rows={skeletonRows} animated />
        <Text className="cl-state__hint">正在加载…</Text>
      </View>
    );
  }
  if (request.status === 'error') {
    const { error } = request;
    const offline = error.kind === 'network' || error.kind === 'timeout';
    return (
      <View className="cl-state" data-testid="error-state" role="alert">
        <Empty
          status={offline ? 'network' : 'error'}
          image={offline ? STATE_IMAGES.network : STATE_IMAGES.error}
          imageSize={120}
          title="加载失败"
          description={error.message}
        />
        <View className="cl-state__actions">
          <Button type="primary" size="large" onClick={request.reload} data-testid="retry-button">
            重试
          </Button>
        </View>
      </View>
    );
  }
  if (isEmpty(request.data)) {
    return (
      <View className="cl-state" data-testid="empty-state">
        <Empty status="empty" image={STATE_IMAGES.empty} imageSize={120} title={emptyTitle} description={emptyDescription ?? ''} />
      </View>
    );
  }
  return <>{children(request.data)}</>;
}
