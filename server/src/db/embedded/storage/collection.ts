import type { Document } from 'bson';
import { Query } from 'mingo';
import { duplicateKeyError, ErrorCodes, MongoCommandError, notSupported } from '../errors.js';
import { IndexStore, type IndexSpec } from './index-store.js';
import { recordIdOf } from './key-encoding.js';
import { planQuery, type Plan } from '../query/planner.js';
import { VersionClock, type HistoryEntry } from './version-clock.js';
import { readPath } from '../update/document-path.js';
import { ABSENT } from '../update/operators/field-operator.js';

/** The `_id_` index every collection has; it is the primary map, not an IndexStore. */
export const ID_INDEX_SPEC = { v: 2, key: { _id: 1 }, name: '_id_' } as const;

/**
 * One collection held in memory: documents by record id (the order-preserving encoding of `_id`)
 * and its secondary indexes, kept in step on every change. Documents are immutable: a change
 * stores a new object, so cursors and snapshots can hold references safely.
 */
let nextUid = 1;

export class Collection {
  /** Stable identity across renames (transaction overlays and locks key on it). */
  readonly uid = nextUid++;
  readonly docs = new Map<string, Document>();
  readonly indexes: IndexStore[] = [];
  /** Versions replaced while transactions were open (see VersionClock). */
  readonly history = new Map<string, HistoryEntry[]>();
  private validatorQuery: Query | null = null;

  constructor(
    readonly db: string,
    public name: string,
    public options: Document = {},
    private readonly clock: VersionClock = new VersionClock(),
  ) {
    this.setOptions(options);
  }

  /** The namespace, "db.collection". */
  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  /** Replaces the collection options (create / collMod), compiling the validator. */
  setOptions(options: Document): void {
    const validator = options.validator as Document | undefined;
    if (validator && Object.keys(validator).length > 0) {
      if (JSON.stringify(validator).includes('"$jsonSchema"')) throw notSupported('$jsonSchema validators');
      try {
        this.validatorQuery = new Query(validator);
      } catch (err) {
        throw new MongoCommandError(ErrorCodes.BadValue, `invalid validator: ${(err as Error).message}`);
      }
    } else {
      this.validatorQuery = null;
    }
    this.options = options;
  }

  /** Index specs as `listIndexes` reports them, `_id_` first. */
  indexSpecs(): Document[] {
    return [{ ...ID_INDEX_SPEC }, ...this.indexes.map((i) => ({ v: 2, ...stripUndefined(i.spec) }))];
  }

  /** Finds a secondary index by name. */
  index(name: string): IndexStore | undefined {
    return this.indexes.find((i) => i.spec.name === name);
  }

  /**
   * Throws exactly what MongoDB would if `doc` were stored at `rid` (duplicate key, validation).
   * Changes nothing. `overlay` is a transaction's pending writes (rid → new doc, or null when
   * deleted), which take precedence over the stored documents.
   */
  check(doc: Document, rid: string, isNew: boolean, overlay?: Map<string, Document | null>): void {
    if (isNew) {
      const pending = overlay?.get(rid);
      const exists = pending !== undefined ? pending !== null : this.docs.has(rid);
      if (exists) throw duplicateKeyError(this.ns, '_id_', { _id: 1 }, { _id: doc._id });
    }
    for (const index of this.indexes) {
      if (!index.spec.unique) continue;
      const dup = index.findDuplicate(doc, rid);
      if (dup && !overlay?.has(dup.rid)) {
        throw duplicateKeyError(this.ns, index.spec.name, index.spec.key as Document, dup.keyValue);
      }
      if (overlay) this.checkOverlayUnique(index, doc, rid, overlay);
    }
    if (this.validatorQuery && this.options.validationLevel !== 'off' && this.options.validationAction !== 'warn') {
      if (!this.validatorQuery.test(doc)) {
        throw new MongoCommandError(ErrorCodes.DocumentValidationFailure, 'Document failed validation', {
          extra: { errInfo: { failingDocumentId: doc._id, details: { operatorName: '$and', schemaRulesNotSatisfied: [] } } },
        });
      }
    }
  }

  private checkOverlayUnique(index: IndexStore, doc: Document, rid: string, overlay: Map<string, Document | null>): void {
    const keys = new Set(index.keysOf(doc));
    if (keys.size === 0) return;
    for (const [otherRid, other] of overlay) {
      if (otherRid === rid || !other) continue;
      if (index.keysOf(other).some((k) => keys.has(k))) {
        const keyValue: Document = {};
        for (const field of index.fields) keyValue[field] = valueAt(doc, field);
        throw duplicateKeyError(this.ns, index.spec.name, index.spec.key as Document, keyValue);
      }
    }
  }

  /** Stores `doc` under `rid` (insert or replace), keeping every index in step. Call `check` first. */
  put(rid: string, doc: Document): Document | undefined {
    const old = this.docs.get(rid);
    if (old) for (const index of this.indexes) index.remove(old, rid);
    for (const index of this.indexes) index.add(doc, rid);
    this.docs.set(rid, doc);
    this.clock.record(this, rid, old ?? null);
    return old;
  }

  /** Removes the document at `rid` (and its index entries); returns it. */
  remove(rid: string): Document | undefined {
    const old = this.docs.get(rid);
    if (!old) return undefined;
    for (const index of this.indexes) index.remove(old, rid);
    this.docs.delete(rid);
    this.clock.record(this, rid, old);
    return old;
  }

  /** Builds a new index over the existing documents; fails with E11000 (leaving nothing behind) on duplicates. */
  addIndex(spec: IndexSpec): IndexStore {
    const index = new IndexStore(spec);
    for (const [rid, doc] of this.docs) {
      if (spec.unique) {
        const dup = index.findDuplicate(doc, rid);
        if (dup) throw duplicateKeyError(this.ns, spec.name, spec.key as Document, dup.keyValue);
      }
      index.add(doc, rid);
    }
    this.indexes.push(index);
    return index;
  }

  /** Removes a secondary index by name. */
  dropIndex(name: string): boolean {
    const at = this.indexes.findIndex((i) => i.spec.name === name);
    if (at < 0) return false;
    this.indexes.splice(at, 1);
    return true;
  }

  /** Chooses a plan for `filter` and yields candidate documents (a superset of the matches). */
  candidates(filter: Document, hint?: string | Document): { plan: Plan; docs: Iterable<Document> } {
    const plan = planQuery(filter, this.indexes, hint);
    if (plan.kind === 'COLLSCAN') return { plan, docs: this.docs.values() };
    const rids = plan.kind === 'IDHACK' ? plan.rids : plan.rids();
    return { plan, docs: this.fetch(rids) };
  }

  private *fetch(rids: Iterable<string>): Iterable<Document> {
    for (const rid of rids) {
      const doc = this.docs.get(rid);
      if (doc) yield doc;
    }
  }
}

/** The record id of a document (its `_id`, order-preservingly encoded). */
export function ridOf(doc: Document): string {
  return recordIdOf(doc._id);
}

function stripUndefined(spec: IndexSpec): Document {
  const out: Document = {};
  for (const [k, v] of Object.entries(spec)) if (v !== undefined && k !== 'v') out[k] = v;
  return out;
}

function valueAt(doc: Document, path: string): unknown {
  const v = readPath(doc, path.split('.'));
  return v === ABSENT || v === undefined ? null : v;
}
