import { Binary, UUID, type Document } from 'bson';
import { Query } from 'mingo';
import { ErrorCodes, MongoCommandError, notSupported } from '../errors.js';
import type { JournalOp } from '../persistence/persistence.js';
import type { IndexSpec } from '../storage/index-store.js';
import { collectionArg, CommandWriteScope, docArg, type CommandContext } from './context.js';

const COLLECTION_UUIDS = new WeakMap<object, Binary>();

function uuidOf(coll: object): Binary {
  let id = COLLECTION_UUIDS.get(coll);
  if (!id) COLLECTION_UUIDS.set(coll, (id = new UUID().toBinary()));
  return id;
}

async function journal(ctx: CommandContext, ops: JournalOp[]): Promise<void> {
  await ctx.server.catalog.commit(ops, true);
}

function noDdlInTransaction(ctx: CommandContext): void {
  if (ctx.txn && ctx.name !== 'create' && ctx.name !== 'createIndexes') {
    throw new MongoCommandError(ErrorCodes.OperationNotSupportedInTransaction, `Cannot run '${ctx.name}' in a multi-document transaction.`);
  }
}

/** create: an explicit collection (validator options honoured; views, capped and time series are not supported). */
export async function createCommand(ctx: CommandContext): Promise<Document> {
  noDdlInTransaction(ctx);
  const name = collectionArg(ctx);
  const body = ctx.body;
  if (body.viewOn !== undefined) throw notSupported('views');
  if (body.capped === true) throw notSupported('capped collections');
  if (body.timeseries !== undefined) throw notSupported('time series collections');
  if (body.clusteredIndex !== undefined) throw notSupported('clustered collections');
  const options: Document = {};
  for (const key of ['validator', 'validationLevel', 'validationAction']) if (body[key] !== undefined) options[key] = body[key];
  const ops: JournalOp[] = [];
  const existing = ctx.server.catalog.get(ctx.db, name);
  // MongoDB 7: creating an existing collection with the same options is a no-op.
  if (existing && JSON.stringify(existing.options) === JSON.stringify(options)) return { ok: 1 };
  ctx.server.catalog.create(ctx.db, name, options, ops);
  await journal(ctx, ops);
  return { ok: 1 };
}

/** drop: MongoDB 7 answers ok for a collection that does not exist. */
export async function dropCommand(ctx: CommandContext): Promise<Document> {
  noDdlInTransaction(ctx);
  const name = collectionArg(ctx);
  const coll = ctx.server.catalog.get(ctx.db, name);
  const ops: JournalOp[] = [];
  if (!coll) return { ok: 1 };
  const nIndexesWas = coll.indexes.length + 1;
  ctx.server.catalog.drop(ctx.db, name, ops);
  await journal(ctx, ops);
  return { nIndexesWas, ns: `${ctx.db}.${name}`, ok: 1 };
}

/** dropDatabase. */
export async function dropDatabaseCommand(ctx: CommandContext): Promise<Document> {
  noDdlInTransaction(ctx);
  const ops: JournalOp[] = [];
  ctx.server.catalog.dropDatabase(ctx.db, ops);
  await journal(ctx, ops);
  return { dropped: ctx.db, ok: 1 };
}

/** renameCollection (an admin command naming full namespaces). */
export async function renameCollectionCommand(ctx: CommandContext): Promise<Document> {
  noDdlInTransaction(ctx);
  const from = ctx.body.renameCollection;
  const to = ctx.body.to;
  if (typeof from !== 'string' || typeof to !== 'string') {
    throw new MongoCommandError(ErrorCodes.TypeMismatch, "'renameCollection' and 'to' must be namespace strings");
  }
  const [fromDb, fromColl] = splitNs(from);
  const [toDb, toColl] = splitNs(to);
  if (from === to) throw new MongoCommandError(ErrorCodes.IllegalOperation, "Can't rename a collection to itself");
  const ops: JournalOp[] = [];
  ctx.server.catalog.rename(fromDb, fromColl, toDb, toColl, ctx.body.dropTarget === true, ops);
  await journal(ctx, ops);
  return { ok: 1 };
}

function splitNs(ns: string): [string, string] {
  const dot = ns.indexOf('.');
  if (dot <= 0 || dot === ns.length - 1) throw new MongoCommandError(ErrorCodes.InvalidNamespace, `Invalid namespace specified '${ns}'`);
  return [ns.slice(0, dot), ns.slice(dot + 1)];
}

/** listCollections: filter and nameOnly, as a cursor. */
export function listCollectionsCommand(ctx: CommandContext): Document {
  const filter = docArg(ctx.body, 'filter');
  const nameOnly = ctx.body.nameOnly === true;
  let entries: Document[] = ctx.server.catalog.collections(ctx.db).map((coll) =>
    nameOnly
      ? { name: coll.name, type: 'collection' }
      : {
          name: coll.name,
          type: 'collection',
          options: coll.options,
          info: { readOnly: false, uuid: uuidOf(coll) },
          idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
        },
  );
  if (filter && Object.keys(filter).length > 0) {
    const q = new Query(filter);
    entries = entries.filter((e) => q.test(e));
  }
  return ctx.server.cursors.open(`${ctx.db}.$cmd.listCollections`, entries, {});
}

