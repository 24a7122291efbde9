import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNswgError } from '../../src/errors.js';
import { openStore, type Store } from '../../src/store/index.js';
import { syncAdvisories } from '../../src/sync/index.js';
import { freshDb, type TestDb, testEngines } from '../helpers/db.js';
import {
  type FolderServer,
  osvBucket,
  type SampleRecord,
  sampleRecords,
  serveFolder,
  zipOf,
} from '../helpers/osv-folder.js';

const sample = sampleRecords();
const ghsa = sample.filter((r) => r.id.startsWith('GHSA-'));
/** A record as published later: a new `modified` and summary. */
const edited = (r: SampleRecord, modified: string, summary: string): SampleRecord => {
  const o = JSON.parse(r.text);
  return { id: r.id, modified, text: JSON.stringify({ ...o, modified, summary }) };
};

describe.each(await testEngines())('syncing from an OSV folder over HTTP (%s)', (engine) => {
  let tdb: TestDb;
  let store: Store;
  let folder: FolderServer;
  const first = sample.slice(0, 40);

  beforeAll(async () => {
    tdb = await freshDb(engine);
    store = await openStore(tdb.target, { mode: 'create' });
    folder = await serveFolder(await osvBucket(first));
  });
  afterAll(async () => {
    await folder?.close();
    await store?.close();
    await tdb?.drop();
  });
  const requested = () => folder.requests.splice(0);

  it('takes all.zip on the first sync: every record, withdrawn and last_affected ones too', async () => {
    const r = await syncAdvisories(store, folder.url);
    expect(requested()).toEqual(['/npm/modified_id.csv', '/npm/all.zip']);
    expect(r.layout).toBe('osv-folder');
    expect(r.problems).toEqual([]);
    expect(r.imported).toEqual({ added: 40, updated: 0, unchanged: 0, older: 0 });
    expect((await store.advisories.get('GHSA-27h2-hvpr-p74q'))?.withdrawn).toBe('2023-01-27T21:51:55Z');
    // lodash.trim's range ends with last_affected 4.5.1: that version is held, nothing above
    const trim = (await store.advisories.get('GHSA-29mw-wpgm-hmr9'))!.affected.find(
      (x) => x.name === 'lodash.trim',
    );
    expect(trim?.vulnerable).toBe('<=4.5.1');
    expect((await store.advisories.byAlias('CVE-2022-23539')).map((a) => a.id)).toEqual([
      'GHSA-8cf7-32gw-wr33',
    ]);
  });

  it('reads only modified_id.csv when nothing changed', async () => {
    const r = await syncAdvisories(store, folder.url);
    expect(requested()).toEqual(['/npm/modified_id.csv']);
    expect(r.read).toBe(0);
    expect(r.imported.added + r.imported.updated).toBe(0);
  });

  it('then fetches only what is new or changed since, as the csv says', async () => {
    const changed = edited(first[3]!, '2099-01-01T00:00:00Z', 'changed upstream');
    const now = [...first.slice(0, 3), changed, ...first.slice(4), ...sample.slice(40)];
    for (const [k, v] of await osvBucket(now)) folder.files.set(k, v);
    const r = await syncAdvisories(store, folder.url);
    expect(requested().sort()).toEqual(
      [
        '/npm/modified_id.csv',
        `/npm/${changed.id}.json`,
        ...sample.slice(40).map((x) => `/npm/${x.id}.json`),
      ].sort(),
    );
    expect(r.imported).toEqual({ added: 4, updated: 1, unchanged: 0, older: 0 });
    expect((await store.advisories.get(changed.id))?.title).toBe('changed upstream');
    expect((await store.advisories.stats()).total).toBe(44);
  });

  it('leaves the data and its position as they were when a sync fails half-way', async () => {
    const a = edited(first[0]!, '2099-02-01T00:00:00Z', 'first of two');
    const b = edited(first[1]!, '2099-02-02T00:00:00Z', 'second of two');
    folder.files.set('modified_id.csv', Buffer.from(`${b.modified},${b.id}\n${a.modified},${a.id}\n`));
    folder.files.set(`${a.id}.json`, Buffer.from(a.text));
    folder.files.set(`${b.id}.json`, Buffer.from(b.text));
    folder.failing.add(`${b.id}.json`);
    const before = { meta: await store.meta.all(), a: await store.advisories.get(a.id) };
    const err = await syncAdvisories(store, folder.url, { concurrency: 1 }).catch((e: unknown) => e);
    expect(isNswgError(err) && err.code).toBe('E_REMOTE');
    expect((err as Error).message).toContain(`${folder.url}${b.id}.json answered 500`);
    expect({ meta: await store.meta.all(), a: await store.advisories.get(a.id) }).toEqual(before);
    // the next sync, the server mended, fetches both again
    folder.failing.clear();
    requested();
    const r = await syncAdvisories(store, folder.url);
    expect(requested().sort()).toEqual(
      ['/npm/modified_id.csv', `/npm/${a.id}.json`, `/npm/${b.id}.json`].sort(),
    );
    expect(r.imported.updated).toBe(2);
  });

  it('reports a bad record with its URL and field, and imports the others', async () => {
    const good = edited(first[5]!, '2099-03-02T00:00:00Z', 'good');
    const bad = JSON.parse(edited(first[6]!, '2099-03-01T00:00:00Z', 'bad').text);
    bad.affected[0].ranges[0].events = [{ introduced: 'not a version' }];
    const csv = `${good.modified},${good.id}\n${bad.modified},${bad.id}\n`;
    folder.files.set('modified_id.csv', Buffer.from(csv));
    folder.files.set(`${good.id}.json`, Buffer.from(good.text));
    folder.files.set(`${bad.id}.json`, Buffer.from(JSON.stringify(bad)));
    const r = await syncAdvisories(store, folder.url);
    requested();
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.file).toBe(`${folder.url}${bad.id}.json`);
    expect(r.problems[0]!.field).toMatch(/^affected\[0\]\.ranges/);
    expect((await store.advisories.get(good.id))?.title).toBe('good');
    expect((await store.advisories.get(bad.id))?.title).not.toBe('bad');
  });
});

