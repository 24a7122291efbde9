import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Advisory } from '../../advisories/index.js';

/**
 * The full-text index of advisories (`advisory_search`): on SQLite an FTS5 table, and one of the
 * names and titles only (`advisory_search_names`), whose rowids `advisory_search_ids` maps to advisory ids (an advisory's own rowid may change in a VACUUM, as its
 * key is text), on PostgreSQL a weighted tsvector per advisory and one of its names and title, each
 * with a GIN index. Both tokenize
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
      await sql`insert into advisory_search (advisory_id, names, doc)
        select v.id, to_tsvector('simple', v.ids || ' ' || v.packages || ' ' || v.title), setweight(to_tsvector('simple', v.ids), 'A') || setweight(to_tsvector('simple', v.packages), 'A')
          || setweight(to_tsvector('simple', v.title), 'B') || setweight(to_tsvector('simple', v.body), 'D')
        from (values ${values}) as v(id, ids, packages, title, body)`.execute(db);
    } else {
      const ids = sql.join(list.slice(i, i + PART).map((a) => sql`(${a.id})`));
      await sql`insert into advisory_search_ids (advisory_id) values ${ids}`.execute(db);
      await sql`insert into advisory_search (rowid, ids, packages, title, body)
        select d.docid, v.column2, v.column3, v.column4, v.column5
        from (values ${values}) as v join advisory_search_ids d on d.advisory_id = v.column1`.execute(db);
      await sql`insert into advisory_search_names (rowid, ids, packages, title)
        select d.docid, v.column2, v.column3, v.column4
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
    for (const table of [sql.table('advisory_search'), sql.table('advisory_search_names')])
      await sql`delete from ${table} where rowid in
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
 * The most matches ranked by relevance. Ranking reads every match, and a word found in tens of
 * thousands of advisories ("vulnerability") takes far longer to rank than a person waits, for an
 * order that means little: past this many, matches come newest-indexed first, through the index.
 */
export const RANKED_MATCHES = 2000;

/**
 * The ids of the `limit` best text matches of `words`, filtered: first those with every word in
 * their ids, package names or title, then those with the words anywhere (the text too). Within each,
 * by relevance (bm25 / ts_rank weigh names and packages above the title, above the text; ties newest
 * first) when there are at most RANKED_MATCHES, else newest indexed first.
 */
export async function textMatches(
  db: Kysely<any>,
  words: readonly string[],
  filter: SearchFilter,
  limit: number,
): Promise<string[]> {
  if (!words.length || limit <= 0) return [];
  const out = new Set<string>();
  for (const everywhere of [false, true]) {
    const ids = isPostgres(db)
      ? await postgresMatches(db, words, everywhere, filter, limit)
      : await sqliteMatches(db, words, everywhere, filter, limit);
    for (const id of ids) out.add(id);
    if (out.size >= limit) break;
  }
  return [...out].slice(0, limit);
}

function filters(filter: SearchFilter) {
  const kind = filter.kind ? sql`and a.kind = ${filter.kind}` : sql``;
  const pkg = filter.package
    ? sql`and exists (select 1 from affected f where f.advisory_id = a.id and f.name = ${filter.package})`
    : sql``;
  return sql`${kind} ${pkg}`;
}

async function sqliteMatches(
  db: Kysely<any>,
  words: readonly string[],
  everywhere: boolean,
  filter: SearchFilter,
  limit: number,
): Promise<string[]> {
  const match = words.map((w) => `"${w}"`).join(' ');
  // two tables, not a column filter: that would read every match of a common word in the text
  const table = sql.table(everywhere ? 'advisory_search' : 'advisory_search_names');
  const weights = everywhere ? sql`10.0, 10.0, 4.0, 1.0` : sql`10.0, 10.0, 4.0`;
  const more = async (text: string) =>
    (
      await sql`select rowid from ${table} where ${table} match ${text}
        limit 1 offset ${RANKED_MATCHES}`.execute(db)
    ).rows.length > 0;
  const many = await more(match);
  // bm25 counts every row a word matches to weigh it, which for a word in most advisories
  // ("vulnerability") is a read of its whole list, for a weight near nothing: the matches are
  // ranked by their other words, still holding them all
  const rare = many || words.length < 2 ? [] : await filterAsync(words, async (w) => !(await more(`"${w}"`)));
  const ranked = rare.length && rare.length < words.length ? rare.map((w) => `"${w}"`).join(' ') : match;
  const order = many ? sql`s.rowid desc` : sql`bm25(${table}, ${weights}), a.modified desc, a.id`;
  const all =
    ranked === match ? sql`` : sql`and s.rowid in (select rowid from ${table} where ${table} match ${match})`;
  const r = await sql<{ id: string }>`select a.id from ${table} s
      join advisory_search_ids d on d.docid = s.rowid join advisories a on a.id = d.advisory_id
    where ${table} match ${ranked} ${all} ${filters(filter)}
    order by ${order} limit ${limit}`.execute(db);
  return r.rows.map((x) => x.id);
}

async function filterAsync<T>(list: readonly T[], keep: (x: T) => Promise<boolean>): Promise<T[]> {
  const out: T[] = [];
  for (const x of list) if (await keep(x)) out.push(x);
  return out;
}

async function postgresMatches(
  db: Kysely<any>,
  words: readonly string[],
  everywhere: boolean,
  filter: SearchFilter,
  limit: number,
): Promise<string[]> {
  const q = sql.join(
    words.map((w) => sql`phraseto_tsquery('simple', ${w})`),
    sql` && `,
  );
  // `names`: the ids, package names and title only; `doc`: all, weighted
  const column = everywhere ? sql.ref('s.doc') : sql.ref('s.names');
  const many = await sql`select 1 from advisory_search s where ${column} @@ (${q})
    limit 1 offset ${RANKED_MATCHES}`.execute(db);
  const order = many.rows.length
    ? sql`s.docid desc`
    : sql`ts_rank('{0.1, 0.2, 0.4, 1.0}', s.doc, t.q) desc, a.modified desc, a.id`;
  const r = await sql<{
    id: string;
  }>`select a.id from advisory_search s join advisories a on a.id = s.advisory_id,
      (select ${q} as q) as t
    where ${column} @@ t.q ${filters(filter)}
    order by ${order} limit ${limit}`.execute(db);
  return r.rows.map((x) => x.id);
}
