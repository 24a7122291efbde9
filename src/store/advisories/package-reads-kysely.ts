import type { Kysely } from 'kysely';
import type { Advisory } from '../../advisories/index.js';
import { rawSqlite } from '../connect.js';
import type { Database } from '../schema.js';
import type { BriefRow, Ecosystem, PackageReads } from './package-reads.js';
import { groupByName, SqlitePackageReads } from './package-reads.js';

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
  ): Promise<Map<string, Advisory[]>> {
    const made = new Map<string, Advisory>();
    return groupByName(await this.rows(ecosystem, names), (r) => {
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
