import { useSyncExternalStore } from 'react';
import { isLargeText, setLargeText, subscribeLargeText } from '../services/large-text';

/** The 大字模式 setting and its setter, shared by every page of the app. */
export function useLargeText(): [boolean, (value: boolean) => void] {
  const value = useSyncExternalStore(subscribeLargeText, isLargeText, isLargeText);
  return [value, setLargeText];
}
