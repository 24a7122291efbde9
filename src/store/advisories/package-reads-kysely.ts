import { type Kysely, sql } from 'kysely';
import type { Advisory } from '../../advisories/index.js';
import { rawSqlite } from '../connect.js';
import type { Database } from '../schema.js';
import type { BriefRow, Ecosystem, IdBrief, PackageReads, SpanRow, VersionsByName } from './package-reads.js';
import { groupByName, rowsMayHold, SqlitePackageReads } from './package-reads.js';

/** Names per statement: PostgreSQL takes many parameters, but a plan for thousands costs. */
const PART = 500;

/** The package reads on PostgreSQL, through Kysely: whole records (nothing is read later). */
export class KyselyPackageReads implements PackageReads {
  constructor(private readonly db: Kysely<Database>) {}

  /** Each (name, advisory) row with its brief and its record. */
  private async rows(ecosystem: Ecosystem, names: readonly string[]) {
    const unique = [...new Set(names)];
    const rows: { name: string; id: string; brief: string | null; record: string }[] = [];
    for (let i = 0; i < unique.length; i += PART) {
      rows.push(
        ...(await this.db
          .selectFrom('affected')
          .innerJoin('advisories', 'advisories.id', 'affected.advisory_id')
          .select(['affected.name as name', 'advisories.id as id', 'affected.brief', 'advisories.record'])
          .where('affected.ecosystem', '=', ecosystem)
          .where('affected.name', 'in', unique.slice(i, i + PART))
          .orderBy('advisories.id')
          .execute()),
      );
    }
    return rows;
  }

  /** rows() of the advisories whose spans may hold one of their name's versions (the package index decides first). */
  private async rowsHolding(ecosystem: Ecosystem, names: readonly string[], versions: VersionsByName) {
    const pairs = rowsMayHold(await this.spanRows(ecosystem, names), versions);
    const wanted = new Set(pairs.map(([name, id]) => `${name}\u0000${id}`));
    const ids = [...new Set(pairs.map(([, id]) => id))];
    const rows: { name: string; id: string; brief: string | null; record: string }[] = [];
    for (let i = 0; i < ids.length; i += PART) {
      for (const r of await this.db
        .selectFrom('affected')
        .innerJoin('advisories', 'advisories.id', 'affected.advisory_id')
        .select(['affected.name as name', 'advisories.id as id', 'affected.brief', 'advisories.record'])
        .where('affected.ecosystem', '=', ecosystem)
        .where('affected.advisory_id', 'in', ids.slice(i, i + PART))
        .execute())
        if (wanted.has(`${r.name}\u0000${r.id}`)) rows.push(r);
    }
    return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async spanRows(ecosystem: Ecosystem, names: readonly string[]): Promise<SpanRow[]> {
    const unique = [...new Set(names)];
    if (!unique.length) return [];
    // one row of JSON text, not a row per advisory: the driver's per-row work was most of the cost
    const r = await sql<{
      rows: string;
    }>`select coalesce(json_agg(json_build_array(name, advisory_id, spans)), '[]')::text as rows
      from affected where ecosystem = ${ecosystem} and name = any(${unique}::text[])`.execute(this.db);
    return (JSON.parse(r.rows[0]!.rows) as [string, string, string | null][]).map(([name, id, spans]) => ({
      name,
      id,
      spans,
    }));
  }

  async briefsOf(ids: readonly string[]): Promise<IdBrief[]> {
    const unique = [...new Set(ids)];
    const out: IdBrief[] = [];
    for (let i = 0; i < unique.length; i += PART)
      out.push(
        ...(await this.db
          .selectFrom('advisories')
          .select([
            'advisories.id',
            sql<string>`coalesce((select a.brief from affected a where a.advisory_id = advisories.id
              and a.brief is not null limit 1), advisories.record)`.as('brief'),
          ])
          .where('advisories.id', 'in', unique.slice(i, i + PART))
          .execute()),
      );
    return out;
  }

  async briefRows(ecosystem: Ecosystem, names: readonly string[]): Promise<BriefRow[]> {
    return (await this.rows(ecosystem, names)).map((r) => ({
      name: r.name,
      id: r.id,
      brief: r.brief ?? r.record,
    }));
  }

  async forPackages(
    names: readonly string[],
    ecosystem: Ecosystem = 'npm',
    versions?: VersionsByName,
  ): Promise<Map<string, Advisory[]>> {
    const made = new Map<string, Advisory>();
    const rows = versions
      ? await this.rowsHolding(ecosystem, names, versions)
      : await this.rows(ecosystem, names);
    return groupByName(rows, (r) => {
      let a = made.get(r.id);
      if (!a) {
        a = JSON.parse(r.record) as Advisory;
        made.set(r.id, a);
      }
      return a;
    });
  }

  async core(): Promise<Advisory[]> {
    const rows = await this.db
      .selectFrom('advisories')
      .select('record')
      .where('kind', '=', 'core')
      .orderBy('id')
      .execute();
    return rows.map((r) => JSON.parse(r.record) as Advisory);
  }
}

/** The package reads of a connection: the prepared statements on SQLite, Kysely on PostgreSQL. */
export function packageReadsOf(db: Kysely<Database>): PackageReads {
  const raw = rawSqlite(db);
  return raw ? new SqlitePackageReads(raw) : new KyselyPackageReads(db);
}
