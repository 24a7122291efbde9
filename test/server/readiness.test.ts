// The probes: /livez answers while the process does, whatever the database; /readyz only while the
// database answers with the schema this server needs; /healthz as the commands read it.
import { copyFileSync, renameSync, rmSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/store/index.js';
import { testEngines } from '../helpers/db.js';
import { testApp } from '../helpers/server.js';

const engines = await testEngines();
const TOKEN = 'metrics-token-for-readiness-0123';

describe.each(engines)('liveness and readiness (%s)', (engine) => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let dropped = false;
  beforeAll(async () => {
    t = await testApp(engine, { seed: false, config: { metricsToken: TOKEN } });
  });
  afterAll(async () => {
    await t?.app.close();
    if (!dropped) await t?.store.close();
    await t?.db.drop();
  });

  const get = (url: string) => t.app.inject({ method: 'GET', url });

  it('is live and ready on a current database', async () => {
    const live = await get('/livez');
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });
    const ready = await get('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
    expect(ready.headers['cache-control']).toBe('no-store');
    expect((await get('/healthz')).json()).toMatchObject({ status: 'ok', database: engine });
  });

  it('is not ready while the database lacks the schema this server needs, and ready again once it has it', async () => {
    const row = (
      await sql<{
        name: string;
        timestamp: string;
      }>`select name, timestamp from nswg_migrations where name = ${SCHEMA_VERSION}`.execute(t.store.db)
    ).rows[0]!;
    await sql`delete from nswg_migrations where name = ${SCHEMA_VERSION}`.execute(t.store.db);
    const behind = await get('/readyz');
    expect(behind.statusCode).toBe(503);
    expect(behind.json().status).toBe('unavailable');
    expect(behind.json().reason).toMatch(/^schema: the database is at 0\d{3}_\w+, this server needs /);
    expect(behind.json().reason).toContain(SCHEMA_VERSION);
    expect((await get('/livez')).statusCode).toBe(200);
    // a newer server migrated it further: this one is not ready either
    await sql`insert into nswg_migrations (name, timestamp) values (${SCHEMA_VERSION}, ${row.timestamp}), ('9999_later', ${row.timestamp})`.execute(
      t.store.db,
    );
    expect((await get('/readyz')).json().reason).toContain('at 9999_later');
    await sql`delete from nswg_migrations where name = '9999_later'`.execute(t.store.db);
    expect((await get('/readyz')).statusCode).toBe(200);
  });

  if (engine === 'sqlite')
    it('is not ready once the SQLite file is deleted or replaced under the open connection', async () => {
      const file = (t.db.target as { file: string }).file;
      const moved = `${file}.moved`;
      renameSync(file, moved);
      const gone = await get('/readyz');
      expect(gone.statusCode).toBe(503);
      expect(gone.json().reason).toBe('database: the database file is gone: deleted or moved');
      expect(gone.body).not.toContain(file);
      // the connection itself still answers: only the file check can tell
      expect((await get('/healthz')).statusCode).toBe(200);
      expect((await get('/livez')).statusCode).toBe(200);
      copyFileSync(moved, file);
      expect((await get('/readyz')).json().reason).toBe(
        'database: the database file was replaced by another',
      );
      rmSync(file);
      renameSync(moved, file);
      expect((await get('/readyz')).statusCode).toBe(200);
    });

  it('is not ready once the database is gone, and still live', async () => {
    if (engine === 'postgres') {
      // the database dropped, its connections terminated
      await t.db.drop();
    } else {
      // the server's connection closed under it
      await t.store.close();
    }
    dropped = true;
    const ready = await get('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.json().status).toBe('unavailable');
    expect(ready.json().reason).toMatch(/^database: failed/);
    // the probe is public: nothing of where the database is
    expect(ready.body).not.toMatch(/nswg_test|postgres|\/tmp\//);
    const live = await get('/livez');
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });
    expect((await get('/healthz')).statusCode).toBe(503);
    // the metrics still answer, and say so
    const scrape = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(scrape.statusCode).toBe(200);
    expect(scrape.body).toContain(`\nnswg_database_up{engine="${engine}"} 0\n`);
    expect(scrape.body).not.toMatch(/^nswg_deadlines\{/m);
  });
});
