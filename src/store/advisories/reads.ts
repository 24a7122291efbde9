import { existsSync } from 'node:fs';
import type { StatementSync } from 'node:sqlite';
import type { Kysely } from 'kysely';
import type { AdvisoryKind } from '../../advisories/index.js';
import type { Database } from '../schema.js';
import { openSqlite, type SqliteDatabase } from '../sqlite-open.js';
import type { Store } from '../store.js';
import { type Ecosystem, type PackageReads, type SpanRow, SqlitePackageReads } from './package-reads.js';
import { packageReadsOf } from './package-reads-kysely.js';
import { ADVISORIES_VERSION } from './store.js';

/** One stored advisory as its indexed columns and the JSON of its record. */
export interface StoredRecord {
  id: string;
  modified: string;
  record: string;
}

/** An advisory reduced to what deciding matches needs: its id, modified date and a JSON object
 * with at least `id`, `modified`, `withdrawn`, `aliases`, `title`, `cvss`, `declaredSeverity`,
 * `weaknesses` and `affected` of the record (the whole record where the engine cannot cut it cheaply). */
export interface MatchRow {
  id: string;
  /** The advisory reduced to what matching needs, as JSON (it carries `modified` too). */
  partial: string;
}

/**
 * The server's read paths: the advisories of a package, one advisory, the modified-date index and
 * the newest publications, plus a token that changes whenever the data may have changed (so that
 * callers can cache). On an SQLite file the hot look-ups go through a second, read-only
 * connection with prepared statements (Kysely's per-query overhead dominated them); elsewhere
 * through Kysely. The advisories of many packages are the store's package reads (package-reads.ts).
 */
export interface AdvisoryReads {
  /** The records affecting the package (ecosystem `npm`, or `node` for Node.js core), by id. */
  forPackage(ecosystem: 'npm' | 'node', name: string): Promise<StoredRecord[]>;
  /**
   * The package index's rows of many packages in one read, by package name (names without
   * advisories are absent): each advisory's id with its spans, and nothing of the advisory read.
   */
  spanRowsMany(ecosystem: 'npm' | 'node', names: readonly string[]): Promise<Map<string, SpanRow[]>>;
  /** Advisories reduced to what matching needs (see MatchRow), by id; unknown ids are absent. */
  matchRowsOf(ids: readonly string[]): Promise<MatchRow[]>;
  /** One record by id; null when there is none. */
  byId(id: string): Promise<StoredRecord | null>;
  /** The records that have `alias` among their aliases, by id. */
  byAlias(alias: string): Promise<StoredRecord[]>;
  /** Every record (of a kind, when given), by id, read a page at a time (for exports). */
  all(kind?: AdvisoryKind): AsyncGenerator<StoredRecord>;
  /** Every advisory of a kind as (id, modified), newest first (ties by id). */
  modifiedIndex(kind?: AdvisoryKind): Promise<{ id: string; modified: string }[]>;
  /** The most recently published advisories (not withdrawn), newest first. */
  recentlyPublished(limit: number): Promise<StoredRecord[]>;
  /** Changes whenever committed advisories may have changed (any writer, this process or another): the `meta` key every import that changes advisories sets anew. */
  dataVersion(): Promise<string>;
  /**
   * How long, at most, readers may go without asking dataVersion again (ms) to see another process's
   * writes: this process's own writes are seen at once either way (advisoryWriteCount).
   */
  readonly recheckMs: number;
  /** Releases the extra connection, when there is one. */
  close(): void;
}

type SqliteStatement = StatementSync;

/** Opens the read paths of a store. */
export async function openAdvisoryReads(store: Pick<Store, 'db' | 'target'>): Promise<AdvisoryReads> {
  if (store.target.kind === 'sqlite' && store.target.file !== ':memory:') {
    try {
      if (!existsSync(store.target.file)) throw new Error('no such file');
      const conn = openSqlite(store.target.file);
      conn.exec('PRAGMA query_only = 1');
      return new SqliteReads(conn);
    } catch {
      // fall through to Kysely (e.g. the file is not readable this way)
    }
  }
  return new KyselyReads(store.db);
}

