import { describe, expect, it } from 'vitest';
import {
  parseResidentId,
  residentIdCheckChar,
  validateHkMacaoPermit,
  validatePassport,
} from '../../../shared/src/domain/id-card.js';

/** The check character computed independently of the module, straight from GB 11643-1999. */
function checkChar(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * weights[i]!;
  return '10X98765432'[sum % 11]!;
}
const withCheck = (first17: string): string => first17 + checkChar(first17);

// 2026-03-07 10:00 in Shanghai.
const TODAY = new Date('2026-03-07T02:00:00Z');

describe('residentIdCheckChar', () => {
  it.each([
    ['11010519491231002', 'X'],
    ['11010119900307123', '3'],
    ['11010520000229001', '3'],
    ['44030419850101123', '5'],
  ])('%s → %s', (first17, expected) => {
    expect(residentIdCheckChar(first17)).toBe(expected);
    expect(checkChar(first17)).toBe(expected);
  });

  it('refuses anything but 17 digits', () => {
    expect(() => residentIdCheckChar('1234')).toThrow();
  });
});

describe('parseResidentId — valid numbers', () => {
  it.each([
    // raw, number, birthDate, sex, regionCode
    ['11010519491231002X', '11010519491231002X', '1949-12-31', 'female', '110105'],
    ['11010519491231002x', '11010519491231002X', '1949-12-31', 'female', '110105'],
    [' 110101 19900307 1233 ', '110101199003071233', '1990-03-07', 'male', '110101'],
    [withCheck('44030419850101123'), '440304198501011235', '1985-01-01', 'male', '440304'],
    [withCheck('44030419850101124'), withCheck('44030419850101124'), '1985-01-01', 'female', '440304'],
    [withCheck('31011519700615202'), withCheck('31011519700615202'), '1970-06-15', 'female', '310115'],
    [withCheck('31011519700615211'), withCheck('31011519700615211'), '1970-06-15', 'male', '310115'],
    [withCheck('65010219800101013'), withCheck('65010219800101013'), '1980-01-01', 'male', '650102'],
    // leap days: 2000 is a leap year (divisible by 400)
    [withCheck('11010520000229001'), '110105200002290013', '2000-02-29', 'male', '110105'],
    [withCheck('11010519960229001'), withCheck('11010519960229001'), '1996-02-29', 'male', '110105'],
    // earliest allowed birth date
    [withCheck('11010519000101001'), withCheck('11010519000101001'), '1900-01-01', 'male', '110105'],
    // born today in Shanghai
    [withCheck('11010520260307001'), withCheck('11010520260307001'), '2026-03-07', 'male', '110105'],
    // Hong Kong, Macao, Taiwan residence permits, overseas Chinese
    [withCheck('81000019900101001'), withCheck('81000019900101001'), '1990-01-01', 'male', '810000'],
    [withCheck('82000019900101002'), withCheck('82000019900101002'), '1990-01-01', 'female', '820000'],
    [withCheck('83000019900101001'), withCheck('83000019900101001'), '1990-01-01', 'male', '830000'],
    [withCheck('71000019900101001'), withCheck('71000019900101001'), '1990-01-01', 'male', '710000'],
    [withCheck('91000019900101001'), withCheck('91000019900101001'), '1990-01-01', 'male', '910000'],
  ])('%s', (raw, number, birthDate, sex, regionCode) => {
    expect(parseResidentId(raw, TODAY)).toEqual({ ok: true, value: { number, birthDate, sex, regionCode } });
  });

  it('compares the birth date with today in Asia/Shanghai, not UTC', () => {
    const bornOn0308 = withCheck('11010520260308001');
    // 2026-03-07T16:30Z is already 2026-03-08 00:30 in Shanghai.
    expect(parseResidentId(bornOn0308, new Date('2026-03-07T16:30:00Z')).ok).toBe(true);
    // 2026-03-07T15:59Z is still 2026-03-07 23:59 in Shanghai.
    expect(parseResidentId(bornOn0308, new Date('2026-03-07T15:59:00Z'))).toMatchObject({
      ok: false,
      reason: 'future_birth_date',
    });
  });
});

