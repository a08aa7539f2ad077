/**
 * Identity documents a patient (就诊人) can be registered with, checked the same way in the
 * mini-program (instant feedback) and in the BFF (the rule that counts). Pure functions: the
 * caller passes `today`, nothing reads the clock. No dependencies — this file is bundled into
 * the mini-program.
 */

/** Why a resident identity number was refused; stable codes the UI can branch on. */
export type ResidentIdFailure =
  | 'length'
  | 'characters'
  | 'region'
  | 'birth_date'
  | 'future_birth_date'
  | 'checksum';

/** A resident identity number that passed every check, with what it encodes. */
export interface ResidentId {
  /** Normalised: 18 characters, check character `X` upper-case, no spaces. */
  number: string;
  /** Date of birth, YYYY-MM-DD (a calendar date, no time zone). */
  birthDate: string;
  /** From the 17th digit (the sequence code): odd = male, even = female. */
  sex: 'male' | 'female';
  /** The six-digit administrative division code the number was issued under. */
  regionCode: string;
}

/** Result of {@link parseResidentId}: the parsed number, or why it was refused (in Chinese). */
export type ResidentIdResult =
  | { ok: true; value: ResidentId }
  | { ok: false; reason: ResidentIdFailure; message: string };

/** Why a passport or permit number was refused. */
export type DocumentNumberFailure = 'length' | 'characters';

/** Result of the passport and permit checks: the normalised number, or why it was refused. */
export type DocumentNumberResult =
  | { ok: true; value: { number: string } }
  | { ok: false; reason: DocumentNumberFailure; message: string };

/** ISO 7064 MOD 11-2 weights for the first 17 digits (2^(18-i) mod 11). */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** Check character indexed by (weighted sum mod 11). */
const CHECK_CODES = '10X98765432';

/**
 * First two digits of the administrative division code (GB/T 2260): the provinces, autonomous
 * regions and municipalities, 71 Taiwan, 81 Hong Kong, 82 Macao, 83 Taiwan residents' residence
 * permits (台湾居民居住证 use 830000), 91 abroad (issued to overseas Chinese).
 */
const PROVINCE_PREFIXES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15',
  '21', '22', '23',
  '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54',
  '61', '62', '63', '64', '65',
  '71', '81', '82', '83', '91',
]);

const MESSAGES: Record<ResidentIdFailure, string> = {
  length: '身份证号应为18位，请核对后重新输入',
  characters: '身份证号只能包含数字，最后一位可以是X，请核对后重新输入',
  region: '身份证号前两位地区代码不正确，请核对后重新输入',
  birth_date: '身份证号中的出生日期不正确，请核对后重新输入',
  future_birth_date: '身份证号中的出生日期晚于今天，请核对后重新输入',
  checksum: '身份证号校验位不正确，请核对后重新输入',
};

/** Shanghai has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact. */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * The check character of the first 17 digits of a resident identity number (ISO 7064 MOD 11-2,
 * GB 11643-1999). Exported so tests and demo-data factories can build valid numbers.
 */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('residentIdCheckChar needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CODES[sum % 11]!;
}

function fail(reason: ResidentIdFailure): ResidentIdResult {
  return { ok: false, reason, message: MESSAGES[reason] };
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/**
 * Parses a Chinese resident identity number (居民身份证号码, GB 11643-1999): 6-digit region,
 * 8-digit birth date, 3-digit sequence (odd = male), and a MOD 11-2 check character.
 * Spaces are ignored and a lower-case `x` is accepted. Checks run in the order of the failure
 * codes so the message names the first thing to fix; the birth date must be a real calendar
 * date from 1900-01-01 to `today` as a date in Asia/Shanghai. The 15-digit first-generation
 * numbers stopped being valid in 2013 and are refused as `length`.
 */
export function parseResidentId(raw: string, today: Date): ResidentIdResult {
  const number = raw.replace(/\s+/g, '').toUpperCase();
  if (number.length !== 18) return fail('length');
  if (!/^\d{17}[\dX]$/.test(number)) return fail('characters');
  if (!PROVINCE_PREFIXES.has(number.slice(0, 2))) return fail('region');

  const year = Number(number.slice(6, 10));
  const month = Number(number.slice(10, 12));
  const day = Number(number.slice(12, 14));
  if (year < 1900 || !isRealDate(year, month, day)) return fail('birth_date');
  const birthDate = `${number.slice(6, 10)}-${number.slice(10, 12)}-${number.slice(12, 14)}`;
  const todayInShanghai = new Date(today.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
  if (birthDate > todayInShanghai) return fail('future_birth_date');

  if (residentIdCheckChar(number.slice(0, 17)) !== number[17]) return fail('checksum');

  return {
    ok: true,
    value: {
      number,
      birthDate,
      sex: Number(number[16]) % 2 === 1 ? 'male' : 'female',
      regionCode: number.slice(0, 6),
    },
  };
}

/**
 * Checks a passport number: 5 to 17 letters and digits once spaces are removed, normalised to
 * upper case. Deliberately loose — it must accept every country's passports (Chinese ones are
 * `E` + 8 digits, others vary), so it only stops typing mistakes, not fakes.
 */
export function validatePassport(raw: string): DocumentNumberResult {
  const number = raw.replace(/\s+/g, '').toUpperCase();
  if (number.length < 5 || number.length > 17) {
    return { ok: false, reason: 'length', message: '护照号码应为5至17位字母或数字，请核对后重新输入' };
  }
  if (!/^[A-Z0-9]+$/.test(number)) {
    return { ok: false, reason: 'characters', message: '护照号码只能包含字母和数字，请核对后重新输入' };
  }
  return { ok: true, value: { number } };
}

/**
 * Checks a mainland resident's Exit-Entry Permit for Travelling to and from Hong Kong and Macao
 * (往来港澳通行证), card version issued since 2014: `C` followed by 8 digits (`C12345678`), or —
 * once those ran out — `C`, one letter and 7 digits (`CA1234567`). Always 9 characters.
 * Spaces are ignored and letters normalised to upper case. (The Home-Return Permit of Hong Kong
 * and Macao residents, `H`/`M` + digits, is a different document and is not accepted here.)
 */
export function validateHkMacaoPermit(raw: string): DocumentNumberResult {
  const number = raw.replace(/\s+/g, '').toUpperCase();
  if (number.length !== 9) {
    return { ok: false, reason: 'length', message: '往来港澳通行证号码应为9位（如C12345678），请核对后重新输入' };
  }
  if (!/^C(?:\d{8}|[A-Z]\d{7})$/.test(number)) {
    return {
      ok: false,
      reason: 'characters',
      message: '往来港澳通行证号码应以C开头，后接8位数字或1个字母加7位数字，请核对后重新输入',
    };
  }
  return { ok: true, value: { number } };
}
