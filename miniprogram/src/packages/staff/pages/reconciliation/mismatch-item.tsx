import { Text, View } from '@tarojs/components';
import type { ReconciliationMismatch } from '@careloop/shared/contracts/reconciliation';
import { formatShanghaiDateTime } from '../../../../services/datetime';
import { mismatchSides } from '../../reconciliation-sides';

/** One mismatch: what differs, the three records side by side, and the numbers to look it up by. */
export function MismatchItem({ mismatch, institution }: { mismatch: ReconciliationMismatch; institution: string | null }) {
  const sides = mismatchSides(mismatch);
  return (
    <View className="cl-recon__item" data-testid="mismatch-item" data-id={mismatch.id} data-kind={mismatch.kind}>
      <Text className="cl-recon__kind" data-testid="mismatch-kind">
        {mismatch.kindText}
      </Text>
      <View className="cl-recon__sides">
        <View className="cl-recon__side" data-testid="mismatch-ours">
          <Text className="cl-recon__side-name">我方记录</Text>
          <Text className="cl-recon__side-value">{sides.ours}</Text>
        </View>
        <View className="cl-recon__side" data-testid="mismatch-bill">
          <Text className="cl-recon__side-name">微信支付账单</Text>
          <Text className="cl-recon__side-value">{sides.bill}</Text>
        </View>
        <View className="cl-recon__side" data-testid="mismatch-hospital">
          <Text className="cl-recon__side-name">医院挂号</Text>
          <Text className="cl-recon__side-value">{sides.hospital}</Text>
        </View>
      </View>
      {mismatch.outTradeNo ? <Text className="cl-recon__line">商户订单号：{mismatch.outTradeNo}</Text> : null}
      {mismatch.outRefundNo ? <Text className="cl-recon__line">退款单号：{mismatch.outRefundNo}</Text> : null}
      {mismatch.appointmentId ? <Text className="cl-recon__line">预约ID：{mismatch.appointmentId}</Text> : null}
      {institution ? <Text className="cl-recon__line">机构：{institution}</Text> : null}
      <Text className="cl-recon__time">发现于 {formatShanghaiDateTime(mismatch.detectedAt) ?? mismatch.detectedAt}（北京时间）</Text>
    </View>
  );
}