describe('parseResidentId — refused numbers', () => {
  it.each([
    ['', 'length'],
    ['11010519491231002', 'length'], // 17 characters
    ['11010519491231002X1', 'length'], // 19 characters
    ['110105491231002', 'length'], // first-generation 15-digit number
    ['1101051949123100XX', 'characters'],
    ['X10105194912310029', 'characters'],
    ['11010519491231002Y', 'characters'],
    ['１１０１０５１９４９１２３１００２Ｘ', 'characters'], // full-width digits
    [withCheck('00010519900101001'), 'region'],
    [withCheck('10010519900101001'), 'region'],
    [withCheck('16010519900101001'), 'region'],
    [withCheck('24010519900101001'), 'region'],
    [withCheck('38010519900101001'), 'region'],
    [withCheck('47010519900101001'), 'region'],
    [withCheck('55010519900101001'), 'region'],
    [withCheck('66010519900101001'), 'region'],
    [withCheck('72010519900101001'), 'region'],
    [withCheck('84010519900101001'), 'region'],
    [withCheck('99010519900101001'), 'region'],
    // 1900 is not a leap year (divisible by 100, not by 400)
    [withCheck('11010519000229001'), 'birth_date'],
    [withCheck('11010519970229001'), 'birth_date'],
    [withCheck('11010519990230001'), 'birth_date'],
    [withCheck('11010519990431001'), 'birth_date'],
    [withCheck('11010519991301001'), 'birth_date'],
    [withCheck('11010519990001001'), 'birth_date'],
    [withCheck('11010519990100001'), 'birth_date'],
    [withCheck('11010518991231001'), 'birth_date'], // before 1900
    [withCheck('11010520260308001'), 'future_birth_date'], // tomorrow in Shanghai
    [withCheck('11010520990101001'), 'future_birth_date'],
    ['110105194912310029', 'checksum'], // the right check character is X
    ['110101199003071234', 'checksum'], // the right check character is 3
    ['11010519900307123X', 'checksum'],
  ])('%s → %s', (raw, reason) => {
    const result = parseResidentId(raw, TODAY);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toBe(reason);
  });

  it.each([
    ['110101199003071234', '身份证号校验位不正确，请核对后重新输入'],
    ['1234', '身份证号应为18位，请核对后重新输入'],
    ['1101011990030712AB', '身份证号只能包含数字，最后一位可以是X，请核对后重新输入'],
    [withCheck('00010519900101001'), '身份证号前两位地区代码不正确，请核对后重新输入'],
    [withCheck('11010519000229001'), '身份证号中的出生日期不正确，请核对后重新输入'],
    [withCheck('11010520990101001'), '身份证号中的出生日期晚于今天，请核对后重新输入'],
  ])('%s explains the problem in Chinese', (raw, message) => {
    expect(parseResidentId(raw, TODAY)).toMatchObject({ ok: false, message });
  });
});

describe('validatePassport', () => {
  it.each([
    ['E12345678', { ok: true, value: { number: 'E12345678' } }],
    ['e12345678', { ok: true, value: { number: 'E12345678' } }],
    [' g 1234 5678 ', { ok: true, value: { number: 'G12345678' } }],
    ['AB123', { ok: true, value: { number: 'AB123' } }],
    ['A1234567890123456', { ok: true, value: { number: 'A1234567890123456' } }],
  ])('%s is accepted', (raw, expected) => {
    expect(validatePassport(raw)).toEqual(expected);
  });

  it.each([
    ['', 'length'],
    ['AB12', 'length'],
    ['A12345678901234567', 'length'],
    ['E1234-5678', 'characters'],
    ['E1234567８', 'characters'],
    ['护照12345', 'characters'],
  ])('%s → %s', (raw, reason) => {
    expect(validatePassport(raw)).toMatchObject({ ok: false, reason });
  });
});

describe('validateHkMacaoPermit', () => {
  it.each([
    ['C12345678', 'C12345678'],
    ['c12345678', 'C12345678'],
    ['CA1234567', 'CA1234567'],
    ['ca1234567', 'CA1234567'],
    ['C 1234 5678', 'C12345678'],
  ])('%s is accepted as %s', (raw, number) => {
    expect(validateHkMacaoPermit(raw)).toEqual({ ok: true, value: { number } });
  });

  it.each([
    ['C1234567', 'length'],
    ['C123456789', 'length'],
    ['', 'length'],
    ['H12345678', 'characters'], // Home-Return Permit, a different document
    ['W12345678', 'characters'],
    ['CAB123456', 'characters'],
    ['C1234567A', 'characters'],
    ['123456789', 'characters'],
  ])('%s → %s', (raw, reason) => {
    expect(validateHkMacaoPermit(raw)).toMatchObject({ ok: false, reason });
  });
});
