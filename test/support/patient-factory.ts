import { residentIdCheckChar } from '@careloop/shared/domain/id-card';
import type { Db } from 'mongodb';
import { Types } from 'mongoose';
import { FieldCrypto } from '../../server/src/crypto/field-crypto.js';
import { signPatientAccessToken } from '../../server/src/http/auth.js';
import { sandboxOpenid } from '../../server/src/integrations/wechat/sandbox/index.js';

/**
 * Patients in bulk for booking tests and the booking bench: accounts, each with one `self`
 * 就诊人, written straight to the database exactly as the auth and patients services store them
 * (identity number encrypted, blind index), with a signed access token each — so 2,000 patients
 * do not have to sign in and register one by one first. No test-runner imports: the bench uses it.
 */

/** A patient made by the factory: its account, its token, the 就诊人 id. */
export interface TestPatient {
  accountId: string;
  patientId: string;
  name: string;
  openid: string;
  token: string;
}

/** A valid resident id number for the n-th test person (born 1990-03-07). */
export function testIdNumber(n: number): string {
  const first17 = `11010519900307${String(n % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

let batch = 0;

/** Inserts `count` accounts with their patients; tokens are valid 30 days from `now`. */
export async function seedPatientDocuments(
  db: Db,
  now: Date,
  count: number,
  keys: { fieldEncryptionKey: string; jwtSecret: string },
): Promise<TestPatient[]> {
  batch += 1;
  const crypto = new FieldCrypto(Buffer.from(keys.fieldEncryptionKey, 'base64'));
  const accounts: Record<string, unknown>[] = [];
  const patients: Record<string, unknown>[] = [];
  const made: TestPatient[] = [];
  for (let i = 0; i < count; i++) {
    const accountId = new Types.ObjectId();
    const patientId = new Types.ObjectId();
    const openid = sandboxOpenid(`booking-${process.pid}-${batch}-${i}`);
    const idNumber = testIdNumber(i);
    const name = `测试患者${batch}-${i}`;
    accounts.push({
      _id: accountId,
      openid,
      sessionKeyEnc: crypto.encrypt('c2Vzc2lvbi1rZXktMTIzNDU2', 'account.sessionKey'),
      largeText: false,
      createdAt: now,
      updatedAt: now,
    });
    patients.push({
      _id: patientId,
      ownerAccountId: accountId,
      relationship: 'self',
      name,
      idType: 'resident_id',
      idNumberEnc: crypto.encrypt(idNumber, 'patient.idNumber'),
      idIndex: crypto.blindIndex(idNumber, 'patient.idNumber'),
      gender: 'male',
      birthDate: '1990-03-07',
      allergies: [],
      chronicConditions: [],
      hospitalPatientId: null,
      createdBy: accountId,
      updatedBy: accountId,
      createdAt: now,
      updatedAt: now,
      deleted: false,
      deletedAt: null,
      deletedBy: null,
    });
    made.push({
      accountId: accountId.toHexString(),
      patientId: patientId.toHexString(),
      name,
      openid,
      token: signPatientAccessToken(accountId.toHexString(), keys.jwtSecret, now, 30 * 86_400),
    });
  }
  await db.collection('accounts').insertMany(accounts);
  await db.collection('patients').insertMany(patients);
  return made;
}
