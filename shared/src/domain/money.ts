/**
 * Money is integer fen (分) everywhere. This formats it for people: 5000 → "¥50.00".
 */
export function formatFen(fen: number): string {
  if (!Number.isInteger(fen)) throw new Error(`money must be integer fen, got ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