/** listDatabases. */
export function listDatabasesCommand(ctx: CommandContext): Document {
  const { catalog } = ctx.server;
  const filter = docArg(ctx.body, 'filter');
  let databases: Document[] = catalog.databaseNames().map((name) => {
    const size = catalog.collections(name).reduce((sum, c) => sum + c.docs.size * 256, 0);
    return ctx.body.nameOnly === true ? { name } : { name, sizeOnDisk: Math.max(size, 8192), empty: size === 0 };
  });
  if (filter) {
    const q = new Query(filter);
    databases = databases.filter((d) => q.test(d));
  }
  const totalSize = databases.reduce((sum, d) => sum + ((d.sizeOnDisk as number) ?? 0), 0);
  return ctx.body.nameOnly === true ? { databases, ok: 1 } : { databases, totalSize, totalSizeMb: Math.round(totalSize / 1048576), ok: 1 };
}

function indexNameOf(key: Document): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}_${String(v)}`)
    .join('_');
}

function sameKey(a: Document, b: Document): boolean {
  const ea = Object.entries(a);
  const eb = Object.entries(b);
  return ea.length === eb.length && ea.every(([k, v], i) => eb[i]![0] === k && Number(eb[i]![1]) === Number(v) && String(eb[i]![1]) === String(v));
}

const INDEX_OPTIONS = ['unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds', 'hidden', 'collation', 'background', 'weights', 'default_language', 'textIndexVersion', '2dsphereIndexVersion'];

/** createIndexes: unique, compound, sparse, partial and TTL indexes; text/geo are not supported. */
export async function createIndexesCommand(ctx: CommandContext): Promise<Document> {
  noDdlInTransaction(ctx);
  const name = collectionArg(ctx);
  const specs = ctx.body.indexes;
  if (!Array.isArray(specs) || specs.length === 0) {
    throw new MongoCommandError(ErrorCodes.BadValue, "Must specify at least one index to create");
  }
  const { catalog } = ctx.server;
  const scope = new CommandWriteScope(ctx, true);
  const existed = catalog.get(ctx.db, name);
  const coll = catalog.getOrCreate(ctx.db, name, scope.ops);
  const before = coll.indexes.length + 1;
  let created = 0;
  for (const raw of specs as Document[]) {
    const key = raw.key as Document | undefined;
    if (!key || typeof key !== 'object' || Object.keys(key).length === 0) {
      throw new MongoCommandError(ErrorCodes.CannotCreateIndex, "Error in specification { } :: caused by :: The 'key' field is a required property of an index specification");
    }
    for (const v of Object.values(key)) {
      if (typeof v === 'string') {
        if (v === 'hashed') continue;
        throw notSupported(`${v} indexes`);
      }
      if (typeof v !== 'number' || v === 0) {
        throw new MongoCommandError(ErrorCodes.CannotCreateIndex, `Values in the index key pattern can't be 0 or non-numbers: ${JSON.stringify(key)}`);
      }
    }
    const indexName = (raw.name as string | undefined) ?? indexNameOf(key);
    if (Object.keys(key).length === 1 && key._id !== undefined) {
      if (raw.unique === false) throw new MongoCommandError(ErrorCodes.InvalidIndexSpecificationOption, "The field 'unique' is not valid for an _id index specification");
      continue; // the _id index always exists
    }
    const byName = coll.index(indexName);
    const byKey = coll.indexes.find((i) => sameKey(i.spec.key as Document, key));
    if (byName) {
      if (!sameKey(byName.spec.key as Document, key)) {
        throw new MongoCommandError(ErrorCodes.IndexKeySpecsConflict, `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: { v: 2, key: ${JSON.stringify(key)}, name: "${indexName}" }, existing index: { v: 2, key: ${JSON.stringify(byName.spec.key)}, name: "${indexName}" }`);
      }
      if (Boolean(byName.spec.unique) !== Boolean(raw.unique) || byName.spec.expireAfterSeconds !== raw.expireAfterSeconds) {
        throw new MongoCommandError(ErrorCodes.IndexOptionsConflict, `An equivalent index already exists with the same name but different options. Requested index: ${JSON.stringify(raw)}, existing index: ${JSON.stringify(byName.spec)}`);
      }
      continue;
    }
    if (byKey && JSON.stringify(byKey.spec.partialFilterExpression) === JSON.stringify(raw.partialFilterExpression)) {
      throw new MongoCommandError(ErrorCodes.IndexOptionsConflict, `Index already exists with a different name: ${byKey.spec.name}`);
    }
    const spec: IndexSpec = { key, name: indexName };
    for (const opt of INDEX_OPTIONS) if (raw[opt] !== undefined) spec[opt] = raw[opt];
    delete spec.background;
    if (spec.expireAfterSeconds !== undefined && (typeof spec.expireAfterSeconds !== 'number' || spec.expireAfterSeconds < 0)) {
      throw new MongoCommandError(ErrorCodes.CannotCreateIndex, 'TTL index \'expireAfterSeconds\' option must be a non-negative number');
    }
    coll.addIndex(spec);
    scope.ops.push({ op: 'createIndex', db: ctx.db, coll: name, spec });
    created++;
  }
  await scope.done();
  const reply: Document = {
    numIndexesBefore: before,
    numIndexesAfter: before + created,
    createdCollectionAutomatically: !existed,
  };
  if (created === 0) reply.note = 'all indexes already exist';
  reply.ok = 1;
  return reply;
}

