import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, serverConfig } from '../../src/server/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { type SyncResult, syncAdvisories } from '../../src/sync/index.js';
import { freshDb, type TestDb } from '../helpers/db.js';
import { type FolderServer, osvBucket, sampleRecords, serveFolder } from '../helpers/osv-folder.js';
import { serveCli } from '../helpers/server.js';

const sample = sampleRecords();
const config = serverConfig({ logLevel: 'silent', rateLimit: null, publicUrl: 'http://nswg.test' });
const clock = { now: () => new Date('2026-05-01T00:00:00Z') };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a server that keeps its advisories current (--sync-from)', () => {
  let tdb: TestDb;
  let store: Store;
  let folder: FolderServer;
  beforeAll(async () => {
    tdb = await freshDb('sqlite');
    store = await openStore(tdb.target, { mode: 'create' });
    folder = await serveFolder(await osvBucket(sample));
  });
  afterAll(async () => {
    await folder?.close();
    await store?.close();
    await tdb?.drop();
  });

  it('leaves the first, whole sync of a folder to the command line', async () => {
    const app = await buildApp({ store, config, clock, advisorySync: { from: folder.url, intervalMs: 30 } });
    await app.ready();
    await expect
      .poll(() => folder.requests.filter((p) => p === '/npm/modified_id.csv').length, { timeout: 10_000 })
      .toBeGreaterThan(1);
    await app.close();
    expect(folder.requests).not.toContain('/npm/all.zip');
    expect((await store.advisories.stats()).total).toBe(0);
  });

  it('logs a failed sync and tries again at the next tick, still serving; then takes what changed', async () => {
    await syncAdvisories(store, folder.url);
    folder.failing.add('modified_id.csv');
    folder.requests.splice(0);
    const app = await buildApp({ store, config, clock, advisorySync: { from: folder.url, intervalMs: 30 } });
    try {
      await app.ready();
      await expect.poll(() => folder.requests.length, { timeout: 10_000 }).toBeGreaterThan(2);
      expect((await app.inject('/v1/vulns/GHSA-3h5v-q93c-6h6q')).statusCode).toBe(200);
      const o = JSON.parse(sample.find((r) => r.id === 'GHSA-3h5v-q93c-6h6q')!.text);
      o.modified = '2099-01-01T00:00:00Z';
      o.summary = 'changed upstream';
      const changed = { id: o.id, modified: o.modified, text: JSON.stringify(o) };
      for (const [k, v] of await osvBucket([...sample.filter((r) => r.id !== o.id), changed]))
        folder.files.set(k, v);
      folder.failing.clear();
      await expect
        .poll(async () => (await app.inject('/v1/vulns/GHSA-3h5v-q93c-6h6q')).json().summary, {
          timeout: 5000,
        })
        .toBe('changed upstream');
    } finally {
      await app.close();
    }
  });

  it('runs one sync at a time, and closing waits for the one in progress', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    let finished = 0;
    const sync = async (): Promise<SyncResult> => {
      runs++;
      most = Math.max(most, ++running);
      await sleep(120);
      running--;
      finished++;
      throw new Error('the source is down');
    };
    const app = await buildApp({
      store,
      config,
      clock,
      advisorySync: { from: folder.url, intervalMs: 10, sync },
    });
    await app.ready();
    await expect.poll(() => runs, { timeout: 10_000 }).toBeGreaterThan(2);
    await app.close();
    expect(most).toBe(1);
    expect(finished).toBe(runs);
  });
});

describe('nswg serve --sync-from', () => {
  it('syncs at start and says so in its log; a bad --sync-every is refused', async () => {
    const tdb = await freshDb('sqlite');
    const file = tdb.target.kind === 'sqlite' ? tdb.target.file : '';
    // new records are modified after the last sync: the oldest 20 first, then the others
    const byAge = [...sample].sort((a, b) => Date.parse(a.modified) - Date.parse(b.modified));
    const folder = await serveFolder(await osvBucket(byAge.slice(0, 20)));
    const store = await openStore(tdb.target, { mode: 'create' });
    await syncAdvisories(store, folder.url);
    await store.close();
    for (const [k, v] of await osvBucket(sample)) folder.files.set(k, v);
    const served = await serveCli(['--db', file, '--sync-from', folder.url, '--sync-every', '1h']);
    try {
      await expect.poll(() => served.stdout(), { timeout: 10_000 }).toMatch(/"msg":"advisory sync"/);
      const line = JSON.parse(
        served
          .stdout()
          .split('\n')
          .find((l) => l.includes('"advisory sync"'))!,
      );
      expect(line).toMatchObject({ read: 24, added: 24, updated: 0 });
      expect((await fetch(`${served.url}/v1/vulns/${byAge[43]!.id}`)).status).toBe(200);
    } finally {
      await served.stop();
      await folder.close();
      await tdb.drop();
    }
    const bad = await serveCli(['--sync-from', 'http://127.0.0.1:9/', '--sync-every', 'often']).catch(
      (e: Error) => e,
    );
    expect(String(bad)).toMatch(/--sync-every must be a duration from 1m to 7d/);
  });
});