describe('syncing from an OSV folder without all.zip', () => {
  let tdb: TestDb;
  let store: Store;
  beforeAll(async () => {
    tdb = await freshDb('sqlite');
    store = await openStore(tdb.target, { mode: 'create' });
  });
  afterAll(async () => {
    await store?.close();
    await tdb?.drop();
  });

  it('fetches every file modified_id.csv lists, reporting one that is missing', async () => {
    const files = await osvBucket(sample.slice(0, 10));
    files.delete('all.zip');
    const missing = sample[4]!.id;
    files.delete(`${missing}.json`);
    const folder = await serveFolder(files);
    try {
      const r = await syncAdvisories(store, folder.url);
      expect(r.problems.map((p) => [p.file, p.message])).toEqual([
        [`${folder.url}${missing}.json`, 'is listed in modified_id.csv but not found'],
      ]);
      expect(r.imported.added).toBe(9);
      expect(folder.requests.filter((p) => p.endsWith('.json'))).toHaveLength(10);
    } finally {
      await folder.close();
    }
  });

  it('says E_REMOTE when the source cannot be reached, and changes nothing', async () => {
    const before = await store.meta.all();
    const err = await syncAdvisories(store, 'http://127.0.0.1:9/npm/').catch((e: unknown) => e);
    expect(isNswgError(err) && err.code).toBe('E_REMOTE');
    expect(await store.meta.all()).toEqual(before);
  });
});

/** The github/advisory-database layout: advisories/github-reviewed/YYYY/MM/GHSA-…/GHSA-….json. */
function ghsaClone(root: string, records: readonly SampleRecord[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const r of records) {
    const published = (JSON.parse(r.text) as { published: string }).published;
    const [y, m] = published.split('-');
    files.set(`advisories/github-reviewed/${y}/${m}/${r.id}/${r.id}.json`, r.text);
  }
  // a PyPI advisory (skipped, counted), an unreviewed one and a README (not read)
  const pypi = JSON.parse(ghsa[0]!.text);
  pypi.id = 'GHSA-pypi-only-0001';
  pypi.affected = [
    {
      package: { ecosystem: 'PyPI', name: 'django' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }],
    },
  ];
  files.set(`advisories/github-reviewed/2024/01/${pypi.id}/${pypi.id}.json`, JSON.stringify(pypi));
  files.set('advisories/unreviewed/2024/01/GHSA-xxxx-xxxx-xxxx/GHSA-xxxx-xxxx-xxxx.json', ghsa[1]!.text);
  files.set('README.md', '# GitHub Advisory Database\n');
  for (const [path, text] of files) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return files;
}

describe('syncing from the GitHub advisory database layout', () => {
  let tdb: TestDb;
  let store: Store;
  const root = mkdtempSync(join(tmpdir(), 'nswg-ghsa-'));
  const clone = ghsaClone(join(root, 'advisory-database'), ghsa);
  beforeAll(async () => {
    tdb = await freshDb('sqlite');
    store = await openStore(tdb.target, { mode: 'create' });
  });
  afterAll(async () => {
    await store?.close();
    await tdb?.drop();
  });

  it('reads the reviewed npm advisories of a clone, counting the other ecosystems', async () => {
    const r = await syncAdvisories(store, join(root, 'advisory-database'));
    expect(r.layout).toBe('ghsa');
    expect(r.otherEcosystems).toBe(1);
    expect(r.problems).toEqual([]);
    expect(r.imported.added).toBe(ghsa.length);
    expect(await store.advisories.get('GHSA-xxxx-xxxx-xxxx')).toBeNull();
  });

  it('reads GitHub’s zip of the repository the same way, storing only what changed', async () => {
    const changed = edited(ghsa[2]!, '2099-01-01T00:00:00Z', 'changed in the zip');
    const entries = [...clone].map(([path, text]) => ({
      name: `advisory-database-main/${path}`,
      data: Buffer.from(path.endsWith(`${changed.id}.json`) ? changed.text : text),
    }));
    const zip = join(root, 'advisory-database-main.zip');
    writeFileSync(zip, await zipOf(entries));
    const r = await syncAdvisories(store, zip);
    expect(r.layout).toBe('ghsa');
    expect(r.otherEcosystems).toBe(1);
    expect(r.imported).toEqual({ added: 0, updated: 1, unchanged: ghsa.length - 1, older: 0 });
    expect((await store.advisories.get(changed.id))?.title).toBe('changed in the zip');
  });
});
