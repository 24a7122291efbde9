import { type Kysely, sql } from 'kysely';
import type { AdvisoryKind } from '../advisories/index.js';
import type { Database } from './schema.js';
import { openSqlite } from './sqlite-open.js';
import type { Store } from './store.js';

/** One stored advisory as its indexed columns and the JSON of its record. */
export interface StoredRecord {
  id: string;
  modified: string;
  record: string;
}

/** An advisory reduced to what deciding matches needs: its id, modified date and a JSON object
 * with at least `id`, `modified`, `withdrawn`, `title`, `cvss`, `declaredSeverity`, `weaknesses`
 * and `affected` of the record (the whole record where the engine cannot cut it cheaply). */
export interface MatchRow {
  id: string;
  /** The advisory reduced to what matching needs, as JSON (it carries `modified` too). */
  partial: string;
}

/**
 * The server's read paths: the advisories of a package, one advisory, the modified-date index and
 * the newest publications, plus a token that changes whenever the data may have changed (so that
 * callers can cache). On an SQLite file the hot look-ups go through a second, read-only
 * better-sqlite3 connection with prepared statements (Kysely's per-query overhead dominated them);
 * elsewhere through Kysely.
 */
export interface AdvisoryReads {
  /** The records affecting the package (ecosystem `npm`, or `node` for Node.js core), by id. */
  forPackage(ecosystem: 'npm' | 'node', name: string): Promise<StoredRecord[]>;
  /** The same advisories reduced to what matching needs (see MatchRow): less to read and parse. */
  matchRows(ecosystem: 'npm' | 'node', name: string): Promise<MatchRow[]>;
  /** matchRows for many packages in one read, by package name (names without advisories are absent). */
  matchRowsMany(ecosystem: 'npm' | 'node', names: readonly string[]): Promise<Map<string, MatchRow[]>>;
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
  /** Changes whenever committed data may have changed (any writer, this process or another). */
  dataVersion(): Promise<string>;
  /** Releases the extra connection, when there is one. */
  close(): void;
}

type SqliteDb = import('better-sqlite3').Database;
type SqliteStatement = import('better-sqlite3').Statement;

/** Opens the read paths of a store. */
export async function openAdvisoryReads(store: Pick<Store, 'db' | 'target'>): Promise<AdvisoryReads> {
  if (store.target.kind === 'sqlite' && store.target.file !== ':memory:') {
    try {
      const conn = await openSqlite(store.target.file, { fileMustExist: true });
      conn.pragma('busy_timeout = 5000');
      conn.pragma('query_only = 1');
      return new SqliteReads(conn);
    } catch {
      // fall through to Kysely (e.g. the file is not readable this way)
    }
  }
  return new KyselyReads(store.db, store.target.kind);
}

/** Records per page of an export. */
const PAGE = 500;

const PACKAGE_SQL =
  'select id, modified, record from advisories where id in ' +
  '(select advisory_id from affected where ecosystem = ? and name = ?) order by id';

/** SQLite cuts the record down itself (`->` keeps JSON values as JSON). */
const PARTIAL =
  "json_object('id', advisories.id, 'modified', advisories.modified, 'withdrawn', advisories.withdrawn, 'title', advisories.title, " +
  "'cvss', record -> '$.cvss', 'declaredSeverity', record -> '$.declaredSeverity', 'weaknesses', record -> '$.weaknesses', " +
  "'affected', record -> '$.affected')";
const MATCH_SQL =
  `select id, modified, ${PARTIAL} as partial from advisories where id in ` +
  '(select advisory_id from affected where ecosystem = ? and name = ?) order by id';
/** The same for many names in one statement (the names as a JSON array). */
/**
 * The same for many names in one statement (the names as a JSON array): the brief stored with each
 * row, or for a row written before migration 0004 filled it (none once it ran), the record cut down.
 * One row per (name, advisory) is kept by byName: SQL's `distinct` would compare the briefs.
 */
const MATCH_MANY_SQL =
  `select name, advisory_id as id, coalesce(brief, (select ${PARTIAL} from advisories where advisories.id = affected.advisory_id)) as partial ` +
  'from affected where ecosystem = ? and name in (select value from json_each(?))';

/** Rows of (name, match row) grouped by name. */
function byName(rows: (MatchRow & { name: string })[]): Map<string, MatchRow[]> {
  const out = new Map<string, MatchRow[]>();
  for (const { name, ...row } of rows) {
    const list = out.get(name);
    if (!list) out.set(name, [row]);
    // an advisory with two `affected` entries for one package has two rows
    else if (!list.some((r) => r.id === row.id)) list.push(row);
  }
  return out;
}

