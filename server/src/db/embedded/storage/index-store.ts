import { createRequire } from 'node:module';
import type { Document } from 'bson';
import { Query } from 'mingo';
import type SortedBtree from 'sorted-btree';
import { MongoCommandError, notSupported } from '../errors.js';
import { keyPrefixEnd } from './key-encoding.js';
import { indexKeysOf, keyEntriesOf, type IndexKeyEntry } from './index-keys.js';

// sorted-btree is CommonJS with `exports.default`; Node's ESM loader and vitest disagree on what a
// default import yields, so load it through require, which is the same everywhere.
const BTree = (createRequire(import.meta.url)('sorted-btree') as typeof SortedBtree).default;

/** An index as `createIndexes` receives it and `listIndexes` reports it. */
export interface IndexSpec {
  v?: number;
  key: Record<string, number | string>;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
  [option: string]: unknown;
}

/** Bounds of an index scan over encoded keys; an absent side is open. */
export interface ScanBounds {
  lower?: { key: string; inclusive: boolean };
  upper?: { key: string; inclusive: boolean };
}

const UNSUPPORTED_TYPES: Record<string, string> = {
  text: 'text indexes',
  hashed: 'hashed indexes',
  '2dsphere': '2dsphere indexes',
  '2d': '2d indexes',
  geoHaystack: 'geoHaystack indexes',
};

/** MongoDB's code 171 (CannotIndexParallelArrays); not in the shared table, so named here. */
const CANNOT_INDEX_PARALLEL_ARRAYS = 171;

/** The record ids holding one key: a bare string for the usual single holder, else a set. */
type Holders = string | Set<string>;

/**
 * One secondary index, kept in step with the collection. Distinct encoded keys live in a hash
 * map (key → record ids), so an equality read is one hash lookup whatever the collection size,
 * and in a B-tree, so prefix and range reads cost O(log n + k). Encodings are prefix-free, so all
 * keys sharing an equality prefix are contiguous in the tree.
 *
 * Scans are lazy views: collect the record ids before changing the index.
 */
