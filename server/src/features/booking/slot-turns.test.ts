import { describe, expect, it } from 'vitest';
import { createSlotTurns } from './slot-turns.js';

describe('slot turns', () => {
  it('runs attempts on one slot one after another, in arrival order, and other slots alongside', async () => {
    const turns = createSlotTurns();
    const events: string[] = [];
    const attempt = (name: string, ms: number, fail = false) => async () => {
      events.push(`${name} start`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      events.push(`${name} end`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([
      turns.take('a', attempt('a1', 20, true)),
      turns.take('a', attempt('a2', 5)),
      turns.take('b', attempt('b1', 5)),
      turns.take('a', attempt('a3', 1)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(events).toEqual(['a1 start', 'b1 start', 'b1 end', 'a1 end', 'a2 start', 'a2 end', 'a3 start', 'a3 end']);
  });
});
