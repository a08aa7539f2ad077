/**
 * A phone as it may appear on screen: the first three and last four digits (`138****5678`).
 * Local to sign-in until the shared masking module lands; shorter numbers keep only the last
 * two digits.
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\s+/g, '');
  if (digits.length >= 11) return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
  if (digits.length <= 2) return '*'.repeat(digits.length);
  return `${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`;
}
