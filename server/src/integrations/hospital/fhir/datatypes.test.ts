import { describe, expect, it } from 'vitest';
import { MappingError, fractionToBasisPoints, moneyToFen, referenceId, scaleDecimal } from './mappers/datatypes.js';

describe('FHIR decimals to integers without float drift', () => {
  it.each([
    [50, 5000],
    [0.1 + 0.2, 30],
    [1.005, 101], // Math.round(1.005 * 100) === 100
    [1.015, 102],
    [2.675, 268],
    [0.004, 0],
    [0.005, 1],
    [19.99, 1999],
    [-1.005, -101],
    [-0.004, 0],
    [1e-7, 0],
    [123456789.12, 12345678912],
    [1e21, Number.NaN],
  ])('%s yuan → %s fen', (yuan, fen) => {
    if (Number.isNaN(fen)) expect(() => moneyToFen({ value: yuan }, 'x')).toThrow(MappingError);
    else expect(moneyToFen({ value: yuan, currency: 'CNY' }, 'x')).toBe(fen);
  });

  it('refuses a missing amount and another currency', () => {
    expect(() => moneyToFen(undefined, 'x')).toThrow(MappingError);
    expect(() => moneyToFen({ currency: 'CNY' }, 'x')).toThrow(MappingError);
    expect(() => moneyToFen({ value: 1, currency: 'USD' }, 'x')).toThrow(/not CNY/);
  });

  it('shares to basis points', () => {
    expect(fractionToBasisPoints(0.1)).toBe(1000);
    expect(fractionToBasisPoints(0.15)).toBe(1500);
    expect(fractionToBasisPoints(0.00005)).toBe(1);
    expect(fractionToBasisPoints(1)).toBe(10000);
    expect(scaleDecimal(1.5e-5, 4)).toBe(0);
  });
});

describe('references', () => {
  it.each([
    ['Practitioner/p-1', 'p-1'],
    ['Practitioner/p-1/_history/3', 'p-1'],
    ['http://his.test/fhir/Practitioner/p-1', 'p-1'],
    ['Patient/p-1', undefined],
    ['#contained', undefined],
    ['Practitioner/a/b', undefined],
  ])('%s → %s', (reference, id) => {
    expect(referenceId({ reference }, 'Practitioner')).toBe(id);
  });
});
