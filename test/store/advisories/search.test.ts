import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RANKED_MATCHES } from '../../../src/store/advisories/search-index.js';
import { openStore, type Store, seedBundled } from '../../../src/store/index.js';
import { advisorySearchMigration } from '../../../src/store/migrations/0014-advisory-search.js';
import { freshDb, type TestDb, testEngines } from '../../helpers/db.js';
import { npmAffected } from '../../helpers/ranges.js';
import { advisory } from '../../server/pages/fixtures.js';

const engines = await testEngines();

const ids = (list: { id: string }[]) => list.map((a) => a.id);

describe.each(engines)('advisory search on %s', (engine) => {
  let tdb: TestDb;
  let store: Store;

  beforeAll(async () => {
    tdb = await freshDb(engine);
    store = await openStore(tdb.target, { mode: 'create' });
    await seedBundled(store);
  });
  afterAll(async () => {
    await store?.close();
    await tdb?.drop();
  });

  it('puts the express package first, and finds no "regular expression" for "express"', async () => {
    const hits = await store.advisories.search('express', { limit: 100 });
    expect(hits[0]?.id).toBe('NSWG-ECO-8');
    expect(hits[0]?.affected[0]?.name).toBe('express');
    // every hit has the word express (or a package named express-…), none only "expression"
    for (const a of hits) {
      const words = `${a.affected.map((x) => x.name).join(' ')} ${a.title} ${a.details}`.toLowerCase();
      expect(words, a.id).toMatch(/(^|[^a-z])express([^a-z]|$)/);
    }
    expect(ids(hits)).toContain('NSWG-ECO-472'); // express-cart: a package, after the exact one
    expect(ids(hits).indexOf('NSWG-ECO-472')).toBeGreaterThan(0);
    expect((await store.advisories.search('Express'))[0]?.id).toBe('NSWG-ECO-8');
  });

  it('ranks a word in a package name or title above one in the text', async () => {
    await store.advisories.import([
      advisory({
        id: 'GHSA-rank-text-0001',
        modified: '2030-01-01T00:00:00Z',
        title: 'Something else',
        details: 'Mentions zephyrquux only in passing, deep in the text.',
        affected: [npmAffected('rank-a', '<1.0.0', '>=1.0.0')],
      }),
      advisory({
        id: 'GHSA-rank-titl-0002',
        modified: '2020-01-01T00:00:00Z',
        title: 'Zephyrquux denial of service',
        affected: [npmAffected('rank-b', '<1.0.0', '>=1.0.0')],
      }),
    ]);
    // the text match is newer, yet the title match comes first
    expect(ids(await store.advisories.search('zephyrquux'))).toEqual([
      'GHSA-rank-titl-0002',
      'GHSA-rank-text-0001',
    ]);
  });

  it('finds an advisory by its CVE, its id in any spelling, and words of its title', async () => {
    for (const q of ['CVE-2014-7205', 'cve-2014-7205', 'NSWG-ECO-1', 'nswg-eco-1', 'x_NSWG-ECO-1'])
      expect((await store.advisories.search(q))[0]?.id, q).toBe('NSWG-ECO-1');
    const all = ids(await store.advisories.search('bassmaster', { limit: 100 }));
    expect(all[0]).toBe('NSWG-ECO-1');
    const words = await store.advisories.search('prototype pollution', { limit: 500 });
    expect(words.length).toBeGreaterThan(3);
    for (const a of words) expect(`${a.title}\n${a.details}`.toLowerCase()).toMatch(/prototype|pollution/);
  });

  it('keeps the index current when an advisory is added and replaced', async () => {
    const a = advisory({
      id: 'GHSA-keep-curr-0001',
      title: 'Flibbertigibbet injection',
      affected: [npmAffected('keep-current', '<1.0.0', '>=1.0.0')],
    });
    await store.advisories.import([a]);
    expect(ids(await store.advisories.search('flibbertigibbet'))).toEqual([a.id]);
    await store.advisories.import([
      { ...a, modified: '2027-01-01T00:00:00Z', title: 'Quuxification injection' },
    ]);
    expect(await store.advisories.search('flibbertigibbet')).toEqual([]);
    expect(ids(await store.advisories.search('quuxification'))).toEqual([a.id]);
  });

  it('filters by package and kind, and pages', async () => {
    const lodash = await store.advisories.search('pollution', { package: 'lodash' });
    expect(lodash.length).toBeGreaterThan(0);
    for (const a of lodash) expect(a.affected[0]?.name).toBe('lodash');
    const core = await store.advisories.search('http', { kind: 'core', limit: 500 });
    expect(core.length).toBeGreaterThan(0);
    for (const a of core) expect(a.kind).toBe('core');
    const first = ids(await store.advisories.search('denial', { limit: 5 }));
    const second = ids(await store.advisories.search('denial', { limit: 5, offset: 5 }));
    expect(second).toHaveLength(5);
    expect(second.filter((id) => first.includes(id))).toEqual([]);
    expect(await store.advisories.search('100%_surely_absent')).toEqual([]);
    expect(await store.advisories.search('"*:()^-')).toEqual([]);
  });

  it(`puts title matches first, then the newest, when a word is in more than ${RANKED_MATCHES} advisories`, async () => {
    const many = Array.from({ length: RANKED_MATCHES + 10 }, (_, i) =>
      advisory({
        id: `GHSA-many-many-${String(i).padStart(4, '0')}`,
        title: `Issue ${i}`,
        details: 'Everywhereword is in all of these.',
        affected: [npmAffected(`many-${i}`, '<1.0.0', '>=1.0.0')],
      }),
    );
    many.push(
      advisory({
        id: 'GHSA-many-titl-0001',
        title: 'Everywhereword in a title',
        modified: '2001-01-01T00:00:00Z',
      }),
    );
    await store.advisories.import(many);
    const first = ids(await store.advisories.search('everywhereword', { limit: 20 }));
    expect(first[0]).toBe('GHSA-many-titl-0001');
    expect(first).toHaveLength(20);
    const second = ids(await store.advisories.search('everywhereword', { limit: 20, offset: 20 }));
    expect(second).toHaveLength(20);
    expect(second.filter((id) => first.includes(id))).toEqual([]);
    // the rest newest indexed first: the last imported before the earlier ones
    expect(first[1]).toBe(`GHSA-many-many-${String(RANKED_MATCHES + 9).padStart(4, '0')}`);
  });

  it(`ranks by the rarer words when one is in more than ${RANKED_MATCHES} advisories, every word still required`, async () => {
    // "everywhereword" is in the text of the advisories above: it is left out of the weighing only
    await store.advisories.import([
      advisory({ id: 'GHSA-rare-titl-0001', title: 'Quibblefrob overflow', details: 'Everywhereword too.' }),
      advisory({
        id: 'GHSA-rare-text-0002',
        title: 'Another flaw',
        details: 'Everywhereword and quibblefrob.',
        modified: '2026-04-01T00:00:00Z',
      }),
      advisory({ id: 'GHSA-rare-only-0003', title: 'Quibblefrob alone', details: 'Nothing else.' }),
    ]);
    expect(ids(await store.advisories.search('everywhereword quibblefrob'))).toEqual([
      'GHSA-rare-titl-0001',
      'GHSA-rare-text-0002',
    ]);
    expect(ids(await store.advisories.search('quibblefrob everywhereword nosuchword'))).toEqual([]);
  });

  it('migration 0014 indexes the advisories already stored', async () => {
    await advisorySearchMigration.down!(store.db);
    await advisorySearchMigration.up(store.db);
    expect((await store.advisories.search('express'))[0]?.id).toBe('NSWG-ECO-8');
    expect(ids(await store.advisories.search('quuxification'))).toEqual(['GHSA-keep-curr-0001']);
  });
});
