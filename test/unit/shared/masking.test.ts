import { describe, expect, it } from 'vitest';
import { maskIdNumber, maskName, maskPhone } from '../../../shared/src/domain/masking.js';

describe('maskIdNumber', () => {
  it.each([
    ['110101199003071234', '110***********1234'],
    ['11010519491231002X', '110***********002X'],
    ['  110101199003071234 ', '110***********1234'],
    ['110105491231002', '110********1002'], // 15-digit first-generation number
    ['A1234567890123456', 'A12**********3456'], // long passport number
    ['E12345678', 'E*****678'], // passport: first 1, last 3
    ['C12345678', 'C*****678'], // HK/Macao permit
    ['CA1234567', 'C*****567'],
    ['AB12345', 'A****45'],
    ['1234', '1**4'],
    ['123', '***'],
    ['12', '**'],
    ['1', '*'],
    ['', ''],
  ])('%s → %s', (raw, masked) => {
    expect(maskIdNumber(raw)).toBe(masked);
  });

  it('keeps the length and hides at least half of every length up to 30', () => {
    for (let n = 0; n <= 30; n += 1) {
      const value = '9'.repeat(n);
      const masked = maskIdNumber(value);
      expect(masked).toHaveLength(n);
      expect([...masked].filter((c) => c === '*').length).toBeGreaterThanOrEqual(Math.ceil(n / 2));
    }
  });
});

describe('maskPhone', () => {
  it.each([
    ['13812345678', '138****5678'],
    [' 138 1234 5678 ', '138****5678'],
    ['138-1234-5678', '138****5678'],
    ['+8613812345678', '+86 138****5678'],
    ['+86 138 1234 5678', '+86 138****5678'],
    ['008613812345678', '+86 138****5678'],
    ['8613812345678', '+86 138****5678'],
    ['01012345678', '010****5678'], // Beijing landline with area code
    ['+85291234567', '+85*****4567'], // Hong Kong mobile: 12 characters, 5 hidden
    ['12345', '1***5'],
    ['1234567', '1****67'],
    ['123', '***'],
    ['', ''],
  ])('%s → %s', (raw, masked) => {
    expect(maskPhone(raw)).toBe(masked);
  });
});

describe('maskName', () => {
  it.each([
    ['张三丰', '张*丰'],
    ['张三', '张*'],
    ['欧阳娜娜', '欧**娜'],
    ['买买提·艾力', '买****力'],
    ['𠮷野家', '𠮷*家'], // a character outside the BMP counts once
    [' 李四 ', '李*'],
    ['John Smith', 'J********h'],
    ['王', '*'],
    ['', ''],
  ])('%s → %s', (raw, masked) => {
    expect(maskName(raw)).toBe(masked);
  });
});