class SqliteReads implements AdvisoryReads {
  private readonly forPackageStmt: SqliteStatement;
  private readonly matchStmt: SqliteStatement;
  private readonly matchManyStmt: SqliteStatement;
  private readonly byIdStmt: SqliteStatement;
  private readonly byAliasStmt: SqliteStatement;
  private readonly indexAll: SqliteStatement;
  private readonly indexKind: SqliteStatement;
  private readonly recentStmt: SqliteStatement;
  private readonly pageAll: SqliteStatement;
  private readonly pageKind: SqliteStatement;

  constructor(private readonly conn: SqliteDb) {
    this.forPackageStmt = conn.prepare(PACKAGE_SQL);
    this.matchStmt = conn.prepare(MATCH_SQL);
    this.matchManyStmt = conn.prepare(MATCH_MANY_SQL);
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
    this.recentStmt = conn.prepare(
      'select id, modified, record from advisories where published is not null and withdrawn is null order by published desc, id limit ?',
    );
  }

  async forPackage(ecosystem: 'npm' | 'node', name: string): Promise<StoredRecord[]> {
    return this.forPackageStmt.all(ecosystem, name) as StoredRecord[];
  }

  async matchRows(ecosystem: 'npm' | 'node', name: string): Promise<MatchRow[]> {
    return this.matchStmt.all(ecosystem, name) as MatchRow[];
  }

  async matchRowsMany(ecosystem: 'npm' | 'node', names: readonly string[]): Promise<Map<string, MatchRow[]>> {
    const json = JSON.stringify(names);
    return byName(this.matchManyStmt.all(ecosystem, json) as (MatchRow & { name: string })[]);
  }

  async byId(id: string): Promise<StoredRecord | null> {
    return (this.byIdStmt.get(id) as StoredRecord | undefined) ?? null;
  }

  async byAlias(alias: string): Promise<StoredRecord[]> {
    return this.byAliasStmt.all(alias) as StoredRecord[];
  }

  async modifiedIndex(kind?: AdvisoryKind): Promise<{ id: string; modified: string }[]> {
    return (kind ? this.indexKind.all(kind) : this.indexAll.all()) as { id: string; modified: string }[];
  }

  async recentlyPublished(limit: number): Promise<StoredRecord[]> {
    return this.recentStmt.all(limit) as StoredRecord[];
  }

  async *all(kind?: AdvisoryKind): AsyncGenerator<StoredRecord> {
    let after = '';
    for (;;) {
      // one page per statement run: an open iterator would hold the connection the other routes share
      const rows = (
        kind ? this.pageKind.all(after, kind, PAGE) : this.pageAll.all(after, PAGE)
      ) as StoredRecord[];
      for (const r of rows) yield r;
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  async dataVersion(): Promise<string> {
    // this connection never writes, so data_version moves with every commit of any other connection
    return String(this.conn.pragma('data_version', { simple: true }));
  }

  close(): void {
    if (this.conn.open) this.conn.close();
  }
}

class KyselyReads implements AdvisoryReads {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: 'sqlite' | 'postgres',
  ) {}

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

  async matchRows(ecosystem: 'npm' | 'node', name: string): Promise<MatchRow[]> {
    return [...((await this.matchRowsMany(ecosystem, [name])).get(name) ?? [])].sort((a, b) =>
      a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    );
  }

  async matchRowsMany(ecosystem: 'npm' | 'node', names: readonly string[]): Promise<Map<string, MatchRow[]>> {
    const rows: (MatchRow & { name: string })[] = [];
    for (let i = 0; i < names.length; i += 500) {
      const part = await this.db
        .selectFrom('affected')
        .innerJoin('advisories', 'advisories.id', 'affected.advisory_id')
        .select([
          'affected.name as name',
          'advisories.id as id',
          'advisories.modified as modified',
          'affected.brief',
          'advisories.record',
        ])
        .where('affected.ecosystem', '=', ecosystem)
        .where('affected.name', 'in', names.slice(i, i + 500))
        .distinct()
        .execute();
      for (const r of part) rows.push({ name: r.name, id: r.id, partial: r.brief ?? r.record });
    }
    return byName(rows);
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
    if (this.engine === 'sqlite') {
      // one connection does everything: its own writes show in total_changes(), other processes' in data_version
      const r = await sql<{
        v: number;
        c: number;
      }>`select total_changes() as c, (select data_version from pragma_data_version) as v`.execute(this.db);
      return `${r.rows[0]?.v}:${r.rows[0]?.c}`;
    }
    // any commit moves the WAL position: cheap, and never misses a change (it may see others' too)
    const r = await sql<{
      v: string;
    }>`select (case when pg_is_in_recovery() then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end)::text as v`.execute(
      this.db,
    );
    return r.rows[0]?.v ?? '';
  }

  close(): void {}
}
