import { formatLocalDate, formatShanghaiDateTime, shanghaiClock, shanghaiDate } from '../../services/datetime';

/** A slot or appointment in Asia/Shanghai: "11月25日 周二 08:00–08:15". */
export function visitTimeText(start: string, end: string): string {
  return `${formatLocalDate(shanghaiDate(start))} ${shanghaiClock(start)}–${shanghaiClock(end)}`;
}

/** A deadline the patient must meet: "11月25日 08:15" (today's date is still shown, to be plain). */
export function deadlineText(iso: string): string {
  return formatShanghaiDateTime(iso) ?? '';
}
