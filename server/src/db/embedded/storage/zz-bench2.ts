import { ObjectId } from 'bson';
import { encodeValue, recordIdOf } from './key-encoding.js';
import { IndexStore } from './index-store.js';
import { planQuery } from '../query/planner.js';
function bench(name: string, n: number, f: (i: number) => unknown): void {
  for (let i = 0; i < n / 10; i++) f(i);
  const c = process.cpuUsage();
  for (let i = 0; i < n; i++) f(i);
  const u = process.cpuUsage(c);
  console.log(name.padEnd(40), ((u.user + u.system) * 1000 / n).toFixed(1), 'cpu ns/op');
}
const n = Number(process.env.N ?? 100000);
const email = new IndexStore({ key: { email: 1 }, name: 'email_1', unique: true });
for (let i = 0; i < n; i++) {
  const _id = new ObjectId();
  email.add({ _id, email: `user${i}@example.com` }, recordIdOf(_id));
}
const idx = [email];
bench('plan only', 300000, (i) => planQuery({ email: `user${i % n}@example.com` }, idx));
bench('scanPrefix only', 300000, (i) => { let c = 0; for (const _ of email.scanPrefix(encodeValue(`user${i % n}@example.com`))) c++; return c; });
bench(`find email @${n}`, 1000000, (i) => { const p = planQuery({ email: `user${i % n}@example.com` }, idx); let c = 0; if (p.kind === 'IXSCAN') for (const _ of p.rids()) c++; return c; });
