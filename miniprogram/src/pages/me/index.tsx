import { Text, View } from '@tarojs/components';
import { Switch } from '@nutui/nutui-react-taro';
import { ComingSoon } from '../../components/coming-soon';
import { PageRoot } from '../../components/page-root';
import { useLargeText } from '../../hooks/use-large-text';
import './index.scss';

/** 我的 tab: settings for now (大字模式); account and family members come later. */
export default function MePage() {
  const [largeText, setLargeText] = useLargeText();
  return (
    <PageRoot testId="page-me">
      <Text className="cl-section-title">设置</Text>
      <View className="cl-me__row" data-testid="large-text-setting">
        <View className="cl-me__row-text">
          <Text className="cl-me__row-title">大字模式</Text>
          <Text className="cl-me__row-desc">放大全部文字，方便长辈阅读</Text>
        </View>
        <Switch checked={largeText} onChange={(value: boolean) => setLargeText(value)} data-testid="large-text-switch" />
      </View>
      <ComingSoon feature="就诊人与账户" description="一人绑卡全家用、就诊人管理与授权设置正在建设中。" />
    </PageRoot>
  );
}
