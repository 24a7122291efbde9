import { existsSync } from 'node:fs';
import type { Advisory } from '../advisories/index.js';
import { NswgError } from '../errors.js';
import { SCHEMA_VERSION } from './schema-version.js';
import { openSqlite, type SqliteDatabase } from './sqlite-open.js';

/** What an audit reads from the database. */
export interface AdvisoryReader {
  name: string;
  /** Advisories by npm package name, for the names given (names without advisories are absent). */
  forPackages(names: readonly string[]): Map<string, Advisory[]>;
  /** The Node.js core advisories. */
  core(): Advisory[];
  /** How many advisories, the newest `modified`, and where the data came from. */
  summary(): { total: number; newest: string | null; source: string | null };
  close(): void;
}

/**
 * A read-only view of an SQLite database for `nswg audit`: a few prepared statements straight on
 * better-sqlite3, without the query builder or migrations, because an audit must start and finish
 * in well under 150 ms and loading those costs a third of that. It refuses a database whose schema
 * is not the current one (the full store, which migrates, is used then).
 */
export async function openSqliteReader(file: string): Promise<AdvisoryReader | null> {
  if (!existsSync(file)) return null;
  let db: SqliteDatabase;
  try {
    db = await openSqlite(file, { readonly: true, fileMustExist: true });
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
  const parsed = new Map<string, Advisory>();
  const record = (id: string, json: string): Advisory => {
    let a = parsed.get(id);
    if (!a) {
      a = JSON.parse(json) as Advisory;
      parsed.set(id, a);
    }
    return a;
  };
  const byName = db.prepare(
    `SELECT affected.name AS name, advisories.id AS id, advisories.record AS record FROM affected
     JOIN advisories ON advisories.id = affected.advisory_id
     WHERE affected.ecosystem = 'npm' AND affected.name IN (SELECT value FROM json_each(?))
     ORDER BY advisories.id`,
  );
  const core = db.prepare(`SELECT id, record FROM advisories WHERE kind = 'core' ORDER BY id`);
  const meta = db.prepare(
    `SELECT key, value FROM meta WHERE key IN ('advisories.total', 'advisories.newest', 'seed.source')`,
  );
  return {
    name: file,
    forPackages(names) {
      const out = new Map<string, Advisory[]>();
      for (const r of byName.all(JSON.stringify([...new Set(names)])) as {
        name: string;
        id: string;
        record: string;
      }[]) {
        const a = record(r.id, r.record);
        const list = out.get(r.name);
        if (!list) out.set(r.name, [a]);
        else if (!list.includes(a)) list.push(a);
      }
      return out;
    },
    core: () => (core.all() as { id: string; record: string }[]).map((r) => record(r.id, r.record)),
    summary() {
      const m = new Map((meta.all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
      const total = m.has('advisories.total')
        ? Number(m.get('advisories.total'))
        : (db.prepare('SELECT count(*) AS n FROM advisories').get() as { n: number }).n;
      const newest = m.has('advisories.newest')
        ? m.get('advisories.newest') || null
        : ((db.prepare('SELECT max(modified) AS m FROM advisories').get() as { m: string | null }).m ?? null);
      return { total, newest, source: m.get('seed.source') ?? null };
    },
    close: () => db.close(),
  };
}
