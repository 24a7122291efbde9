import { existsSync } from 'node:fs';
import {
  type Advisory,
  type AdvisoryKind,
  freshnessOf,
  type SourceFreshness,
} from '../../advisories/index.js';
import { NswgError } from '../../errors.js';
import { SCHEMA_VERSION } from '../schema-version.js';
import { openSqlite, type SqliteDatabase } from '../sqlite-open.js';
import { SqlitePackageReads, type VersionsByName } from './package-reads.js';

/** What an audit reads from the database. */
export interface AdvisoryReader {
  name: string;
  /**
   * Advisories by npm package name, for the names given (names without advisories are absent);
   * with `versions`, those that can hold none of their name's versions may be left out unread.
   */
  forPackages(names: readonly string[], versions?: VersionsByName): Map<string, Advisory[]>;
  /** The Node.js core advisories; with `version`, those that may hold it (see PackageReads.core). */
  core(version?: string): Advisory[];
  /** How many advisories, the newest `modified` (of each source and ecosystem too), and where the data came from. */
  summary(): { total: number; newest: string | null; source: string | null; freshness: SourceFreshness[] };
  close(): void;
}

/**
 * The store's SQLite reads on a read-only connection of their own, for `nswg audit`: the same
 * prepared statements as the store's (package-reads.ts), without the query builder or the
 * migrations, which an audit need not load. It refuses a database whose schema is not the
 * current one (the full store, which migrates, is used then).
 */
export async function openSqliteReader(file: string): Promise<AdvisoryReader | null> {
  if (!existsSync(file)) return null;
  let db: SqliteDatabase;
  try {
    db = openSqlite(file, { readOnly: true });
  } catch (e) {
    throw new NswgError('E_DB_CONNECT', `cannot open the SQLite database: ${(e as Error).message}`, { file });
  }
  try {
    const latest = db.prepare('SELECT name FROM nswg_migrations ORDER BY name DESC LIMIT 1').get() as
      | { name: string }
      | undefined;
    if (latest?.name !== SCHEMA_VERSION) {
      db.close();
      return null;
    }
  } catch {
    db.close();
    return null;
  }
  try {
    return readerOf(db, file);
  } catch (e) {
    db.close();
    // the migrations say the schema is current, yet a table or column is missing: a damaged file
    throw new NswgError('E_DB', `the database is damaged: ${(e as Error).message}`, { file });
  }
}

function readerOf(db: SqliteDatabase, file: string): AdvisoryReader {
  const reads = new SqlitePackageReads(db);
  // prepared now, so that a damaged schema is reported when the reader is opened
  reads.prepare();
  const meta = db.prepare(
    `SELECT key, value FROM meta WHERE key IN ('advisories.total', 'advisories.newest', 'advisories.freshness', 'seed.source')`,
  );
  return {
    name: file,
    forPackages: (names, versions) => reads.forPackages(names, 'npm', versions),
    core: (version) => reads.core(version),
    summary() {
      const m = new Map(
        (meta.all() as unknown as { key: string; value: string }[]).map((r) => [r.key, r.value]),
      );
      const total = m.has('advisories.total')
        ? Number(m.get('advisories.total'))
        : (db.prepare('SELECT count(*) AS n FROM advisories').get() as { n: number }).n;
      const newest = m.has('advisories.newest')
        ? m.get('advisories.newest') || null
        : ((db.prepare('SELECT max(modified) AS m FROM advisories').get() as { m: string | null }).m ?? null);
      const kept = m.get('advisories.freshness');
      // the store's readFreshness, on this connection (a database imported into before the figures were kept)
      const freshness =
        kept !== undefined
          ? (JSON.parse(kept) as SourceFreshness[])
          : freshnessOf(
              (
                db
                  .prepare(
                    'SELECT substr(id, 1, 5) AS prefix, kind, max(modified) AS newest, count(*) AS n FROM advisories GROUP BY 1, 2',
                  )
                  .all() as unknown as { prefix: string; kind: AdvisoryKind; newest: string; n: number }[]
              ).map((r) => ({ prefix: r.prefix, ecosystem: r.kind, newest: r.newest, advisories: r.n })),
            );
      return { total, newest, source: m.get('seed.source') ?? null, freshness };
    },
    close: () => db.close(),
  };
}