/** Records per page of an export. */
const PAGE = 500;

const PACKAGE_SQL =
  'select id, modified, record from advisories where id in ' +
  '(select advisory_id from affected where ecosystem = ? and name = ?) order by id';

/** The span rows by package name. */
async function spanRowsByName(
  reads: PackageReads,
  ecosystem: Ecosystem,
  names: readonly string[],
): Promise<Map<string, SpanRow[]>> {
  const out = new Map<string, SpanRow[]>();
  for (const r of await reads.spanRows(ecosystem, names)) {
    const list = out.get(r.name);
    if (list) list.push(r);
    else out.set(r.name, [r]);
  }
  return out;
}

async function matchRowsById(reads: PackageReads, ids: readonly string[]): Promise<MatchRow[]> {
  return (await reads.briefsOf(ids)).map((r) => ({ id: r.id, partial: r.brief }));
}

class SqliteReads implements AdvisoryReads {
  private readonly forPackageStmt: SqliteStatement;
  private readonly packages: SqlitePackageReads;
  private readonly byIdStmt: SqliteStatement;
  private readonly byAliasStmt: SqliteStatement;
  private readonly indexAll: SqliteStatement;
  private readonly indexKind: SqliteStatement;
  private readonly recentStmt: SqliteStatement;
  private readonly pageAll: SqliteStatement;
  private readonly pageKind: SqliteStatement;
  private readonly dataVersionStmt: SqliteStatement;
  /**
   * A statement on this process's own connection, but still a read transaction each time (about
   * 15 µs): asked every millisecond, it took 1.7% of the server's time under /v1/query load. Every
   * 10 ms, another process's import shows within 10 ms.
   */
  readonly recheckMs = 10;

  constructor(private readonly conn: SqliteDatabase) {
    this.forPackageStmt = conn.prepare(PACKAGE_SQL);
    this.packages = new SqlitePackageReads(conn);
    this.byIdStmt = conn.prepare('select id, modified, record from advisories where id = ?');
    this.byAliasStmt = conn.prepare(
      'select a.id, a.modified, a.record from aliases s join advisories a on a.id = s.advisory_id where s.alias = ? order by a.id',
    );
    this.indexAll = conn.prepare('select id, modified from advisories order by modified desc, id');
    this.indexKind = conn.prepare(
      'select id, modified from advisories where kind = ? order by modified desc, id',
    );
    this.pageAll = conn.prepare(
      'select id, modified, record from advisories where id > ? order by id limit ?',
    );
    // `+kind`: walk the primary key in order, as paging needs; with the kind index SQLite would
    // sort every advisory of the kind again for each page
    this.pageKind = conn.prepare(
      'select id, modified, record from advisories where id > ? and +kind = ? order by id limit ?',
    );
    this.dataVersionStmt = conn.prepare('select value from meta where key = ?');
    this.recentStmt = conn.prepare(
      'select id, modified, record from advisories where published is not null and withdrawn is null order by published desc, id limit ?',
    );
  }

  async forPackage(ecosystem: 'npm' | 'node', name: string): Promise<StoredRecord[]> {
    return this.forPackageStmt.all(ecosystem, name) as unknown as StoredRecord[];
  }

  async spanRowsMany(ecosystem: 'npm' | 'node', names: readonly string[]): Promise<Map<string, SpanRow[]>> {
    return spanRowsByName(this.packages, ecosystem, names);
  }

  async matchRowsOf(ids: readonly string[]): Promise<MatchRow[]> {
    return matchRowsById(this.packages, ids);
  }

  async byId(id: string): Promise<StoredRecord | null> {
    return (this.byIdStmt.get(id) as StoredRecord | undefined) ?? null;
  }

  async byAlias(alias: string): Promise<StoredRecord[]> {
    return this.byAliasStmt.all(alias) as unknown as StoredRecord[];
  }

