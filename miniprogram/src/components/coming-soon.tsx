import { View } from '@tarojs/components';
import { Empty } from '@nutui/nutui-react-taro';
import { STATE_IMAGES } from './state-images';
import './coming-soon.scss';

/** Props of ComingSoon. */
export interface ComingSoonProps {
  /** What the tab will hold, e.g. 我的预约. */
  feature: string;
  description: string;
}

/** A tab whose feature is not built yet: says so plainly instead of showing a blank page. */
export function ComingSoon({ feature, description }: ComingSoonProps) {
  return (
    <View className="cl-coming-soon" data-testid="coming-soon">
      <Empty status="empty" image={STATE_IMAGES.empty} imageSize={120} title={`${feature} · 即将上线`} description={description} />
    </View>
  );
}
