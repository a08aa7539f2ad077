import { ObjectId } from 'bson';
import { encodeValue, recordIdOf } from './key-encoding.js';
import { IndexStore } from './index-store.js';
import { planQuery } from '../query/planner.js';

function bench(name: string, n: number, f: (i: number) => unknown): void {
  for (let i = 0; i < n / 10; i++) f(i);
  const t = process.hrtime.bigint();
  let x: unknown;
  for (let i = 0; i < n; i++) x = f(i);
  const ns = Number(process.hrtime.bigint() - t) / n;
  console.log(name.padEnd(40), ns.toFixed(1), 'ns/op', typeof x === 'string' ? '' : '');
}
const oids = Array.from({ length: 1000 }, () => new ObjectId());
const strs = Array.from({ length: 1000 }, (_, i) => `user${i}@example.com`);
bench('encode int', 2e6, (i) => encodeValue(i));
bench('encode double', 2e6, (i) => encodeValue(i + 0.5));
bench('encode string', 2e6, (i) => encodeValue(strs[i % 1000]));
bench('encode oid', 2e6, (i) => encodeValue(oids[i % 1000]));
bench('oid toHexString', 2e6, (i) => oids[i % 1000]!.toHexString());
bench('encode date', 2e6, (i) => encodeValue(new Date(i)));

for (const n of [1000, 100_000]) {
  const email = new IndexStore({ key: { email: 1 }, name: 'email_1', unique: true });
  const clinic = new IndexStore({ key: { clinicId: 1, date: 1 }, name: 'c' });
  const ids: ObjectId[] = [];
  const t0 = Date.now();
  for (let i = 0; i < n; i++) {
    const _id = new ObjectId();
    ids.push(_id);
    const doc = { _id, email: `user${i}@example.com`, clinicId: `c${i % 50}`, date: new Date(1e12 + i * 60000) };
    const rid = recordIdOf(_id);
    email.add(doc, rid);
    clinic.add(doc, rid);
  }
  console.log(`load ${n}`, Date.now() - t0, 'ms');
  const idx = [email, clinic];
  bench(`find email @${n}`, 300000, (i) => { const p = planQuery({ email: `user${i % n}@example.com` }, idx); let c = 0; if (p.kind === 'IXSCAN') for (const _ of p.rids()) c++; return c; });
  bench(`find _id @${n}`, 300000, (i) => planQuery({ _id: ids[i % n] }, idx));
  bench(`range clinic+date limit 20 @${n}`, 100000, (i) => { const p = planQuery({ clinicId: `c${i % 50}`, date: { $gte: new Date(1e12 + (i % n) * 60000) } }, idx); let c = 0; if (p.kind === 'IXSCAN') for (const _ of p.rids()) { if (++c >= 20) break; } return c; });
}
