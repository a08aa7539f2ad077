import { Text, View } from '@tarojs/components';
import { formatShanghaiDateTime } from '../services/datetime';
import './stale-banner.scss';

/** Props of StaleBanner (the freshness fields every directory response carries). */
export interface StaleBannerProps {
  stale: boolean;
  syncedAt: string | null;
}

/**
 * Tells the patient the list comes from the BFF's cache because the hospital systems did not
 * answer: still useful, but schedules may have changed. Renders nothing when data is fresh.
 */
export function StaleBanner({ stale, syncedAt }: StaleBannerProps) {
  if (!stale) return null;
  const when = formatShanghaiDateTime(syncedAt);
  return (
    <View className="cl-stale" data-testid="stale-banner" role="status">
      <Text className="cl-stale__text">数据可能不是最新{when ? `（更新于 ${when}）` : ''}</Text>
    </View>
  );
}
