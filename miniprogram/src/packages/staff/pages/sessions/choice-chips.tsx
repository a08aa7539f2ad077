import { Text, View } from '@tarojs/components';

/** One choice: its id (also `data-id`), the text shown, and an optional second line. */
export interface Choice {
  id: string;
  label: string;
  note?: string;
}

/** Props of ChoiceChips. */
export interface ChoiceChipsProps {
  /** data-testid of each chip, e.g. `session-department-option`. */
  testId: string;
  choices: readonly Choice[];
  selected: string;
  onSelect: (id: string) => void;
}

/**
 * A wrapping row of tappable chips, one selected: the steps of 号源管理 (机构 → 科室 → 医生 →
 * 日期) are short lists a scheduler scans at a glance rather than drop-downs to open.
 */
export function ChoiceChips({ testId, choices, selected, onSelect }: ChoiceChipsProps) {
  return (
    <View className="cl-chips">
      {choices.map((choice) => {
        const on = choice.id === selected;
        return (
          <View
            key={choice.id}
            className={on ? 'cl-chip cl-chip--on' : 'cl-chip'}
            data-testid={testId}
            data-id={choice.id}
            data-selected={on ? 'yes' : 'no'}
            onClick={() => onSelect(choice.id)}
            hoverClass="cl-chip--pressed"
            role="button"
          >
            <Text className="cl-chip__label">{choice.label}</Text>
            {choice.note ? <Text className="cl-chip__note">{choice.note}</Text> : null}
          </View>
        );
      })}
    </View>
  );
}
