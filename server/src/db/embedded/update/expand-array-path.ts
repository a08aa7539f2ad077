import { ErrorCodes, MongoCommandError } from '../errors.js';
import type { ElementFilter } from './array-filters.js';
import { readChild } from './document-path.js';
import { partText, type PathPart } from './field-path.js';
import { formatElement } from './format-value.js';
import { ABSENT } from './operators/field-operator.js';

/**
 * Expands `$[]` and `$[identifier]` against the current document into the concrete paths they
 * select (`grades.$[g].score` → `grades.0.score`, `grades.2.score`). The positional `$` must
 * already have been replaced by its index. A placeholder needs an existing array to apply to,
 * as in MongoDB.
 */
export function expandArrayPath(
  root: unknown,
  parts: readonly PathPart[],
  filters: ReadonlyMap<string, ElementFilter>,
): string[][] {
  const out: string[][] = [];
  const hasPlaceholderFrom = parts.map((_, i) => parts.slice(i).some((p) => p.kind !== 'field'));
  const walk = (node: unknown, i: number, prefix: string[]): void => {
    if (i === parts.length || !hasPlaceholderFrom[i]) {
      out.push([...prefix, ...parts.slice(i).map(partText)]);
      return;
    }
    const part = parts[i] as PathPart;
    if (part.kind === 'field') {
      walk(node === ABSENT ? ABSENT : readChild(node, part.name), i + 1, [...prefix, part.name]);
      return;
    }
    if (node === ABSENT) {
      throw new MongoCommandError(
        ErrorCodes.BadValue,
        `The path '${prefix.join('.')}' must exist in the document in order to apply array updates.`,
      );
    }
    if (!Array.isArray(node)) {
      throw new MongoCommandError(
        ErrorCodes.BadValue,
        `Cannot apply array updates to non-array element ${formatElement(prefix[prefix.length - 1] ?? '', node)}`,
      );
    }
    const filter = part.kind === 'filtered' ? filters.get(part.identifier) : undefined;
    node.forEach((element, index) => {
      if (part.kind === 'all' || (filter && filter(element))) walk(element, i + 1, [...prefix, String(index)]);
    });
  };
  walk(root, 0, []);
  return out;
}
