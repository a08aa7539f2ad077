import { Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import './nav-card.scss';

/** Props of NavCard. */
export interface NavCardProps {
  /** data-testid of the card, e.g. `institution-item`. */
  testId: string;
  /** data-testid of the title, e.g. `institution-name`. */
  titleTestId: string;
  /** The entity's id, exposed as data-id for tests. */
  id: string;
  title: string;
  /** Small text right after the title, e.g. 主任医师. */
  subtitle?: string;
  /** Badge on the right of the title row, e.g. 三级医院. */
  badge?: string;
  /** Secondary lines below the title. */
  lines?: ReactNode[];
  /** Right-hand text on the last row, e.g. the fee. */
  extra?: ReactNode;
  onClick: () => void;
}

/** A tappable list card that leads to the next step of the directory. */
export function NavCard({ testId, titleTestId, id, title, subtitle, badge, lines = [], extra, onClick }: NavCardProps) {
  return (
    <View className="cl-card" data-testid={testId} data-id={id} onClick={onClick} hoverClass="cl-card--pressed" role="button">
      <View className="cl-card__head">
        <Text className="cl-card__title" data-testid={titleTestId}>
          {title}
        </Text>
        {subtitle ? <Text className="cl-card__subtitle">{subtitle}</Text> : null}
        {badge ? <Text className="cl-card__badge">{badge}</Text> : null}
        <Text className="cl-card__arrow">›</Text>
      </View>
      {lines.map((line, i) => (
        <View className="cl-card__line" key={i}>
          {line}
        </View>
      ))}
      {extra ? <View className="cl-card__extra">{extra}</View> : null}
    </View>
  );
}
