/**
 * One booking attempt per slot at a time in this instance. In a rush thousands of requests
 * arrive for a handful of slots at once; without turns every one of them would read the
 * patient, claim, and race for the place in MongoDB, only for all but one to lose. Taking turns,
 * the first attempt does that work and the ones queued behind it are answered from the sold-out
 * memo the moment it has won. Only an efficiency measure: correctness rests on the conditional
 * update in MongoDB, which also arbitrates between instances.
 */
export interface SlotTurns {
  /** Runs `attempt` once every earlier attempt on `slotId` in this instance has finished. */
  take<T>(slotId: string, attempt: () => Promise<T>): Promise<T>;
}

/** Creates the turn keeper (a promise chain per slot, dropped when its queue empties). */
export function createSlotTurns(): SlotTurns {
  const tails = new Map<string, Promise<void>>();
  return {
    async take(slotId, attempt) {
      const before = tails.get(slotId) ?? Promise.resolve();
      let done!: () => void;
      const mine = new Promise<void>((resolve) => {
        done = resolve;
      });
      const tail = before.then(() => mine);
      tails.set(slotId, tail);
      await before;
      try {
        return await attempt();
      } finally {
        done();
        if (tails.get(slotId) === tail) tails.delete(slotId);
      }
    },
  };
}
