// A fingerprint of a whole database (every table's rows, digested), for the API fuzz test to tell
// whether a batch of refused requests wrote anything.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { TestServer } from '../server/disclosure/helpers.js';

/**
 * Columns left out of the digest, and why: using an API token records when it was last used,
 * whatever the answer (its owner sees it in the list of tokens); the rest of the token's row counts.
 */
const UNDIGESTED: Record<string, readonly string[]> = { api_tokens: ['last_used_at'] };

/**
 * One query that digests every table's rows (each table's rows as text, sorted): run before and
 * after a batch, equal digests mean nothing was written. Built once from the schema, as one
 * statement, so that a fingerprint costs one round trip.
 */
export async function digestQuery(s: TestServer, engine: string): Promise<string> {
  // biome-ignore lint/suspicious/noExplicitAny: raw SQL over every table
  const db = s.store.db as any;
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const lit = (name: string) => `'${name.replace(/'/g, "''")}'`;
  if (engine === 'postgres') {
    const tables = (
      await sql<{
        tablename: string;
      }>`select tablename from pg_tables where schemaname = current_schema()`.execute(db)
    ).rows.map((r) => r.tablename);
    return tables
      .map((t) => {
        const row = UNDIGESTED[t]
          ? `(to_jsonb(x) ${UNDIGESTED[t].map((c) => `- ${lit(c)}`).join(' ')})::text`
          : 'x::text';
        return `select ${lit(t)} as t, md5(coalesce(string_agg(${row}, '|' order by ${row}), '')) as d from ${q(t)} x`;
      })
      .join(' union all ');
  }
  const tables = (
    await sql<{
      name: string;
    }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db)
  ).rows.map((r) => r.name);
  const parts: string[] = [];
  for (const t of tables) {
    const cols = (await sql<{ name: string }>`select name from pragma_table_info(${t})`.execute(db)).rows
      .map((r) => r.name)
      .filter((c) => !UNDIGESTED[t]?.includes(c));
    const row = cols.map((c) => `quote(${q(c)})`).join(` || ',' || `);
    parts.push(
      `select ${lit(t)} as t, coalesce((select group_concat(x, '|') from (select ${row} as x from ${q(t)} order by 1)), '') as d`,
    );
  }
  return parts.join(' union all ');
}

/** Every table's digest, and the audit log's last entry. */
export async function fingerprint(s: TestServer, query: string): Promise<Map<string, string>> {
  // biome-ignore lint/suspicious/noExplicitAny: raw SQL over every table
  const db = s.store.db as any;
  const rows = (await sql.raw<{ t: string; d: string }>(query).execute(db)).rows;
  const out = new Map<string, string>(rows.map((r) => [r.t, createHash('sha256').update(r.d).digest('hex')]));
  const head = await sql<{ seq: number | null }>`select max(seq) as seq from audit_log`.execute(db);
  out.set('audit_log:seq', String(head.rows[0]?.seq ?? 0));
  return out;
}

/** The tables whose digest differs between two fingerprints. */
export const changed = (a: Map<string, string>, b: Map<string, string>): string[] =>
  [...b].filter(([t, h]) => !t.includes(':') && a.get(t) !== h).map(([t]) => t);

/** The actions of the audit entries written since the fingerprint `before` was taken. */
export async function auditSince(s: TestServer, before: Map<string, string>): Promise<string[]> {
  const seq = Number(before.get('audit_log:seq') ?? 0);
  return (
    await sql<{ action: string }>`select action from audit_log where seq > ${seq} order by seq`.execute(
      s.store.db,
    )
  ).rows.map((r) => r.action);
}