export class IndexStore {
  readonly spec: IndexSpec;
  readonly fields: string[];
  private readonly byKey = new Map<string, Holders>();
  private readonly keys: SortedBtree.default<string, true> = new BTree<string, true>(undefined, compareStrings);
  private readonly partial: Query | null;
  private isMultikey = false;
  private entryCount = 0;

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.fields = Object.keys(spec.key);
    if (this.fields.length === 0) throw new MongoCommandError(67, 'Index keys cannot be empty.', { codeName: 'CannotCreateIndex' });
    for (const field of this.fields) {
      const kind = spec.key[field];
      if (typeof kind === 'string') throw notSupported(UNSUPPORTED_TYPES[kind] ?? `${kind} indexes`);
      if (field === '$**' || field.endsWith('.$**')) throw notSupported('wildcard indexes');
    }
    const collation = spec.collation as { locale?: unknown } | undefined;
    // Keys are byte-ordered; a locale collation would change equality (unique!) and order.
    if (collation && collation.locale !== 'simple') throw notSupported('collation on an index');
    this.partial = spec.partialFilterExpression ? new Query(spec.partialFilterExpression) : null;
  }

  /** True once any document produced more than one key; never resets (as in MongoDB) until `clear`. */
  get multikey(): boolean {
    return this.isMultikey;
  }

  /**
   * The encoded keys of `doc` in this index, without duplicates: one per array element for a
   * multikey field (the cartesian product across fields of a compound index), null for a missing
   * field, none for a sparse index missing every field or a partial index whose filter fails.
   * Throws 171 for two parallel arrays, as MongoDB refuses to index them.
   */
  keysOf(doc: Document): string[] {
    if (this.partial && !this.partial.test(doc)) return [];
    const keys = indexKeysOf(doc, this.fields, this.spec.sparse === true);
    if (keys === 'parallel') throw this.parallelArrays(doc);
    return keys;
  }

  /** Adds `doc`'s entries under record id `rid`. */
  add(doc: Document, rid: string): void {
    const keys = this.keysOf(doc);
    if (keys.length > 1) this.isMultikey = true;
    for (const key of keys) {
      const holders = this.byKey.get(key);
      if (holders === undefined) {
        this.byKey.set(key, rid);
        this.keys.set(key, true);
      } else if (typeof holders === 'string') {
        if (holders === rid) continue;
        this.byKey.set(key, new Set([holders, rid]));
      } else {
        if (holders.has(rid)) continue;
        holders.add(rid);
      }
      this.entryCount++;
    }
  }

  /** Removes the entries `doc` (as it was stored) made under `rid`. */
  remove(doc: Document, rid: string): void {
    for (const key of this.keysOf(doc)) {
      const holders = this.byKey.get(key);
      if (holders === undefined) continue;
      if (typeof holders === 'string') {
        if (holders !== rid) continue;
        this.byKey.delete(key);
        this.keys.delete(key);
      } else {
        if (!holders.delete(rid)) continue;
        if (holders.size === 1) this.byKey.set(key, holders.values().next().value!);
      }
      this.entryCount--;
    }
  }

  /**
   * For unique indexes: another record holding one of `doc`'s keys, with MongoDB's `keyValue`
   * (`{ email: 'a@b' }`) for the E11000 message; null when the document can be stored at `rid`.
   */
  findDuplicate(doc: Document, rid: string): { rid: string; keyValue: Document } | null {
    for (const entry of this.entriesOf(doc)) {
      const holders = this.byKey.get(entry.key);
      if (holders === undefined) continue;
      if (typeof holders === 'string') {
        if (holders !== rid) return { rid: holders, keyValue: this.keyValue(entry.values) };
        continue;
      }
      for (const other of holders) if (other !== rid) return { rid: other, keyValue: this.keyValue(entry.values) };
    }
    return null;
  }

  /** Record ids whose key lies within `bounds`, in key order, each once. */
  scan(bounds: ScanBounds): Iterable<string> {
    const { lower, upper } = bounds;
    // Keys are prefix-free, so "after K" means "from the first string past every K…" and "up to K
    // inclusive" means "before that string"; this also makes bounds on a compound prefix work.
    const start = lower === undefined ? '' : lower.inclusive ? lower.key : keyPrefixEnd(lower.key);
    const end = upper === undefined ? undefined : upper.inclusive ? keyPrefixEnd(upper.key) : upper.key;
    return this.range(start, end);
  }

  /** Record ids whose key starts with `prefix` (equality on the first fields of a compound index). */
  scanPrefix(prefix: string): Iterable<string> {
    // A complete key is never the prefix of another key: one hash lookup answers it.
    const holders = this.byKey.get(prefix);
    if (holders !== undefined) return typeof holders === 'string' ? [holders] : holders;
    return this.range(prefix, keyPrefixEnd(prefix));
  }

  /**
   * Record ids holding exactly `key`, a complete encoded key (a value for every field): the
   * equality read, one hash lookup.
   */
  scanKey(key: string): Iterable<string> {
    const holders = this.byKey.get(key);
    if (holders === undefined) return EMPTY;
    return typeof holders === 'string' ? [holders] : holders;
  }

  /** Number of entries (a multikey document counts once per key). */
  get size(): number {
    return this.entryCount;
  }

  /** Removes every entry and forgets multikey-ness. */
  clear(): void {
    this.byKey.clear();
    this.keys.clear();
    this.entryCount = 0;
    this.isMultikey = false;
  }

  private entriesOf(doc: Document): IndexKeyEntry[] {
    if (this.partial && !this.partial.test(doc)) return [];
    const entries = keyEntriesOf(doc, this.fields, this.spec.sparse === true);
    if (entries === 'parallel') throw this.parallelArrays(doc);
    return entries;
  }

  private parallelArrays(doc: Document): MongoCommandError {
    const arrays = this.fields.filter((f) => pathHasArray(doc, f));
    return new MongoCommandError(
      CANNOT_INDEX_PARALLEL_ARRAYS,
      `cannot index parallel arrays [${arrays[1] ?? ''}] [${arrays[0] ?? ''}]`,
      { codeName: 'CannotIndexParallelArrays' },
    );
  }

  private keyValue(values: unknown[]): Document {
    const out: Document = {};
    this.fields.forEach((f, i) => {
      out[f] = values[i] === undefined ? null : values[i];
    });
    return out;
  }

  private *range(start: string, end: string | undefined): Generator<string> {
    // A document appears under several keys only in a multikey index; only then is a set needed.
    const seen = this.isMultikey ? new Set<string>() : null;
    const reused: Array<string | true> = []; // saves allocating a pair per key
    for (const [key] of this.keys.entries(start, reused)) {
      if (end !== undefined && (key as string) >= end) return;
      const holders = this.byKey.get(key as string);
      if (holders === undefined) continue;
      if (typeof holders === 'string') {
        if (seen) {
          if (seen.has(holders)) continue;
          seen.add(holders);
        }
        yield holders;
        continue;
      }
      for (const rid of holders) {
        if (seen) {
          if (seen.has(rid)) continue;
          seen.add(rid);
        }
        yield rid;
      }
    }
  }
}

const EMPTY: readonly string[] = [];

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function pathHasArray(doc: Document, path: string): boolean {
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (Array.isArray(cur)) return true;
    if (cur === null || typeof cur !== 'object') return false;
    cur = (cur as Record<string, unknown>)[part];
  }
  return Array.isArray(cur);
}
