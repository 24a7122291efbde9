import type { StatementSync } from 'node:sqlite';
import type { Advisory } from '../../advisories/index.js';
import { keyBounds, spansMayHold } from '../../scan/index.js';
import type { SqliteDatabase } from '../sqlite-open.js';
import type { AdvisoryBrief } from './brief.js';
import { LazyAdvisory } from './lazy-advisory.js';

export type Ecosystem = 'npm' | 'node';

/** The versions asked about, by package name. */
export type VersionsByName = ReadonlyMap<string, readonly string[]>;

/** One (package, advisory) row of the package index with its spans. */
export interface SpanRow {
  name: string;
  id: string;
  spans: string | null;
}

const NO_VERSIONS: readonly string[] = [];

/**
 * Adds the row's (name, advisory id) pair to `out`, once (`seen`), when its spans may hold one of
 * its name's versions. The spans decide first: on dense data most rows hold none, and they make
 * nothing.
 */
function keepIfMayHold(
  name: string,
  id: string,
  spans: string | null,
  versions: VersionsByName,
  seen: Set<string>,
  out: [string, string][],
): void {
  if (!spansMayHold(spans, versions.get(name) ?? NO_VERSIONS)) return;
  const key = `${name}\u0000${id}`;
  if (seen.has(key)) return;
  seen.add(key);
  out.push([name, id]);
}

/** The (name, advisory id) pairs of rows whose spans may hold one of their name's versions, each once. */
export function rowsMayHold(rows: readonly SpanRow[], versions: VersionsByName): [string, string][] {
  const seen = new Set<string>();
  const out: [string, string][] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    keepIfMayHold(r.name, r.id, r.spans, versions, seen, out);
  }
  return out;
}

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
  /**
   * Advisories by package name, for the names given (names without advisories are absent), by id.
   * With `versions` (the versions asked about, by name), an advisory whose stored spans say it
   * holds none of its name's versions is left out unread; matching still decides of the rest.
   */
  forPackages(
    names: readonly string[],
    ecosystem?: Ecosystem,
    versions?: VersionsByName,
  ): Map<string, Advisory[]> | Promise<Map<string, Advisory[]>>;
  /**
   * The Node.js core advisories, by id. With `version`, those whose stored spans say they hold no
   * such version may be left out unread (an implementation may also give them all).
   */
  core(version?: string): Advisory[] | Promise<Advisory[]>;
  /** The package index's rows of the packages named, with their spans (no brief is read). */
  spanRows(ecosystem: Ecosystem, names: readonly string[]): SpanRow[] | Promise<SpanRow[]>;
  /** The briefs of advisories by id (the record where a row has none); unknown ids are absent. */
  briefsOf(ids: readonly string[]): IdBrief[] | Promise<IdBrief[]>;
}

/** An advisory's brief (brief.ts) as JSON, by id. */
export interface IdBrief {
  id: string;
  brief: string;
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
  #spans?: StatementSync;
  #spansBounded?: StatementSync;
  #indexed?: StatementSync;
  #byPair?: StatementSync;
  #byIds?: StatementSync;
  #core?: StatementSync;
  #coreSpans?: StatementSync;
  #coreSome?: StatementSync;
  #record?: StatementSync;

  constructor(private readonly db: SqliteDatabase) {}

  /** Prepares every statement now (they are prepared on first use otherwise): an error names what is missing. */
  prepare(): void {
    this.#recordStatement();
    this.#byNameStatement();
    this.#spansStatement();
    this.#spansBoundedStatement();
    this.#indexedStatement();
    this.#byPairStatement();
    this.#coreStatement();
  }