/** listIndexes. */
export function listIndexesCommand(ctx: CommandContext): Document {
  const name = collectionArg(ctx);
  const coll = ctx.server.catalog.get(ctx.db, name);
  if (!coll) throw new MongoCommandError(ErrorCodes.NamespaceNotFound, `ns does not exist: ${ctx.db}.${name}`);
  return ctx.server.cursors.open(`${ctx.db}.${name}`, coll.indexSpecs(), {});
}

/** dropIndexes: by name, key pattern, list of names, or '*'. */
export async function dropIndexesCommand(ctx: CommandContext): Promise<Document> {
  noDdlInTransaction(ctx);
  const name = collectionArg(ctx);
  const coll = ctx.server.catalog.get(ctx.db, name);
  if (!coll) throw new MongoCommandError(ErrorCodes.NamespaceNotFound, `ns not found ${ctx.db}.${name}`);
  const nIndexesWas = coll.indexes.length + 1;
  const which = ctx.body.index;
  let names: string[];
  if (which === '*') names = coll.indexes.map((i) => i.spec.name);
  else if (typeof which === 'string') names = [which];
  else if (Array.isArray(which)) names = which as string[];
  else if (which && typeof which === 'object') {
    const match = coll.indexes.find((i) => sameKey(i.spec.key as Document, which as Document));
    if (!match) {
      if (sameKey(which as Document, { _id: 1 })) throw new MongoCommandError(ErrorCodes.InvalidOptions, 'cannot drop _id index');
      throw new MongoCommandError(ErrorCodes.IndexNotFound, `can't find index with key: ${JSON.stringify(which)}`);
    }
    names = [match.spec.name];
  } else throw new MongoCommandError(ErrorCodes.TypeMismatch, "BSON field 'dropIndexes.index' is missing but a required field");
  for (const n of names) {
    if (n === '_id_') throw new MongoCommandError(ErrorCodes.InvalidOptions, 'cannot drop _id index');
    if (!coll.index(n)) throw new MongoCommandError(ErrorCodes.IndexNotFound, `index not found with name [${n}]`);
  }
  const ops: JournalOp[] = [];
  for (const n of names) {
    coll.dropIndex(n);
    ops.push({ op: 'dropIndex', db: ctx.db, coll: name, name: n });
  }
  await journal(ctx, ops);
  return { nIndexesWas, ok: 1 };
}

/** collMod: validator options and a TTL index's expireAfterSeconds. */
export async function collModCommand(ctx: CommandContext): Promise<Document> {
  noDdlInTransaction(ctx);
  const name = collectionArg(ctx);
  const coll = ctx.server.catalog.get(ctx.db, name);
  if (!coll) throw new MongoCommandError(ErrorCodes.NamespaceNotFound, `ns does not exist: ${ctx.db}.${name}`);
  const ops: JournalOp[] = [];
  const reply: Document = {};
  const options = { ...coll.options };
  for (const key of ['validator', 'validationLevel', 'validationAction']) if (ctx.body[key] !== undefined) options[key] = ctx.body[key];
  const indexMod = docArg(ctx.body, 'index');
  if (indexMod) {
    const index = typeof indexMod.name === 'string'
      ? coll.index(indexMod.name)
      : coll.indexes.find((i) => sameKey(i.spec.key as Document, indexMod.keyPattern as Document));
    if (!index) throw new MongoCommandError(ErrorCodes.IndexNotFound, `cannot find index ${JSON.stringify(indexMod.name ?? indexMod.keyPattern)} for ns ${coll.ns}`);
    if (indexMod.expireAfterSeconds !== undefined) {
      reply.expireAfterSeconds_old = index.spec.expireAfterSeconds;
      reply.expireAfterSeconds_new = indexMod.expireAfterSeconds;
      index.spec.expireAfterSeconds = indexMod.expireAfterSeconds as number;
    }
    if (indexMod.hidden !== undefined) {
      reply.hidden_old = Boolean(index.spec.hidden);
      reply.hidden_new = indexMod.hidden;
      index.spec.hidden = indexMod.hidden;
    }
    ops.push({ op: 'dropIndex', db: ctx.db, coll: name, name: index.spec.name }, { op: 'createIndex', db: ctx.db, coll: name, spec: index.spec });
  }
  coll.setOptions(options);
  ops.push({ op: 'collMod', db: ctx.db, coll: name, options });
  await journal(ctx, ops);
  reply.ok = 1;
  return reply;
}
