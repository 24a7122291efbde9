import { randomUUID } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import {
  type Advisory,
  type AdvisoryKind,
  advisoryIdForms,
  freshnessOf,
  type SourceFreshness,
  severityOf,
} from '../../advisories/index.js';
import { NswgError } from '../../errors.js';
import type { Database } from '../schema.js';
import { briefOf } from './brief.js';
import type { Ecosystem, PackageReads, VersionsByName } from './package-reads.js';
import { packageReadsOf } from './package-reads-kysely.js';
import {
  indexAdvisories,
  queryWords,
  type SearchFilter,
  textMatches,
  unindexAdvisories,
} from './search-index.js';
import { spansOfAdvisory } from './spans.js';

/** What an import did. */
export interface ImportSummary {
  added: number;
  updated: number;
  unchanged: number;
  /** Kept the stored copy because it was modified later than the one imported. */
  older: number;
}

export interface ImportOptions {
  /** Called after each batch with the number of advisories handled so far. */
  onProgress?: (done: number, total: number) => void;
  /** Facts written to `meta` in the same transaction, once every advisory is in (a sync's positions in its sources). */
  meta?: () => Readonly<Record<string, string>>;
}

export interface SearchOptions {
  /** Only advisories affecting this package. */
  package?: string;
  kind?: AdvisoryKind;
  limit?: number;
  offset?: number;
}

export interface AdvisoryStats {
  total: number;
  byKind: Record<string, number>;
  bySeverity: Record<string, number>;
  packages: number;
  withdrawn: number;
  newestModified: string | null;
  /** The newest advisory of each source and ecosystem. */
  freshness: SourceFreshness[];
}

/** What every audit says of the database: its size and how fresh each source's advisories are. */
export interface AdvisorySummary {
  total: number;
  newest: string | null;
  freshness: SourceFreshness[];
}

/**
 * The newest advisory per (id prefix, kind): an id's first five characters hold its source's prefix
 * (NSWG-, GHSA-, MAL-2…) in one small group each, which both engines compute alike (freshnessOf
 * folds them by source).
 */
export async function readFreshness(db: Kysely<Database>): Promise<SourceFreshness[]> {
  const prefix = sql<string>`substr(id, 1, 5)`;
  const rows = await db
    .selectFrom('advisories')
    .select((eb) => [
      prefix.as('prefix'),
      'kind',
      eb.fn.max('modified').as('newest'),
      eb.fn.countAll<string>().as('n'),
    ])
    .groupBy([prefix, 'kind'])
    .execute();
  return freshnessOf(
    rows.map((r) => ({
      prefix: r.prefix,
      ecosystem: r.kind as AdvisoryKind,
      newest: String(r.newest),
      advisories: Number(r.n),
    })),
  );
}

const BATCH = 400;

function row(a: Advisory, record: string) {
  return {
    id: a.id,
    kind: a.kind,
    modified: a.modified,
    published: a.published,
    withdrawn: a.withdrawn,
    title: a.title,
    severity: severityOf(a),
    cvss_score: a.cvss?.score ?? null,
    record,
  };
}

const chunks = <T>(list: readonly T[], n: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  return out;
};