  briefRows(ecosystem: Ecosystem, names: readonly string[]): BriefRow[] {
    return this.#byNameStatement().all(
      ecosystem,
      JSON.stringify([...new Set(names)]),
    ) as unknown as BriefRow[];
  }

  spanRows(ecosystem: Ecosystem, names: readonly string[]): SpanRow[] {
    // rows as arrays, made into objects here: node:sqlite makes an object per row far more slowly
    const rows = this.#spansStatement().all(ecosystem, JSON.stringify([...new Set(names)])) as unknown as [
      string,
      string,
      string | null,
    ][];
    const out: SpanRow[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      out[i] = { name: r[0], id: r[1], spans: r[2] };
    }
    return out;
  }

  briefsOf(ids: readonly string[]): IdBrief[] {
    if (!ids.length) return [];
    this.#byIds ??= this.db.prepare(
      `SELECT advisories.id AS id, coalesce(
         (SELECT brief FROM affected WHERE advisory_id = advisories.id AND brief IS NOT NULL LIMIT 1),
         record) AS brief
       FROM json_each(?) AS j CROSS JOIN advisories ON advisories.id = j.value`,
    );
    return this.#byIds.all(JSON.stringify([...new Set(ids)])) as unknown as IdBrief[];
  }

  /** briefRows of the advisories whose spans may hold one of their name's versions (the package index alone decides). */
  briefRowsHolding(ecosystem: Ecosystem, names: readonly string[], versions: VersionsByName): BriefRow[] {
    // each name the index has, with the lowest and highest keys of its versions: SQLite leaves out
    // the rows whose spans start above the highest or, in one interval, end below the lowest (on
    // dense data, most of them), and the rest are checked here exactly. The names first: a
    // project's packages are mostly without advisories, and the keys of their versions would be
    // made for nothing (an audit of 2,513 packages against the 638 bundled advisories needs 35)
    const indexed = this.#indexedStatement().all(
      ecosystem,
      JSON.stringify([...new Set(names)]),
    ) as unknown as [string][];
    if (!indexed.length) return [];
    const bounded: [string, string | null, string | null][] = [];
    for (let i = 0; i < indexed.length; i++) {
      const name = indexed[i]![0];
      const b = keyBounds(versions.get(name) ?? NO_VERSIONS);
      bounded.push([name, b?.[0] ?? null, b?.[1] ?? null]);
    }
    const rows = this.#spansBoundedStatement().all(ecosystem, JSON.stringify(bounded)) as unknown as [
      string,
      string,
      string | null,
    ][];
    // the rows as they come, not made into objects first
    const seen = new Set<string>();
    const pairs: [string, string][] = [];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      keepIfMayHold(r[0], r[1], r[2], versions, seen, pairs);
    }
    if (!pairs.length) return [];
    return this.#byPairStatement().all(ecosystem, JSON.stringify(pairs)) as unknown as BriefRow[];
  }

  forPackages(
    names: readonly string[],
    ecosystem: Ecosystem = 'npm',
    versions?: VersionsByName,
  ): Map<string, Advisory[]> {
    const rows = versions
      ? this.briefRowsHolding(ecosystem, names, versions)
      : this.briefRows(ecosystem, names);
    const made = new Map<string, Advisory>();
    return groupByName(rows, (r) => this.#advisory(r, made));
  }

  core(version?: string): Advisory[] {
    const made = new Map<string, Advisory>();
    if (version === undefined)
      return (this.#coreStatement().all() as unknown as IdBrief[]).map((r) => this.#advisory(r, made));
    // the package index says which core advisories may hold the version: only those are read and
    // made (a check of one Node.js needs a few of the 171 bundled ones, whose sets it then compiles)
    this.#coreSpans ??= this.db.prepare(
      `SELECT advisory_id AS id, spans FROM affected WHERE ecosystem = 'node'`,
    );
    const may = new Set<string>();
    const versions = [version];
    for (const r of this.#coreSpans.all() as unknown as SpanRow[])
      if (spansMayHold(r.spans, versions)) may.add(r.id);
    return (this.#coreStatement(true).all(JSON.stringify([...may])) as unknown as IdBrief[]).map((r) =>
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

  #spansStatement(): StatementSync {
    this.#spans ??= this.db.prepare(
      `SELECT name, advisory_id AS id, spans FROM affected
       WHERE ecosystem = ? AND name IN (SELECT value FROM json_each(?))`,
    );
    this.#spans.setReturnArrays(true);
    return this.#spans;
  }

  /**
   * The package index's rows of the names given as [name, lowest key, highest key] (JSON), but
   * those whose spans cannot hold a key between the two: spans are "[lo,hi) [lo,hi] …", sorted,
   * with keys whose string order is the versions' (keys.ts), so a first `lo` above the highest key,
   * or the `hi` of a single interval below the lowest, rules a row out. What this keeps may still
   * hold none (keepIfMayHold decides); a name without keys keeps only rows without spans.
   */
  #spansBoundedStatement(): StatementSync {
    if (!this.#spansBounded) {
      const hi = `substr(spans, instr(spans, ',') + 1, length(spans) - instr(spans, ',') - 1)`;
      this.#spansBounded = this.db.prepare(
        `SELECT affected.name, advisory_id AS id, spans
         FROM json_each(?2) AS j CROSS JOIN affected
           ON affected.ecosystem = ?1 AND affected.name = j.value->>0
         WHERE spans IS NULL
           OR (substr(spans, 2, instr(spans, ',') - 2) <= j.value->>2
             AND (instr(spans, ' ') > 0 OR ${hi} = '' OR ${hi} >= j.value->>1))`,
      );
      this.#spansBounded.setReturnArrays(true);
    }
    return this.#spansBounded;
  }

  /** Which of the names given (a JSON array) the package index has rows of: one look-up in the index each. */
  #indexedStatement(): StatementSync {
    if (!this.#indexed) {
      this.#indexed = this.db.prepare(
        `SELECT value FROM json_each(?2)
         WHERE EXISTS (SELECT 1 FROM affected WHERE ecosystem = ?1 AND name = json_each.value)`,
      );
      this.#indexed.setReturnArrays(true);
    }
    return this.#indexed;
  }

  // CROSS JOIN keeps the pairs as the outer loop: SQLite cannot tell how few they are, and would
  // otherwise walk every npm row of the index
  #byPairStatement(): StatementSync {
    this.#byPair ??= this.db.prepare(
      `SELECT DISTINCT affected.name, advisory_id AS id,
         coalesce(brief, (SELECT record FROM advisories WHERE advisories.id = advisory_id)) AS brief
       FROM json_each(?2) AS j CROSS JOIN affected
         ON affected.ecosystem = ?1 AND affected.name = j.value->>0 AND affected.advisory_id = j.value->>1
       ORDER BY advisory_id`,
    );
    return this.#byPair;
  }

  /** The core advisories' briefs, by id; `some`: of the ids given as a JSON array only. */
  #coreStatement(some = false): StatementSync {
    const statement = (only: string) =>
      this.db.prepare(
        `SELECT id, coalesce(
           (SELECT brief FROM affected WHERE advisory_id = advisories.id AND brief IS NOT NULL LIMIT 1),
           record) AS brief
         FROM advisories WHERE kind = 'core'${only} ORDER BY id`,
      );
    if (some) {
      this.#coreSome ??= statement(' AND id IN (SELECT value FROM json_each(?))');
      return this.#coreSome;
    }
    this.#core ??= statement('');
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