  async modifiedIndex(kind?: AdvisoryKind): Promise<{ id: string; modified: string }[]> {
    return (kind ? this.indexKind.all(kind) : this.indexAll.all()) as unknown as {
      id: string;
      modified: string;
    }[];
  }

  async recentlyPublished(limit: number): Promise<StoredRecord[]> {
    return this.recentStmt.all(limit) as unknown as StoredRecord[];
  }

  async *all(kind?: AdvisoryKind): AsyncGenerator<StoredRecord> {
    let after = '';
    for (;;) {
      // one page per statement run: an open iterator would hold the connection the other routes share
      const rows = (kind
        ? this.pageKind.all(after, kind, PAGE)
        : this.pageAll.all(after, PAGE)) as unknown as StoredRecord[];
      for (const r of rows) yield r;
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  async dataVersion(): Promise<string> {
    return (this.dataVersionStmt.get(ADVISORIES_VERSION) as { value: string } | undefined)?.value ?? '';
  }

  close(): void {
    if (this.conn.isOpen) this.conn.close();
  }
}

class KyselyReads implements AdvisoryReads {
  /**
   * A round trip to PostgreSQL (an in-memory SQLite database has no other writer): asked at every
   * millisecond, it held a request in ten waiting for it at 8,000 requests a second. Other server
   * instances' syncs are seen within a quarter of a second.
   */
  readonly recheckMs = 250;
  private readonly packages: PackageReads;

  constructor(private readonly db: Kysely<Database>) {
    this.packages = packageReadsOf(db);
  }

  async forPackage(ecosystem: 'npm' | 'node', name: string): Promise<StoredRecord[]> {
    return this.db
      .selectFrom('advisories')
      .select(['id', 'modified', 'record'])
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('affected')
          .select('advisory_id')
          .where('ecosystem', '=', ecosystem)
          .where('name', '=', name),
      )
      .orderBy('id')
      .execute();
  }

  async spanRowsMany(ecosystem: 'npm' | 'node', names: readonly string[]): Promise<Map<string, SpanRow[]>> {
    return spanRowsByName(this.packages, ecosystem, names);
  }

  async matchRowsOf(ids: readonly string[]): Promise<MatchRow[]> {
    return matchRowsById(this.packages, ids);
  }

  async byId(id: string): Promise<StoredRecord | null> {
    return (
      (await this.db
        .selectFrom('advisories')
        .select(['id', 'modified', 'record'])
        .where('id', '=', id)
        .executeTakeFirst()) ?? null
    );
  }

  async byAlias(alias: string): Promise<StoredRecord[]> {
    return this.db
      .selectFrom('aliases')
      .innerJoin('advisories', 'advisories.id', 'aliases.advisory_id')
      .select(['advisories.id', 'advisories.modified', 'advisories.record'])
      .where('aliases.alias', '=', alias)
      .orderBy('advisories.id')
      .execute();
  }

  async modifiedIndex(kind?: AdvisoryKind): Promise<{ id: string; modified: string }[]> {
    let q = this.db.selectFrom('advisories').select(['id', 'modified']);
    if (kind) q = q.where('kind', '=', kind);
    return q.orderBy('modified', 'desc').orderBy('id').execute();
  }

  async recentlyPublished(limit: number): Promise<StoredRecord[]> {
    return this.db
      .selectFrom('advisories')
      .select(['id', 'modified', 'record'])
      .where('published', 'is not', null)
      .where('withdrawn', 'is', null)
      .orderBy('published', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  async *all(kind?: AdvisoryKind): AsyncGenerator<StoredRecord> {
    let after = '';
    for (;;) {
      let q = this.db.selectFrom('advisories').select(['id', 'modified', 'record']).where('id', '>', after);
      if (kind) q = q.where('kind', '=', kind);
      const rows = await q.orderBy('id').limit(PAGE).execute();
      for (const r of rows) yield r;
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  async dataVersion(): Promise<string> {
    const r = await this.db
      .selectFrom('meta')
      .select('value')
      .where('key', '=', ADVISORIES_VERSION)
      .executeTakeFirst();
    return r?.value ?? '';
  }

  close(): void {}
}
