import { describe, expect, it } from 'vitest';
import {
  PatientCreateSchema,
  PatientListSchema,
  PatientSchema,
  PatientUpdateSchema,
} from '../../../shared/src/contracts/patients.js';

const valid = {
  relationship: 'parent',
  name: '张三丰',
  idType: 'resident_id',
  idNumber: '11010519491231002X',
} as const;

/** The issues of a failed parse as `path: message`, the way the error middleware names them. */
function issuesOf(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  return (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('PatientCreateSchema', () => {
  it.each([
    ['minimal resident id', valid, valid],
    [
      'lower-case x and spaces normalised, name trimmed',
      { ...valid, name: '  张三丰 ', idNumber: ' 11010519491231002x ' },
      valid,
    ],
    [
      'everything',
      {
        ...valid,
        phone: '13812345678',
        allergies: [' 青霉素 ', '花粉'],
        chronicConditions: ['高血压'],
      },
      { ...valid, phone: '13812345678', allergies: ['青霉素', '花粉'], chronicConditions: ['高血压'] },
    ],
    [
      'passport, upper-cased',
      { relationship: 'spouse', name: 'John Smith', idType: 'passport', idNumber: 'e12345678' },
      { relationship: 'spouse', name: 'John Smith', idType: 'passport', idNumber: 'E12345678' },
    ],
    [
      'HK/Macao permit',
      { relationship: 'child', name: '买买提・艾力', idType: 'hk_macao_permit', idNumber: 'ca1234567' },
      { relationship: 'child', name: '买买提·艾力', idType: 'hk_macao_permit', idNumber: 'CA1234567' },
    ],
    ['rare character outside the BMP', { ...valid, name: '𠮷田' }, { ...valid, name: '𠮷田' }],
    ['30-character name', { ...valid, name: '张'.repeat(30) }, { ...valid, name: '张'.repeat(30) }],
    [
      '20 allergies of 50 characters',
      { ...valid, allergies: Array.from({ length: 20 }, () => '药'.repeat(50)) },
      { ...valid, allergies: Array.from({ length: 20 }, () => '药'.repeat(50)) },
    ],
  ])('accepts %s', (_label, input, output) => {
    expect(PatientCreateSchema.parse(input)).toEqual(output);
  });

  it.each([
    ['bad checksum', { ...valid, idNumber: '110105194912310029' }, ['idNumber: 身份证号校验位不正确，请核对后重新输入']],
    ['short resident id', { ...valid, idNumber: '1101051949' }, ['idNumber: 身份证号应为18位，请核对后重新输入']],
    [
      'resident id sent as a passport is fine, a permit sent as resident id is not',
      { ...valid, idNumber: 'C12345678' },
      ['idNumber: 身份证号应为18位，请核对后重新输入'],
    ],
    [
      'bad permit',
      { ...valid, idType: 'hk_macao_permit', idNumber: 'H12345678' },
      ['idNumber: 往来港澳通行证号码应以C开头，后接8位数字或1个字母加7位数字，请核对后重新输入'],
    ],
    [
      'bad passport',
      { ...valid, idType: 'passport', idNumber: 'E1' },
      ['idNumber: 护照号码应为5至17位字母或数字，请核对后重新输入'],
    ],
    ['empty id number', { ...valid, idNumber: '  ' }, ['idNumber: 请填写证件号码']],
    ['empty name', { ...valid, name: '   ' }, ['name: 请填写姓名', 'name: 姓名只能包含汉字、字母、空格和间隔号“·”']],
    ['31-character name', { ...valid, name: '张'.repeat(31) }, ['name: 姓名不能超过30个字']],
    ['emoji in the name', { ...valid, name: '张三😀' }, ['name: 姓名只能包含汉字、字母、空格和间隔号“·”']],
    ['digits in the name', { ...valid, name: '张三1' }, ['name: 姓名只能包含汉字、字母、空格和间隔号“·”']],
    ['landline as phone', { ...valid, phone: '01012345678' }, ['phone: 手机号应为11位中国大陆手机号码']],
    ['phone with +86', { ...valid, phone: '+8613812345678' }, ['phone: 手机号应为11位中国大陆手机号码']],
    ['21 allergies', { ...valid, allergies: Array.from({ length: 21 }, () => '青霉素') }, ['allergies: 过敏史最多填写20项']],
    ['51-character condition', { ...valid, chronicConditions: ['病'.repeat(51)] }, ['chronicConditions.0: 每项慢性病不能超过50个字']],
    ['empty allergy', { ...valid, allergies: [' '] }, ['allergies.0: 过敏史不能为空']],
  ])('refuses %s', (_label, input, issues) => {
    expect(issuesOf(PatientCreateSchema.safeParse(input))).toEqual(issues);
  });

  it.each([
    ['unknown relationship', { ...valid, relationship: 'friend' }, 'relationship'],
    ['unknown id type', { ...valid, idType: 'driving_licence' }, 'idType'],
    ['owner smuggled in', { ...valid, ownerAccountId: 'a1' }, ''],
  ])('refuses %s at path "%s"', (_label, input, path) => {
    const result = PatientCreateSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.')).toBe(path);
  });

  it('refuses a birth date in the future', () => {
    const year = new Date().getUTCFullYear() + 2;
    const first17 = `110105${year}0101001`;
    const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * weights[i]!, 0);
    const idNumber = first17 + '10X98765432'[sum % 11];
    expect(issuesOf(PatientCreateSchema.safeParse({ ...valid, idNumber }))).toEqual([
      'idNumber: 身份证号中的出生日期晚于今天，请核对后重新输入',
    ]);
  });
});

describe('PatientUpdateSchema', () => {
  it.each([
    [{ name: ' 李四 ' }, { name: '李四' }],
    [{ phone: null }, { phone: null }],
    [{ allergies: [] }, { allergies: [] }],
    [{ relationship: 'other', chronicConditions: ['糖尿病'] }, { relationship: 'other', chronicConditions: ['糖尿病'] }],
  ])('accepts %j', (input, output) => {
    expect(PatientUpdateSchema.parse(input)).toEqual(output);
  });

  it.each([
    [{ idNumber: '11010519491231002X' }, [': 证件类型和证件号码不能修改；如需更换证件，请新建就诊人']],
    [{ name: '李四', idType: 'passport' }, [': 证件类型和证件号码不能修改；如需更换证件，请新建就诊人']],
    [{}, [': 没有需要修改的内容']],
    [{ phone: '123' }, ['phone: 手机号应为11位中国大陆手机号码']],
  ])('refuses %j', (input, issues) => {
    expect(issuesOf(PatientUpdateSchema.safeParse(input))).toEqual(issues);
  });

  it('refuses other unknown fields too', () => {
    expect(PatientUpdateSchema.safeParse({ ownerAccountId: 'a1' }).success).toBe(false);
  });
});

describe('PatientSchema', () => {
  const patient = {
    id: 'p1',
    relationship: 'self',
    name: '张三丰',
    gender: 'female',
    birthDate: '1949-12-31',
    idType: 'resident_id',
    idNumberMasked: '110***********002X',
    phoneMasked: '138****5678',
    allergies: ['青霉素'],
    chronicConditions: [],
    createdAt: '2026-03-07T10:00:00+08:00',
  };

  it('accepts a masked patient and a list of them', () => {
    expect(PatientSchema.parse(patient)).toEqual(patient);
    expect(PatientListSchema.parse({ items: [patient] })).toEqual({ items: [patient] });
  });

  it('allows null gender and birth date for documents that do not encode them', () => {
    const passportHolder = { ...patient, idType: 'passport', idNumberMasked: 'E*****678', gender: null, birthDate: null };
    expect(PatientSchema.parse(passportHolder)).toEqual(passportHolder);
  });
});
