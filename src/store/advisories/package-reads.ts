import type { StatementSync } from 'node:sqlite';
import type { Advisory } from '../../advisories/index.js';
import type { SqliteDatabase } from '../sqlite-open.js';
import type { AdvisoryBrief } from './brief.js';
import { LazyAdvisory } from './lazy-advisory.js';

export type Ecosystem = 'npm' | 'node';

/** One advisory found by one of the package names asked for, as its brief (JSON). */
export interface BriefRow {
  name: string;
  id: string;
  /** The brief, or for a row written before briefs existed (migration 0004 fills them), the record. */
  brief: string;
}

/**
 * The one read of "the advisories of these packages" that the audit, the store and the server's
 * look-ups share. On SQLite it is a few prepared statements on the connection, without the query
 * builder (an audit starts in well under 150 ms, and loading Kysely and the migrations costs a
 * third of that); on PostgreSQL, package-reads-kysely.ts.
 */
export interface PackageReads {
  /** The briefs of the advisories affecting the packages named (one row per name and advisory). */
  briefRows(ecosystem: Ecosystem, names: readonly string[]): BriefRow[] | Promise<BriefRow[]>;
  /** Advisories by package name, for the names given (names without advisories are absent), by id. */
  forPackages(
    names: readonly string[],
    ecosystem?: Ecosystem,
  ): Map<string, Advisory[]> | Promise<Map<string, Advisory[]>>;
  /** The Node.js core advisories, by id. */
  core(): Advisory[] | Promise<Advisory[]>;
}

/** Rows grouped by package name, each advisory once per name (one with two `affected` entries for a package has two rows). */
export function groupByName<R extends { name: string }, T extends { id: string }>(
  rows: readonly R[],
  make: (row: R) => T,
): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const a = make(r);
    const list = out.get(r.name);
    if (!list) out.set(r.name, [a]);
    else if (!list.some((x) => x.id === a.id)) list.push(a);
  }
  return out;
}

/**
 * The SQLite reads, on a connection (the store's, or the audit's read-only one). Advisories are made
 * from their briefs, found through the package index; the rest of a record is read on first use
 * (LazyAdvisory), so the large records are not read to match.
 */
export class SqlitePackageReads implements PackageReads {
  #byName?: StatementSync;
  #core?: StatementSync;
  #record?: StatementSync;

  constructor(private readonly db: SqliteDatabase) {}

  /** Prepares every statement now (they are prepared on first use otherwise): an error names what is missing. */
  prepare(): void {
    this.#recordStatement();
    this.#byNameStatement();
    this.#coreStatement();
  }

  briefRows(ecosystem: Ecosystem, names: readonly string[]): BriefRow[] {
    return this.#byNameStatement().all(
      ecosystem,
      JSON.stringify([...new Set(names)]),
    ) as unknown as BriefRow[];
  }

  forPackages(names: readonly string[], ecosystem: Ecosystem = 'npm'): Map<string, Advisory[]> {
    const rows = this.briefRows(ecosystem, names);
    const made = new Map<string, Advisory>();
    return groupByName(rows, (r) => this.#advisory(r, made));
  }

  core(): Advisory[] {
    const made = new Map<string, Advisory>();
    return (this.#coreStatement().all() as unknown as { id: string; brief: string }[]).map((r) =>
      this.#advisory(r, made),
    );
  }

  #byNameStatement(): StatementSync {
    this.#byName ??= this.db.prepare(
      `SELECT name, advisory_id AS id,
         coalesce(brief, (SELECT record FROM advisories WHERE advisories.id = advisory_id)) AS brief
       FROM affected WHERE ecosystem = ? AND name IN (SELECT value FROM json_each(?))
       ORDER BY advisory_id`,
    );
    return this.#byName;
  }

  #coreStatement(): StatementSync {
    this.#core ??= this.db.prepare(
      `SELECT id, coalesce(
         (SELECT brief FROM affected WHERE advisory_id = advisories.id AND brief IS NOT NULL LIMIT 1),
         record) AS brief
       FROM advisories WHERE kind = 'core' ORDER BY id`,
    );
    return this.#core;
  }

  #recordStatement(): StatementSync {
    this.#record ??= this.db.prepare('SELECT record FROM advisories WHERE id = ?');
    return this.#record;
  }

  #advisory(r: { id: string; brief: string }, made: Map<string, Advisory>): Advisory {
    let a = made.get(r.id);
    if (!a) {
      a = new LazyAdvisory(JSON.parse(r.brief) as AdvisoryBrief, (id) => this.#load(id));
      made.set(r.id, a);
    }
    return a;
  }

  #load(id: string): Advisory {
    return JSON.parse((this.#recordStatement().get(id) as { record: string }).record) as Advisory;
  }
}
