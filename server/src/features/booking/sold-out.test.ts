import { describe, expect, it } from 'vitest';
import { createSoldOutSlots } from './sold-out.js';

describe('sold-out memo', () => {
  it('remembers a slot for the time-to-live, and forgets it when told', () => {
    let now = 0;
    const memo = createSoldOutSlots(1_000, () => now);
    expect(memo.has('a')).toBe(false);
    memo.add('a');
    memo.add('b');
    now = 999;
    expect([memo.has('a'), memo.has('b')]).toEqual([true, true]);
    memo.forget(['b']);
    expect([memo.has('a'), memo.has('b')]).toEqual([true, false]);
    now = 1_000;
    expect(memo.has('a')).toBe(false);
  });
});
