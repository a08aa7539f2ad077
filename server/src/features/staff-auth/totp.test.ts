import { describe, expect, it } from 'vitest';
import { totpCode, verifyTotp } from './totp.js';

const secret = 'RFZGU5IUQPWRSIC4E4DFIG5NMSFS3HKI';
/** 2030-03-04T01:00:10Z: 10 s into its 30-second step. */
const now = new Date('2030-03-04T01:00:10Z');
const step = Math.floor(now.getTime() / 30_000);
const at = (steps: number) => new Date(now.getTime() + steps * 30_000);

describe('verifyTotp (30 s step, window 1)', () => {
  it.each([
    ['the current code', 0, step],
    ['the previous step (phone slow)', -1, step - 1],
    ['the next step (phone fast)', 1, step + 1],
    ['two steps back', -2, null],
    ['two steps ahead', 2, null],
  ])('%s', (_name, offset, expected) => {
    expect(verifyTotp({ secret, token: totpCode(secret, at(offset)), now, lastStep: null })).toBe(expected);
  });

  it('refuses a code whose step was already used, and older ones', () => {
    expect(verifyTotp({ secret, token: totpCode(secret, now), now, lastStep: step })).toBeNull();
    expect(verifyTotp({ secret, token: totpCode(secret, at(-1)), now, lastStep: step - 1 })).toBeNull();
    expect(verifyTotp({ secret, token: totpCode(secret, at(1)), now, lastStep: step })).toBe(step + 1);
  });

  it('refuses garbage and a code for another secret without throwing', () => {
    expect(verifyTotp({ secret, token: 'abcdef', now, lastStep: null })).toBeNull();
    expect(verifyTotp({ secret: 'F5YRKTCX4ZK22DRUT3QDHG2TRRDZ2B5C', token: totpCode(secret, now), now, lastStep: null })).toBeNull();
  });
});