/** Sets a `meta` fact inside a transaction. */
async function setMeta(trx: Transaction<Database>, key: string, value: string): Promise<void> {
  await trx
    .insertInto('meta')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

/** The `meta` key that changes with every import that adds or changes advisories. */
export const ADVISORIES_VERSION = 'advisories.version';

let advisoryWrites = 0;

/**
 * How many times advisories have been written in this process, by any store (before and after each
 * import's commit): the server's look-up caches compare it on every request, and need to ask the
 * database whether another process wrote only now and then (routes/lookup.ts).
 */
export function advisoryWriteCount(): number {
  return advisoryWrites;
}

/** The advisory tables: import, look-ups by id, alias and package, search, statistics. */
/**
 * The latest list's query. The index on (published, id) gives its order whole, so that a page reads
 * its 25 rows however many advisories share a date (tested on both engines' plans).
 */
export function latestQuery(db: Kysely<Database>, limit: number, offset: number) {
  return db
    .selectFrom('advisories')
    .select('record')
    .where('published', 'is not', null)
    .where('withdrawn', 'is', null)
    .orderBy('published', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset);
}

export class AdvisoryStore {
  /** The reads of advisories by package: prepared statements on SQLite, Kysely on PostgreSQL. */
  private readonly packages: PackageReads;

  constructor(private readonly db: Kysely<Database>) {
    this.packages = packageReadsOf(db);
  }

  /**
   * Adds or updates advisories in one transaction: all of them or, on any error, none. An advisory
   * already stored is replaced when the imported one is as new or newer (by `modified`) and differs.
   */
  async import(list: readonly Advisory[], opts: ImportOptions = {}): Promise<ImportSummary> {
    const ids = new Set<string>();
    for (const a of list) {
      if (ids.has(a.id))
        throw new NswgError('E_DUPLICATE_ID', `${a.id} appears twice in one import`, { field: 'id' });
      ids.add(a.id);
    }
    const { onProgress, ...rest } = opts;
    return this.importEach(list, {
      ...rest,
      ...(onProgress ? { onProgress: (done) => onProgress(done, list.length) } : {}),
    });
  }

  /**
   * Like import, for more advisories than memory holds at once: they are read from `source` while
   * they are stored, in batches, all in one transaction (`onProgress`'s total is what is done so far).
   */
  async importEach(source: Iterable<Advisory>, opts: ImportOptions = {}): Promise<ImportSummary> {
    const summary: ImportSummary = { added: 0, updated: 0, unchanged: 0, older: 0 };
    const ids = new Set<string>();
    await this.db.transaction().execute(async (trx) => {
      let done = 0;
      let batch: Advisory[] = [];
      const flush = async () => {
        await this.importBatch(trx, batch, summary);
        done += batch.length;
        batch = [];
        opts.onProgress?.(done, done);
      };
      for (const a of source) {
        if (ids.has(a.id))
          throw new NswgError('E_DUPLICATE_ID', `${a.id} appears twice in one import`, { field: 'id' });
        ids.add(a.id);
        batch.push(a);
        if (batch.length >= BATCH) await flush();
      }
      if (batch.length) await flush();
      if (summary.added || summary.updated) await this.refreshSummary(trx);
      for (const [key, value] of Object.entries(opts.meta?.() ?? {})) await setMeta(trx, key, value);
    });
    advisoryWrites++;
    return summary;
  }

  /** Keeps the count and newest date in `meta`, so that every audit can say them without counting. */
  private async refreshSummary(trx: Transaction<Database>): Promise<void> {
    const r = await trx
      .selectFrom('advisories')
      .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.max('modified').as('newest')])
      .executeTakeFirstOrThrow();
    await setMeta(trx, 'advisories.total', String(Number(r.n)));
    await setMeta(trx, 'advisories.newest', String(r.newest ?? ''));
    await setMeta(trx, 'advisories.freshness', JSON.stringify(await readFreshness(trx)));
    // what readers compare to know that their cached advisories still hold (reads.ts dataVersion)
    await setMeta(trx, ADVISORIES_VERSION, randomUUID());
  }

  /**
   * How many advisories there are, the newest `modified`, and the newest per source and ecosystem:
   * one small read (a database imported into before the per-source figures were kept counts them).
   */
  async summary(): Promise<AdvisorySummary> {
    const rows = await this.db
      .selectFrom('meta')
      .select(['key', 'value'])
      .where('key', 'in', ['advisories.total', 'advisories.newest', 'advisories.freshness'])
      .execute();
    const m = new Map(rows.map((r) => [r.key, r.value]));
    const kept = m.get('advisories.freshness');
    if (m.has('advisories.total') && kept !== undefined)
      return {
        total: Number(m.get('advisories.total')),
        newest: m.get('advisories.newest') || null,
        freshness: JSON.parse(kept) as SourceFreshness[],
      };
    const s = await this.stats();
    return { total: s.total, newest: s.newestModified, freshness: s.freshness };
  }

  /**
   * Like import, inside a transaction the caller holds, so that the advisory is stored together with
   * other changes (publishing a disclosure report stores it with the report's state change).
   */
  async importInTransaction(trx: Transaction<Database>, list: readonly Advisory[]): Promise<ImportSummary> {
    const summary: ImportSummary = { added: 0, updated: 0, unchanged: 0, older: 0 };
    if (new Set(list.map((a) => a.id)).size !== list.length) {
      throw new NswgError('E_DUPLICATE_ID', 'an advisory appears twice in one import', { field: 'id' });
    }
    for (const batch of chunks(list, BATCH)) await this.importBatch(trx, batch, summary);
    if (summary.added || summary.updated) await this.refreshSummary(trx);
    return summary;
  }

  private async importBatch(
    trx: Transaction<Database>,
    batch: Advisory[],
    summary: ImportSummary,
  ): Promise<void> {
    advisoryWrites++;
    const existing = new Map(
      (
        await trx
          .selectFrom('advisories')
          .select(['id', 'modified', 'record'])
          .where(
            'id',
            'in',
            batch.map((a) => a.id),
          )
          .execute()
      ).map((r) => [r.id, r]),
    );
    const write: { a: Advisory; record: string }[] = [];
    const replaced: string[] = [];
    for (const a of batch) {
      const record = JSON.stringify(a);
      const old = existing.get(a.id);
      if (!old) {
        summary.added++;
        write.push({ a, record });
      } else if (old.modified > a.modified) {
        summary.older++;
      } else if (old.record === record) {
        summary.unchanged++;
      } else {
        summary.updated++;
        replaced.push(a.id);
        write.push({ a, record });
      }
    }
    if (replaced.length) {
      await unindexAdvisories(trx, replaced);
      await trx.deleteFrom('affected').where('advisory_id', 'in', replaced).execute();
      await trx.deleteFrom('aliases').where('advisory_id', 'in', replaced).execute();
      await trx.deleteFrom('advisories').where('id', 'in', replaced).execute();
    }
    if (!write.length) return;
    for (const part of chunks(write, 80)) {
      await trx
        .insertInto('advisories')
        .values(part.map((w) => row(w.a, w.record)))
        .execute();
    }
    await indexAdvisories(
      trx,
      write.map((w) => w.a),
    );
    const affected = write.flatMap(({ a }) => {
      const brief = briefOf(a);
      const spans = spansOfAdvisory(a);
      return a.affected.map((x, i) => ({
        advisory_id: a.id,
        ecosystem: x.ecosystem,
        name: x.name,
        vulnerable: x.vulnerable,
        brief,
        spans: spans[i]!,
      }));
    });
    for (const part of chunks(affected, 200)) await trx.insertInto('affected').values(part).execute();
    const aliases = write.flatMap(({ a }) =>
      [...new Set(a.aliases)].map((alias) => ({ alias, advisory_id: a.id })),
    );
    for (const part of chunks(aliases, 400)) await trx.insertInto('aliases').values(part).execute();
  }

  /**
   * The most recently published advisories (not withdrawn), newest first, from `offset` on: the
   * home page's list. Ordered by publication, not `modified`, which the bundled core advisories all
   * share (their files carry no date, so it is the snapshot's).
   */
  async latest(limit: number, offset = 0): Promise<Advisory[]> {
    const rows = await latestQuery(this.db, limit, offset).execute();
    return rows.map((r) => JSON.parse(r.record) as Advisory);
  }

  /** One advisory by id, or by alias (a CVE id) when no id matches, in any spelling; null when unknown. */
  async get(idOrAlias: string): Promise<Advisory | null> {
    return (await this.resolve(idOrAlias))[0] ?? null;
  }

  /**
   * The advisories a reference names, in any of its spellings (advisories/ids.ts): the advisory of
   * that id, else every advisory with that alias (a CVE may be in several), by id; empty when none.
   */
  async resolve(reference: string): Promise<Advisory[]> {
    const forms = advisoryIdForms(reference);
    if (!forms.length) return [];
    const own = await this.db
      .selectFrom('advisories')
      .select(['id', 'record'])
      .where('id', 'in', forms)
      .execute();
    for (const id of forms) {
      const row = own.find((r) => r.id === id);
      if (row) return [JSON.parse(row.record) as Advisory];
    }
    const named = await this.db
      .selectFrom('aliases')
      .innerJoin('advisories', 'advisories.id', 'aliases.advisory_id')
      .select(['aliases.alias', 'advisories.record'])
      .where('aliases.alias', 'in', forms)
      .orderBy('advisories.id')
      .execute();
    for (const alias of forms) {
      const list = named.filter((r) => r.alias === alias);
      if (list.length) return list.map((r) => JSON.parse(r.record) as Advisory);
    }
    return [];
  }

  /** Every advisory that has `alias` among its aliases (a CVE may be in several), by id. */
  async byAlias(alias: string): Promise<Advisory[]> {
    const rows = await this.db
      .selectFrom('aliases')
      .innerJoin('advisories', 'advisories.id', 'aliases.advisory_id')
      .select('advisories.record')
      .where('aliases.alias', '=', alias)
      .orderBy('advisories.id')
      .execute();
    return rows.map((r) => JSON.parse(r.record) as Advisory);
  }

  /** All advisories affecting the package `name` (one index lookup). */
  async forPackage(name: string, ecosystem: 'npm' | 'node' = 'npm'): Promise<Advisory[]> {
    const rows = await this.db
      .selectFrom('affected')
      .innerJoin('advisories', 'advisories.id', 'affected.advisory_id')
      .select(['advisories.id', 'advisories.record'])
      .where('affected.ecosystem', '=', ecosystem)
      .where('affected.name', '=', name)
      .orderBy('advisories.id')
      .distinct()
      .execute();
    return rows.map((r) => JSON.parse(r.record) as Advisory);
  }

  /**
   * The advisories of many packages at once, by package name (for the audit and the bulk endpoint):
   * on SQLite from the briefs, each record read on first use while the store is open (package-reads.ts).
   */
  async forPackages(
    names: readonly string[],
    ecosystem: Ecosystem = 'npm',
    versions?: VersionsByName,
  ): Promise<Map<string, Advisory[]>> {
    return this.packages.forPackages(names, ecosystem, versions);
  }

  /** The Node.js core advisories, by id (for the audit and check-node). */
  async core(): Promise<Advisory[]> {
    return this.packages.core();
  }

  /**
   * Advisories matching a query, best first: those of the package of that exact name, then the
   * advisory of that id or alias, then those with every word of the query in their ids, package
   * names, title or text, ranked (search-index.ts). An empty query lists all, newest first.
   */
  async search(text: string, opts: SearchOptions = {}): Promise<Advisory[]> {
    const limit = opts.limit ?? 50;
    const offset = opts.offset ?? 0;
    const filter = {
      ...(opts.kind ? { kind: opts.kind } : {}),
      ...(opts.package ? { package: opts.package } : {}),
    };
    if (!text.trim()) return this.newest(filter, limit, offset);
    const want = offset + limit;
    const words = queryWords(text);
    // independent reads: on PostgreSQL they run at once, on several connections
    const [byName, byId, byWords] = await Promise.all([
      this.packageMatches(text, filter),
      this.idMatches(text, filter),
      textMatches(this.db, words, filter, want),
    ]);
    const ids = new Set([...byName, ...byId]);
    const before = ids.size;
    for (const id of byWords) ids.add(id);
    // text matches that were named first took places: read further
    if (ids.size < want && byWords.length === want)
      for (const id of await textMatches(this.db, words, filter, want + before)) ids.add(id);
    return this.records([...ids].slice(offset, want));
  }

  /** The ids of the advisories of the package named `text` (as typed, or in lower case), newest first. */
  private async packageMatches(text: string, filter: SearchFilter): Promise<string[]> {
    const names = [...new Set([text.trim(), text.trim().toLowerCase()])];
    let q = this.db
      .selectFrom('affected')
      .innerJoin('advisories', 'advisories.id', 'affected.advisory_id')
      .select(['advisories.id', 'advisories.modified'])
      .distinct()
      .where('affected.ecosystem', 'in', ['npm', 'node']) // the index's first column
      .where('affected.name', 'in', names);
    if (filter.kind) q = q.where('advisories.kind', '=', filter.kind);
    if (filter.package) q = q.where('affected.name', '=', filter.package);
    const rows = await q
      .orderBy('advisories.modified', 'desc')
      .orderBy('advisories.id')
      .limit(10_000)
      .execute();
    return rows.map((r) => r.id);
  }

  /** The ids of the advisories the query names as an id or alias. */
  private async idMatches(text: string, filter: SearchFilter): Promise<string[]> {
    return (await this.resolve(text))
      .filter(
        (a) =>
          (!filter.kind || a.kind === filter.kind) &&
          (!filter.package || a.affected.some((x) => x.name === filter.package)),
      )
      .map((a) => a.id);
  }

  /** All advisories (filtered), newest first. */
  private async newest(filter: SearchFilter, limit: number, offset: number): Promise<Advisory[]> {
    let q = this.db.selectFrom('advisories').select('advisories.record');
    if (filter.kind) q = q.where('advisories.kind', '=', filter.kind);
    if (filter.package) {
      const pkg = filter.package;
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('affected')
            .select('affected.advisory_id')
            .whereRef('affected.advisory_id', '=', 'advisories.id')
            .where('affected.name', '=', pkg),
        ),
      );
    }
    const rows = await q
      .orderBy('advisories.modified', 'desc')
      .orderBy('advisories.id')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((r) => JSON.parse(r.record) as Advisory);
  }

  /** The records of advisories, in the order of `ids`. */
  private async records(ids: readonly string[]): Promise<Advisory[]> {
    if (!ids.length) return [];
    const rows = await this.db
      .selectFrom('advisories')
      .select(['id', 'record'])
      .where('id', 'in', ids)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r.record]));
    return ids.flatMap((id) => {
      const r = byId.get(id);
      return r ? [JSON.parse(r) as Advisory] : [];
    });
  }

  /** Every advisory (of one kind, when given), by id; for exports. */
  async *all(kind?: AdvisoryKind): AsyncGenerator<Advisory> {
    let after = '';
    for (;;) {
      let q = this.db.selectFrom('advisories').select(['id', 'record']).where('id', '>', after);
      if (kind) q = q.where('kind', '=', kind);
      const rows = await q.orderBy('id').limit(1000).execute();
      for (const r of rows) yield JSON.parse(r.record) as Advisory;
      if (rows.length < 1000) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  /** Counts for `db stats`. */
  async stats(): Promise<AdvisoryStats> {
    const byKind = await this.db
      .selectFrom('advisories')
      .select(['kind', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('kind')
      .execute();
    const bySeverity = await this.db
      .selectFrom('advisories')
      .select(['severity', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('severity')
      .execute();
    const packages = await this.db
      .selectFrom('affected')
      .select((eb) => eb.fn.count<string>('name').distinct().as('n'))
      .where('ecosystem', '=', 'npm')
      .executeTakeFirstOrThrow();
    const withdrawn = await this.db
      .selectFrom('advisories')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('withdrawn', 'is not', null)
      .executeTakeFirstOrThrow();
    const newest = await this.db
      .selectFrom('advisories')
      .select((eb) => eb.fn.max('modified').as('m'))
      .executeTakeFirst();
    const freshness = await readFreshness(this.db);
    const kinds = Object.fromEntries(byKind.map((r) => [r.kind, Number(r.n)]));
    return {
      total: Object.values(kinds).reduce((s, n) => s + n, 0),
      byKind: kinds,
      bySeverity: Object.fromEntries(bySeverity.map((r) => [r.severity, Number(r.n)])),
      packages: Number(packages.n),
      withdrawn: Number(withdrawn.n),
      newestModified: (newest?.m as string | null | undefined) ?? null,
      freshness,
    };
  }
}
