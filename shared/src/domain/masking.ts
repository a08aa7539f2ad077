/**
 * Masking of identifiers for screens, logs and API responses (PIPL: identity numbers and phone
 * numbers are sensitive; the screen shows `110***********1234`). Pure and dependency-free — the
 * presenters on the server and the mini-program use the same rules. Every function keeps the
 * length of what it masks (one `*` per hidden character) and never shows more than half of a
 * short or unexpected value, so a malformed input cannot leak whole.
 */

const STAR = '*';

/** Shows `head` characters and `tail` characters, one star for each character between. */
function keepEnds(chars: readonly string[], head: number, tail: number): string {
  if (head + tail >= chars.length) return STAR.repeat(chars.length);
  return (
    chars.slice(0, head).join('') +
    STAR.repeat(chars.length - head - tail) +
    chars.slice(chars.length - tail).join('')
  );
}

/**
 * For values too short for the usual rule: first character and up to a third at the end, so
 * at least half stays hidden; three characters or fewer are hidden entirely.
 */
function maskShort(chars: readonly string[]): string {
  if (chars.length <= 3) return STAR.repeat(chars.length);
  return keepEnds(chars, 1, Math.min(4, Math.floor(chars.length / 3)));
}

/**
 * Masks an identity document number: `110101199003071234` → `110***********1234` (first 3 and
 * last 4 kept; same length). Numbers shorter than 15 characters — passports, permits, typing
 * mistakes — keep only the first character and at most a third at the end
 * (`E12345678` → `E*****678`). Surrounding spaces are dropped.
 */
export function maskIdNumber(raw: string): string {
  const chars = Array.from(raw.trim());
  if (chars.length >= 15) return keepEnds(chars, 3, 4);
  return maskShort(chars);
}

/**
 * Masks a phone number: `13812345678` → `138****5678`. A mainland mobile with a country prefix
 * (`+86`, `0086`, `86`, with or without spaces or dashes) comes back as `+86 138****5678`.
 * Other numbers of 7 or more digits keep the first 3 and last 4 only when that hides at least 4;
 * shorter or odd values follow the same at-least-half-hidden rule as {@link maskIdNumber}.
 */
export function maskPhone(raw: string): string {
  const compact = raw.trim().replace(/[\s-]/g, '');
  const mainland = /^(?:\+86|0086|86)?(1\d{10})$/.exec(compact);
  if (mainland) {
    const masked = keepEnds(Array.from(mainland[1]!), 3, 4);
    return compact.length > 11 ? `+86 ${masked}` : masked;
  }
  const chars = Array.from(compact);
  if (chars.length >= 11) return keepEnds(chars, 3, 4);
  return maskShort(chars);
}

/**
 * Masks a person's name, as Chinese apps conventionally do: first and last character kept,
 * one star for each in between (`张三丰` → `张*丰`, `欧阳娜娜` → `欧**娜`); a two-character name
 * keeps only the surname (`张三` → `张*`); a single character is hidden entirely. Counts
 * Unicode characters, so rare CJK characters outside the BMP count once.
 */
export function maskName(raw: string): string {
  const chars = Array.from(raw.trim());
  if (chars.length <= 1) return STAR.repeat(chars.length);
  if (chars.length === 2) return `${chars[0]}${STAR}`;
  return keepEnds(chars, 1, 1);
}
