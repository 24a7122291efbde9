import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DbTarget } from '../../src/store/index.js';

/**
 * The PostgreSQL server the tests use: NSWG_TEST_PG (a URL to an admin database), else the local
 * server's socket as the current user. In CI a missing server fails the run instead of skipping.
 */
export const PG_ADMIN_URL =
  process.env.NSWG_TEST_PG ?? `postgres://${userInfo().username}@localhost/postgres?host=/var/run/postgresql`;

let available: boolean | null = null;

/** True when the PostgreSQL server answers; throws in CI when it does not. */
export async function postgresAvailable(): Promise<boolean> {
  if (available !== null) return available;
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await client.connect();
    await client.end();
    available = true;
  } catch (e) {
    available = false;
    if (process.env.CI || process.env.NSWG_REQUIRE_PG) {
      throw new Error(
        `PostgreSQL is required here but not reachable at ${PG_ADMIN_URL}: ${(e as Error).message}`,
      );
    }
  }
  return available;
}

/** A fresh, empty database for one test file, and how to drop it. */
export interface TestDb {
  target: DbTarget;
  label: string;
  drop(): Promise<void>;
}

/** A new SQLite file in a temporary directory. */
export function sqliteTestDb(): TestDb {
  const dir = mkdtempSync(join(tmpdir(), 'nswg-test-'));
  return {
    target: { kind: 'sqlite', file: join(dir, 'nswg.db') },
    label: 'sqlite',
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A new PostgreSQL database on the test server. */
export async function postgresTestDb(): Promise<TestDb> {
  const name = `nswg_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const target: DbTarget = { kind: 'postgres', url: url.toString() };
  return {
    target,
    label: 'postgres',
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** The engines every store test runs on: SQLite always, PostgreSQL where it answers (always in CI). */
export async function testEngines(): Promise<('sqlite' | 'postgres')[]> {
  return (await postgresAvailable()) ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** A fresh database of the given engine. */
export async function freshDb(engine: 'sqlite' | 'postgres'): Promise<TestDb> {
  return engine === 'sqlite' ? sqliteTestDb() : postgresTestDb();
}
