import { GROUPS, type GroupRow } from './system-under-test.js';

/** One row of the data sets, generated identically for both systems. */
export interface PatientRow {
  id: number;
  email: string;
  grp: number;
  x: number;
  name: string;
  note: string;
  createdAt: Date;
}

const EPOCH_MS = Date.parse('2024-01-01T00:00:00+08:00');

/** The e-mail of row `i`; unique, and what the secondary-index read looks up. */
export function emailOf(i: number): string {
  return `patient${i}@example.org`;
}

/** Row `i` of every data set: a few typed fields and ~100 bytes of text, like a small patient record. */
export function patientRow(i: number): PatientRow {
  return {
    id: i,
    email: emailOf(i),
    grp: i % GROUPS,
    x: (i * 7919) % 1000,
    name: `Patient ${i}`,
    note: `follow-up ${i % 7} days after discharge; ward ${i % 40}; allergy list reviewed`,
    createdAt: new Date(EPOCH_MS + i * 1000),
  };
}

/** The group-by's correct answer for `rows` rows, sorted by grp, to check both systems against. */
export function expectedGroups(rows: number): GroupRow[] {
  const groups = Array.from({ length: GROUPS }, (_, grp) => ({ grp, n: 0, s: 0 }));
  for (let i = 0; i < rows; i++) {
    const row = patientRow(i);
    const g = groups[row.grp]!;
    g.n++;
    g.s += row.x;
  }
  return groups.filter((g) => g.n > 0);
}

/** A cheap integer hash, so "random" keys are the same on every run and every system. */
export function mix32(n: number): number {
  let h = Math.imul(n ^ (n >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}
