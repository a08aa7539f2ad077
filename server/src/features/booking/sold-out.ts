/**
 * Which places this instance has just seen gone (every place of the slot held or taken), so
 * that in a rush the thousands of requests for a sold-out slot are answered 409 from memory
 * instead of each reading MongoDB. Only ever a shortcut to "no": a place is given out solely
 * by the conditional update in MongoDB. An entry is dropped when this instance releases a place
 * of the slot or re-syncs its day, and after `ttlMs` anyway, so a place released by another
 * instance shows up again within that time.
 */
export interface SoldOutSlots {
  has(slotId: string): boolean;
  add(slotId: string): void;
  /** Forgets slots (released a place, re-synced, quota changed). */
  forget(slotIds: Iterable<string>): void;
}

/** A sold-out memo with a time-to-live in real milliseconds (a cache concern, not a booking rule). */
export function createSoldOutSlots(ttlMs = 1_000, now: () => number = () => performance.now()): SoldOutSlots {
  const until = new Map<string, number>();
  return {
    has(slotId) {
      const expires = until.get(slotId);
      if (expires === undefined) return false;
      if (expires <= now()) {
        until.delete(slotId);
        return false;
      }
      return true;
    },
    add(slotId) {
      // Bounded: a burst over many slots must not grow this without limit.
      if (until.size > 10_000) until.clear();
      until.set(slotId, now() + ttlMs);
    },
    forget(slotIds) {
      for (const id of slotIds) until.delete(id);
    },
  };
}
