import { describe, expect, it } from 'vitest';
import {
  ConsentGrantSchema,
  ConsentListSchema,
  ConsentSchema,
  ConsentWithdrawSchema,
} from '../../../shared/src/contracts/consents.js';

function issuesOf(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  return (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
}

const template = (id: string, kind: 'one_time' | 'long_term' = 'one_time') => ({ id, kind });

describe('ConsentGrantSchema', () => {
  it.each([
    [{ kind: 'health_data_processing', version: '2026-01' }],
    [{ kind: 'alliance_sharing', version: '2026-01', patientId: 'p1' }],
    [{ kind: 'subscribe_message', version: '1', templateIds: [template('tmpl_A-1')] }],
    [
      {
        kind: 'subscribe_message',
        version: '1',
        templateIds: ['a', 'b', 'c', 'd', 'e'].map((id) => template(id, 'long_term')),
      },
    ],
  ])('accepts %j', (input) => {
    expect(ConsentGrantSchema.parse(input)).toEqual(input);
  });

  it.each([
    [{ kind: 'subscribe_message', version: '1' }, ['templateIds: 订阅消息授权需要提供模板ID']],
    [{ kind: 'subscribe_message', version: '1', templateIds: [] }, ['templateIds: 请至少选择一个订阅消息模板']],
    [
      { kind: 'subscribe_message', version: '1', templateIds: ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => template(id)) },
      ['templateIds: 每次最多订阅5个消息模板'],
    ],
    [
      { kind: 'subscribe_message', version: '1', templateIds: [template('a'), template('a', 'long_term')] },
      ['templateIds: 订阅消息模板不能重复'],
    ],
    [
      { kind: 'subscribe_message', version: '1', templateIds: [template('bad id!')] },
      ['templateIds.0.id: 订阅消息模板ID格式不正确'],
    ],
    [
      { kind: 'alliance_sharing', version: '1', templateIds: [template('a')] },
      ['templateIds: 只有订阅消息授权需要模板ID'],
    ],
    [{ kind: 'health_data_processing', version: ' ' }, ['version: 请提供同意书版本']],
    [{ kind: 'health_data_processing' }, ['version: 请提供同意书版本']],
  ])('refuses %j', (input, issues) => {
    expect(issuesOf(ConsentGrantSchema.safeParse(input))).toEqual(issues);
  });

  it.each([
    [{ kind: 'marketing', version: '1' }, 'kind'],
    [{ kind: 'subscribe_message', version: '1', templateIds: [{ id: 'a', kind: 'forever' }] }, 'templateIds.0.kind'],
    [{ kind: 'health_data_processing', version: '1', actingAccountId: 'a2' }, ''],
  ])('refuses %j at its path', (input, path) => {
    const result = ConsentGrantSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.')).toBe(path);
  });
});

describe('ConsentWithdrawSchema', () => {
  it.each([
    [{ kind: 'alliance_sharing' }],
    [{ kind: 'health_data_processing', patientId: 'p1' }],
    [{ kind: 'subscribe_message' }],
    [{ kind: 'subscribe_message', templateIds: ['a', 'b'] }],
  ])('accepts %j', (input) => {
    expect(ConsentWithdrawSchema.parse(input)).toEqual(input);
  });

  it.each([
    [{ kind: 'alliance_sharing', templateIds: ['a'] }, ['templateIds: 只有订阅消息授权需要模板ID']],
    [{ kind: 'subscribe_message', templateIds: ['a', 'a'] }, ['templateIds: 订阅消息模板不能重复']],
    [{ kind: 'subscribe_message', templateIds: ['a', 'b', 'c', 'd', 'e', 'f'] }, ['templateIds: 每次最多撤回5个消息模板']],
  ])('refuses %j', (input, issues) => {
    expect(issuesOf(ConsentWithdrawSchema.safeParse(input))).toEqual(issues);
  });
});

describe('ConsentSchema', () => {
  const consent = {
    id: 'c1',
    kind: 'subscribe_message',
    version: '1',
    patientId: null,
    grantedAt: '2026-03-07T10:00:00+08:00',
    withdrawnAt: null,
    withdrawnHow: null,
    actingAccountId: 'a1',
    templateIds: [template('a')],
  };

  it('accepts a consent in force and a withdrawn one', () => {
    const withdrawn = {
      ...consent,
      kind: 'alliance_sharing',
      patientId: 'p1',
      templateIds: [],
      withdrawnAt: '2026-03-08T02:00:00Z',
      withdrawnHow: 'patient_request',
    };
    expect(ConsentListSchema.parse({ items: [consent, withdrawn] })).toEqual({ items: [consent, withdrawn] });
  });

  it('refuses a grant time without an offset', () => {
    expect(ConsentSchema.safeParse({ ...consent, grantedAt: '2026-03-07 10:00' }).success).toBe(false);
  });
});
