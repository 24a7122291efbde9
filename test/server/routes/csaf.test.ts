import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/server/index.js';
import type { Store } from '../../../src/store/index.js';
import { csafMandatoryProblems, csafSchemaErrors } from '../../helpers/csaf.js';
import { npmAdvisory, PUBLIC_URL, testApp } from '../../helpers/server.js';

const WHITE = '/.well-known/csaf/white';

/**
 * The checks of CSAF 2.0 §7.1.20 on provider-metadata.json (its JSON schema is not among the
 * reference data): what is required, of which type, and the URLs' shapes.
 */
// biome-ignore lint/suspicious/noExplicitAny: the checks read any JSON the server sends
function providerMetadataProblems(m: any, canonical: string): string[] {
  const problems: string[] = [];
  for (const key of [
    'canonical_url',
    'last_updated',
    'list_on_CSAF_aggregators',
    'metadata_version',
    'mirror_on_CSAF_aggregators',
    'publisher',
    'role',
  ])
    if (!(key in m)) problems.push(`missing ${key}`);
  if (m.canonical_url !== canonical) problems.push('canonical_url is not where it is served');
  if (!/\/provider-metadata\.json$/.test(m.canonical_url)) problems.push('canonical_url shape');
  if (Number.isNaN(Date.parse(m.last_updated)) || !/T.*(Z|[+-]\d\d:\d\d)$/.test(m.last_updated))
    problems.push('last_updated is no date-time');
  if (typeof m.list_on_CSAF_aggregators !== 'boolean') problems.push('list_on_CSAF_aggregators');
  if (typeof m.mirror_on_CSAF_aggregators !== 'boolean') problems.push('mirror_on_CSAF_aggregators');
  if (m.metadata_version !== '2.0') problems.push('metadata_version');
  if (!['csaf_publisher', 'csaf_provider', 'csaf_trusted_provider'].includes(m.role)) problems.push('role');
  const p = m.publisher ?? {};
  if (!['coordinator', 'discoverer', 'other', 'translator', 'user', 'vendor'].includes(p.category))
    problems.push('publisher.category');
  if (typeof p.name !== 'string' || !p.name) problems.push('publisher.name');
  try {
    new URL(p.namespace);
  } catch {
    problems.push('publisher.namespace is no URL');
  }
  if (!Array.isArray(m.distributions) || !m.distributions.length) problems.push('no distributions');
  for (const d of m.distributions ?? []) {
    if (!Object.keys(d).length) problems.push('an empty distribution');
    if (d.directory_url !== undefined && !/^https?:\/\/.+\/$/.test(d.directory_url))
      problems.push('directory_url must end with /');
  }
  const known = new Set([
    'canonical_url',
    'distributions',
    'last_updated',
    'list_on_CSAF_aggregators',
    'metadata_version',
    'mirror_on_CSAF_aggregators',
    'public_openpgp_keys',
    'publisher',
    'role',
  ]);
  for (const key of Object.keys(m)) if (!known.has(key)) problems.push(`unknown property ${key}`);
  return problems;
}

describe('the server as a CSAF 2.0 provider', () => {
  let app: App;
  let store: Store;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ app, store, close } = await testApp('sqlite'));
    await store.advisories.import([npmAdvisory('GHSA-csaf-npm0-test', 'left-pad', '<2.0.0')]);
  });
  afterAll(() => close());

  const get = (url: string) => app.inject({ url });

  it('serves provider-metadata.json at the well-known URL, meeting §7.1.20', async () => {
    const res = await get('/.well-known/csaf/provider-metadata.json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const m = res.json();
    expect(providerMetadataProblems(m, `${PUBLIC_URL}/.well-known/csaf/provider-metadata.json`)).toEqual([]);
    expect(m.distributions).toEqual([{ directory_url: `${PUBLIC_URL}${WHITE}/` }]);
    expect(m.role).toBe('csaf_provider');
    expect(m.publisher).toEqual({
      category: 'coordinator',
      name: 'Node.js Security Working Group',
      namespace: PUBLIC_URL,
    });
    // the newest document's date, not the clock's
    expect(m.last_updated).toBe('2026-04-08T21:26:49Z');
    // the checks can fail
    expect(
      providerMetadataProblems({ ...m, role: 'x', distributions: [{ directory_url: 'x' }] }, ''),
    ).toEqual(['canonical_url is not where it is served', 'role', 'directory_url must end with /']);
  });

  it('lists every core advisory in index.txt, each file fetchable, valid and where its name says', async () => {
    const res = await get(`${WHITE}/index.txt`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    const paths = res.body.split('\n').filter(Boolean);
    expect(res.body.endsWith('\n')).toBe(true);
    expect(paths).toHaveLength(171);
    expect(paths).toContain('2018/nswg-cor-54.json');
    expect(paths).toContain('2026/nswg-cor-170.json');
    for (const path of paths) {
      expect(path).toMatch(/^\d{4}\/nswg-cor-\d+\.json$/);
      const doc = await get(`${WHITE}/${path}`);
      expect(doc.statusCode, path).toBe(200);
      expect(doc.headers['content-type']).toBe('application/json; charset=utf-8');
      const csaf = doc.json();
      expect(csafSchemaErrors(csaf), path).toEqual([]);
      expect(csafMandatoryProblems(csaf), path).toEqual([]);
      const t = csaf.document.tracking;
      expect(path).toBe(`${t.initial_release_date.slice(0, 4)}/${t.id.toLowerCase()}.json`);
      expect(csaf.document.references[0]).toMatchObject({
        category: 'self',
        url: `${PUBLIC_URL}${WHITE}/${path}`,
      });
    }
  });

  it('lists "path","current_release_date" in changes.csv, quoted, newest first', async () => {
    const res = await get(`${WHITE}/changes.csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = res.body
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const m = /^"([^"]+)","([^"]+)"$/.exec(line);
        expect(m, line).not.toBeNull();
        return { path: m![1]!, date: m![2]! };
      });
    const index = (await get(`${WHITE}/index.txt`)).body.split('\n').filter(Boolean);
    expect(rows.map((r) => r.path).sort()).toEqual([...index].sort());
    for (let i = 1; i < rows.length; i++) expect(rows[i - 1]!.date >= rows[i]!.date).toBe(true);
    // the oldest: the advisories of August 2018 (ties by path)
    expect(rows.at(-1)).toEqual({ path: '2018/nswg-cor-54.json', date: '2018-08-16T00:00:00Z' });
    const doc = (await get(`${WHITE}/${rows[0]!.path}`)).json();
    expect(doc.document.tracking.current_release_date).toBe(rows[0]!.date);
  });

  it('answers the same 404 for every path without a document, npm advisories included', async () => {
    const bodies = new Set<string>();
    for (const url of [
      `${WHITE}/2026/nswg-cor-999.json`,
      `${WHITE}/2025/nswg-cor-170.json`, // the wrong year
      `${WHITE}/2026/NSWG-COR-170.json`, // not the file name rule
      `${WHITE}/2026/nswg-cor-170`,
      `${WHITE}/2026/nswg-eco-1.json`,
      `${WHITE}/2026/ghsa-csaf-npm0-test.json`,
      `${WHITE}/x/y.json`,
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      bodies.add(res.body);
    }
    expect(bodies.size).toBe(1);
    expect((await get(`${WHITE}/index.txt`)).body).not.toMatch(/eco|ghsa/);
  });
});
