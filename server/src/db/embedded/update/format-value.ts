import type { Binary, Decimal128, Long, ObjectId, Timestamp } from 'bson';
import { bsonKind } from './bson-kind.js';

/**
 * Prints values the way MongoDB's error messages do (`{a: 1}`, `"x"`, `ObjectId('…')`), so that
 * messages read like the real server's and people can search for them.
 */
export function formatValue(v: unknown): string {
  switch (bsonKind(v)) {
    case 'string':
      return JSON.stringify(v);
    case 'number': {
      const n = Number(v);
      return Object.is(n, -0) ? '-0.0' : String(n);
    }
    case 'long':
      return (v as Long).toString();
    case 'decimal':
      return `NumberDecimal("${(v as Decimal128).toString()}")`;
    case 'null':
      return 'null';
    case 'undefined':
      return 'undefined';
    case 'bool':
      return String(v);
    case 'objectId':
      return `ObjectId('${(v as ObjectId).toHexString()}')`;
    case 'date':
      return `new Date(${(v as Date).getTime()})`;
    case 'timestamp': {
      const ts = v as Timestamp;
      return `Timestamp(${ts.t}, ${ts.i})`;
    }
    case 'regex':
      return v instanceof RegExp ? String(v) : `/${(v as { pattern: string }).pattern}/${(v as { options: string }).options}`;
    case 'binData': {
      const bin = v as Binary;
      return `BinData(${bin.sub_type ?? 0}, ${Buffer.from(bin.buffer ?? (v as Uint8Array)).toString('hex').toUpperCase()})`;
    }
    case 'minKey':
      return 'MinKey';
    case 'maxKey':
      return 'MaxKey';
    case 'array': {
      const items = (v as unknown[]).map(formatValue);
      return items.length === 0 ? '[]' : `[ ${items.join(', ')} ]`;
    }
    case 'object': {
      const entries = Object.entries(v as object).filter(([, x]) => x !== undefined);
      return entries.length === 0 ? '{}' : `{ ${entries.map(([k, x]) => `${k}: ${formatValue(x)}`).join(', ')} }`;
    }
    default:
      return String(v);
  }
}

/** `name: value`, MongoDB's rendering of a single BSON element. */
export function formatElement(name: string, value: unknown): string {
  return `${name}: ${formatValue(value)}`;
}

/** `{_id: 1}` — how MongoDB names the document in update error messages. */
export function formatIdOf(doc: Record<string, unknown>): string {
  return '_id' in doc ? `{${formatElement('_id', doc._id)}}` : '{no id}';
}
