import { ErrorCodes, MongoCommandError } from '../errors.js';

/**
 * A dotted update path split into parts. Update paths differ from query paths: `$`, `$[]` and
 * `$[id]` are array placeholders, and a numeric part indexes an array (or names a field of an
 * object), so the engine works on parts, never on the dotted string.
 */
export type PathPart =
  | { kind: 'field'; name: string }
  | { kind: 'positional' }
  | { kind: 'all' }
  | { kind: 'filtered'; identifier: string };

/** A parsed update path. */
export interface FieldPath {
  dotted: string;
  parts: PathPart[];
}

const FILTERED = /^\$\[(.*)\]$/;

/** Parses one path part; `$[x]` placeholders carry their identifier. */
export function parsePathPart(part: string): PathPart {
  if (part === '$') return { kind: 'positional' };
  if (part === '$[]') return { kind: 'all' };
  const m = FILTERED.exec(part);
  if (m) return { kind: 'filtered', identifier: m[1] ?? '' };
  return { kind: 'field', name: part };
}

/** The text of a part, as it appears in a dotted path. */
export function partText(part: PathPart): string {
  switch (part.kind) {
    case 'field':
      return part.name;
    case 'positional':
      return '$';
    case 'all':
      return '$[]';
    case 'filtered':
      return `$[${part.identifier}]`;
  }
}

/**
 * Parses and checks an update path the way MongoDB's field checker does: no empty path, no empty
 * part, and no array placeholder at the very start (there is no array to apply it to).
 */
export function parseFieldPath(dotted: string): FieldPath {
  if (dotted === '') {
    throw new MongoCommandError(ErrorCodes.EmptyFieldName, 'An empty update path is not valid.');
  }
  const raw = dotted.split('.');
  if (raw.some((p) => p === '')) {
    throw new MongoCommandError(
      ErrorCodes.EmptyFieldName,
      `The update path '${dotted}' contains an empty field name, which is not allowed.`,
    );
  }
  const parts = raw.map(parsePathPart);
  const positionalCount = parts.filter((p) => p.kind === 'positional').length;
  if (positionalCount > 1) {
    throw new MongoCommandError(ErrorCodes.BadValue, `Too many positional (i.e. '$') elements found in path '${dotted}'`);
  }
  const first = parts[0];
  if (first?.kind === 'positional') {
    throw new MongoCommandError(
      ErrorCodes.BadValue,
      `Cannot have positional (i.e. '$') element in the first component in path '${dotted}'`,
    );
  }
  if (first?.kind === 'all' || first?.kind === 'filtered') {
    throw new MongoCommandError(
      ErrorCodes.BadValue,
      `Cannot have array filter identifier (i.e. '$[<id>]') element in the first component in path '${dotted}'`,
    );
  }
  return { dotted, parts };
}

/** True when the part is a non-negative decimal integer without a leading zero (an array index). */
export function isArrayIndex(name: string): boolean {
  return /^(0|[1-9]\d*)$/.test(name) && name.length < 16;
}

/**
 * Orders paths the way MongoDB 5+ applies updates: part by part, numeric parts numerically and
 * other parts lexicographically, so new fields appear in a deterministic order.
 */
export function comparePathTexts(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x === y) continue;
    if (isArrayIndex(x) && isArrayIndex(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** True when `prefix` equals `path` or is an ancestor of it. */
export function isPathPrefix(prefix: readonly string[], path: readonly string[]): boolean {
  if (prefix.length > path.length) return false;
  return prefix.every((p, i) => p === path[i]);
}
