import type { Document } from 'bson';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import { isDocument } from './bson-kind.js';
import { readPath } from './document-path.js';
import { compileQuery } from './element-matcher.js';

function mentionsPath(clause: unknown, prefix: string): boolean {
  if (Array.isArray(clause)) return clause.some((c) => mentionsPath(c, prefix));
  if (!isDocument(clause)) return false;
  return Object.entries(clause).some(
    ([k, v]) => k === prefix || k.startsWith(`${prefix}.`) || (k.startsWith('$') && mentionsPath(v, prefix)),
  );
}

/** The parts of the filter that constrain the array at `prefix` (looking through $and). */
function clausesOn(filter: Document, prefix: string, out: Document[]): void {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const clause of value) if (isDocument(clause)) clausesOn(clause, prefix, out);
    } else if ((key === '$or' || key === '$nor') && mentionsPath(value, prefix)) {
      out.push({ [key]: value });
    } else if (key === prefix || key.startsWith(`${prefix}.`)) {
      out.push({ [key]: value });
    }
  }
}

/** Nests `leaf` under the given parts: (['a','b'], x) → {a: {b: x}}. */
function nest(parts: readonly string[], leaf: unknown): Document {
  let value = leaf;
  for (let i = parts.length - 1; i >= 0; i--) value = { [parts[i] as string]: value };
  return value as Document;
}

/**
 * Finds the array index the positional `$` stands for: the first element of the array at
 * `arrayParts` that satisfies the filter's conditions on that array. Each element is tested on
 * its own as a one-element array, which is what "the element the query matched" means for
 * `{'grades.grade': 85}`, `{grades: {$elemMatch: ...}}` and `{tags: 'x'}` alike.
 */
export function resolvePositional(doc: Document, filter: Document | undefined, arrayParts: readonly string[]): number {
  const notFound = new MongoCommandError(
    ErrorCodes.BadValue,
    'The positional operator did not find the match needed from the query.',
  );
  const array = readPath(doc, arrayParts);
  if (!filter || !Array.isArray(array)) throw notFound;
  const clauses: Document[] = [];
  clausesOn(filter, arrayParts.join('.'), clauses);
  if (clauses.length === 0) throw notFound;
  const matches = compileQuery(clauses.length === 1 ? (clauses[0] as Document) : { $and: clauses }, '');
  const index = array.findIndex((element) => matches(nest(arrayParts, [element])));
  if (index < 0) throw notFound;
  return index;
}
