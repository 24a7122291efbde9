import { existsSync } from 'node:fs';
import type { Advisory } from '../advisories/index.js';
import { NswgError } from '../errors.js';
import type { AdvisoryBrief } from './advisory-brief.js';
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
  try {
    return readerOf(db, file);
  } catch (e) {
    db.close();
    // the migrations say the schema is current, yet a table or column is missing: a damaged file
    throw new NswgError('E_DB', `the database is damaged: ${(e as Error).message}`, { file });
  }
}

function readerOf(db: SqliteDatabase, file: string): AdvisoryReader {
  const recordOf = db.prepare('SELECT record FROM advisories WHERE id = ?').pluck();
  const load = (id: string): Advisory => JSON.parse(recordOf.get(id) as string) as Advisory;
  const parsed = new Map<string, Advisory>();
  const advisory = (id: string, brief: string): Advisory => {
    let a = parsed.get(id);
    if (!a) {
      a = new BriefAdvisory(JSON.parse(brief) as AdvisoryBrief, load);
      parsed.set(id, a);
    }
    return a;
  };
  // the brief rows only, found through the package index: the records are not read to match (a
  // row written before briefs existed, which migration 0004 fills, would give its record instead)
  const byName = db.prepare(
    `SELECT name, advisory_id AS id,
       coalesce(brief, (SELECT record FROM advisories WHERE advisories.id = advisory_id)) AS brief
     FROM affected WHERE ecosystem = 'npm' AND name IN (SELECT value FROM json_each(?))
     ORDER BY advisory_id`,
  );
  const core = db.prepare(
    `SELECT id, coalesce(
       (SELECT brief FROM affected WHERE advisory_id = advisories.id AND brief IS NOT NULL LIMIT 1),
       record) AS brief
     FROM advisories WHERE kind = 'core' ORDER BY id`,
  );
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
        brief: string;
      }[]) {
        const a = advisory(r.id, r.brief);
        const list = out.get(r.name);
        if (!list) out.set(r.name, [a]);
        else if (!list.includes(a)) list.push(a);
      }
      return out;
    },
    core: () => (core.all() as { id: string; brief: string }[]).map((r) => advisory(r.id, r.brief)),
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

/**
 * An advisory read from its brief, which holds what matching and the usual reports need; the rest
 * of the record (details, references, credits, …) is read and parsed on first use, for the
 * advisories that match and only by the reports that show it (SARIF, CycloneDX).
 * Readable only while the reader is open.
 */
class BriefAdvisory implements Advisory {
  readonly id: string;
  readonly modified: string;
  readonly withdrawn: string | null;
  readonly title: string | null;
  readonly cvss: Advisory['cvss'];
  readonly declaredSeverity: string | null;
  readonly weaknesses: Advisory['weaknesses'];
  readonly affected: Advisory['affected'];
  readonly aliases: string[];
  #full: Advisory | undefined;

  constructor(
    brief: AdvisoryBrief,
    private readonly load: (id: string) => Advisory,
  ) {
    this.aliases = brief.aliases;
    this.id = brief.id;
    this.modified = brief.modified;
    this.withdrawn = brief.withdrawn;
    this.title = brief.title;
    this.cvss = brief.cvss;
    this.declaredSeverity = brief.declaredSeverity;
    this.weaknesses = brief.weaknesses;
    this.affected = brief.affected;
  }

  /** The whole record. */
  full(): Advisory {
    this.#full ??= this.load(this.id);
    return this.#full;
  }

  get kind(): Advisory['kind'] {
    return this.full().kind;
  }
  get published(): string | null {
    return this.full().published;
  }
  get created(): string | null {
    return this.full().created;
  }
  get related(): string[] {
    return this.full().related;
  }
  get details(): string | null {
    return this.full().details;
  }
  get recommendation(): string | null {
    return this.full().recommendation;
  }
  get references(): Advisory['references'] {
    return this.full().references;
  }
  get credits(): Advisory['credits'] {
    return this.full().credits;
  }
  get coordinatingVendor(): string | null {
    return this.full().coordinatingVendor;
  }
  get asWritten(): Advisory['asWritten'] {
    return this.full().asWritten;
  }

  /** The whole record (JSON.stringify, a spread of its toJSON). */
  toJSON(): Advisory {
    return this.full();
  }
}
