import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Advisory } from '../../advisories/index.js';

/**
 * The full-text index of advisories (`advisory_search`): on SQLite an FTS5 table whose rowids
 * `advisory_search_ids` maps to advisory ids (an advisory's own rowid may change in a VACUUM, as its
 * key is text), on PostgreSQL a weighted tsvector per advisory with a GIN index. Both tokenize
 * words without stemming, so that "express" is not found in "regular expression".
 */

/** True on PostgreSQL (the index's table and query differ by engine). */
export const isPostgres = (db: Kysely<any>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

/** The indexed fields of an advisory, most telling first: names, packages, title, text. */
function fields(a: Advisory): [string, string, string, string, string] {
  return [
    a.id,
    [a.id, ...a.aliases].join(' '),
    [...new Set(a.affected.map((x) => x.name))].join(' '),
    a.title ?? '',
    [a.details ?? '', a.recommendation ?? ''].join('\n'),
  ];
}

/** Rows per statement: five parameters each, well under SQLite's limit. */
const PART = 100;

/** Indexes advisories just written to `advisories` (their old index rows removed first). */
export async function indexAdvisories(db: Kysely<any>, list: readonly Advisory[]): Promise<void> {
  const pg = isPostgres(db);
  for (let i = 0; i < list.length; i += PART) {
    const values = sql.join(
      list.slice(i, i + PART).map((a) => sql`(${sql.join(fields(a))})`),
      sql`, `,
    );
    if (pg) {
      await sql`insert into advisory_search (advisory_id, doc)
        select v.id, setweight(to_tsvector('simple', v.ids), 'A') || setweight(to_tsvector('simple', v.packages), 'A')
          || setweight(to_tsvector('simple', v.title), 'B') || setweight(to_tsvector('simple', v.body), 'D')
        from (values ${values}) as v(id, ids, packages, title, body)`.execute(db);
    } else {
      const ids = sql.join(list.slice(i, i + PART).map((a) => sql`(${a.id})`));
      await sql`insert into advisory_search_ids (advisory_id) values ${ids}`.execute(db);
      await sql`insert into advisory_search (rowid, ids, packages, title, body)
        select d.docid, v.column2, v.column3, v.column4, v.column5
        from (values ${values}) as v join advisory_search_ids d on d.advisory_id = v.column1`.execute(db);
    }
  }
}

/** Removes advisories from the index; call before their `advisories` rows are deleted. */
export async function unindexAdvisories(db: Kysely<any>, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  const list = sql.join(ids.map((id) => sql`${id}`));
  if (isPostgres(db)) await sql`delete from advisory_search where advisory_id in (${list})`.execute(db);
  else {
    await sql`delete from advisory_search where rowid in
      (select docid from advisory_search_ids where advisory_id in (${list}))`.execute(db);
    await sql`delete from advisory_search_ids where advisory_id in (${list})`.execute(db);
  }
}

/** Indexes every stored advisory (the migration that adds the index, on an existing database). */
export async function indexAllAdvisories(db: Kysely<any>): Promise<number> {
  let after = '';
  let n = 0;
  for (;;) {
    const rows = (await db
      .selectFrom('advisories')
      .select(['id', 'record'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(1000)
      .execute()) as { id: string; record: string }[];
    await indexAdvisories(
      db,
      rows.map((r) => JSON.parse(r.record) as Advisory),
    );
    n += rows.length;
    if (rows.length < 1000) return n;
    after = rows[rows.length - 1]!.id;
  }
}

/**
 * The words of a query, each a phrase of its own (`CVE-2014-7205` is the phrase "cve 2014 7205"):
 * every word must be found, in any field. Empty when the query has no word.
 */
export function queryWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/\s+/)
    .map((w) => w.replace(/[^\p{L}\p{N}]+/gu, ' ').trim())
    .filter((w) => w.length > 0);
}

/** Filters that apply to every tier of a search. */
export interface SearchFilter {
  kind?: string;
  package?: string;
}

/**
 * The ids of the `limit` best text matches of `words`, best first (ties: newest first), filtered.
 * bm25 and ts_rank weigh a word in an id or package name above one in a title, above one in the text.
 */
export async function textMatches(
  db: Kysely<any>,
  words: readonly string[],
  filter: SearchFilter,
  limit: number,
): Promise<string[]> {
  if (!words.length || limit <= 0) return [];
  const kind = filter.kind ? sql`and a.kind = ${filter.kind}` : sql``;
  const pkg = filter.package
    ? sql`and exists (select 1 from affected f where f.advisory_id = a.id and f.name = ${filter.package})`
    : sql``;
  if (isPostgres(db)) {
    const q = sql.join(
      words.map((w) => sql`phraseto_tsquery('simple', ${w})`),
      sql` && `,
    );
    const r = await sql<{
      id: string;
    }>`select a.id from advisory_search s join advisories a on a.id = s.advisory_id,
        (select ${q} as q) as t
      where s.doc @@ t.q ${kind} ${pkg}
      order by ts_rank(s.doc, t.q) desc, a.modified desc, a.id limit ${limit}`.execute(db);
    return r.rows.map((x) => x.id);
  }
  const match = words.map((w) => `"${w}"`).join(' ');
  const r = await sql<{ id: string }>`select a.id from advisory_search s
      join advisory_search_ids d on d.docid = s.rowid join advisories a on a.id = d.advisory_id
    where advisory_search match ${match} ${kind} ${pkg}
    order by bm25(advisory_search, 10.0, 10.0, 4.0, 1.0), a.modified desc, a.id limit ${limit}`.execute(db);
  return r.rows.map((x) => x.id);
}
