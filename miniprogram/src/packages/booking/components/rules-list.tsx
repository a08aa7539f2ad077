import { Text, View } from '@tarojs/components';
import './booking-ui.scss';

/** Props of RulesList. */
export interface RulesListProps {
  /** One Chinese sentence per rule (`BookingRules.texts`), in the server's order. */
  texts: string[];
  /** Extra sentences shown first, e.g. the cancellation rule of this very slot. */
  lead?: { text: string; testId: string }[];
}

/** The booking rules as a numbered list, so nobody learns them only when one bites. */
export function RulesList({ texts, lead = [] }: RulesListProps) {
  return (
    <View className="cl-bk-card cl-bk-rules" data-testid="rules-list">
      <Text className="cl-bk-card__title">预约须知</Text>
      {lead.map((l) => (
        <Text key={l.testId} className="cl-bk-rules__item cl-bk-rules__item--lead" data-testid={l.testId}>
          {l.text}
        </Text>
      ))}
      {texts.map((text, i) => (
        <Text key={i} className="cl-bk-rules__item" data-testid="rule-text">
          {i + 1}. {text}
        </Text>
      ))}
    </View>
  );
}
