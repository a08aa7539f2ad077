import Taro from '@tarojs/taro';

/** Storage key of the 大字模式 setting (kept on the device, not on the server). */
export const LARGE_TEXT_STORAGE_KEY = 'careloop.largeText';

type Listener = () => void;
let enabled = false;
let loaded = false;
const listeners = new Set<Listener>();

function readStorage(): boolean {
  try {
    const value: unknown = Taro.getStorageSync(LARGE_TEXT_STORAGE_KEY);
    return value === true || value === 'true' || value === 1;
  } catch {
    return false;
  }
}

/** Reads the stored setting once at launch (also done lazily on first use). */
export function initLargeText(): void {
  enabled = readStorage();
  loaded = true;
}

/** Whether large text is on right now. */
export function isLargeText(): boolean {
  if (!loaded) initLargeText();
  return enabled;
}

/** Turns large text on or off, stores it, and re-renders every page that shows text. */
export function setLargeText(value: boolean): void {
  enabled = value;
  loaded = true;
  try {
    Taro.setStorageSync(LARGE_TEXT_STORAGE_KEY, value);
  } catch {
    // Storage full or unavailable: the setting still applies for this session.
  }
  for (const listener of listeners) listener();
}

/** Subscribes to changes (for useSyncExternalStore). */
export function subscribeLargeText(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
