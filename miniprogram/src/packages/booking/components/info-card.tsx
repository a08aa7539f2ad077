import { Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import './booking-ui.scss';

/** One labelled line of an InfoCard. */
export interface InfoRow {
  label: string;
  value: ReactNode;
  /** data-testid of the value, for tests. */
  testId?: string;
}

/** Props of InfoCard. */
export interface InfoCardProps {
  title?: string;
  rows: InfoRow[];
  testId?: string;
}

/** A white card of label / value lines: the facts of a booking, read top to bottom. */
export function InfoCard({ title, rows, testId }: InfoCardProps) {
  return (
    <View className="cl-bk-card" data-testid={testId}>
      {title ? <Text className="cl-bk-card__title">{title}</Text> : null}
      {rows.map((row) => (
        <View className="cl-bk-row" key={row.label}>
          <Text className="cl-bk-row__label">{row.label}</Text>
          <Text className="cl-bk-row__value" data-testid={row.testId}>
            {row.value}
          </Text>
        </View>
      ))}
    </View>
  );
}
