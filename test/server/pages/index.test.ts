import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Advisory } from '../../../src/advisories/index.js';
import type { App } from '../../../src/server/index.js';
import { buildApp, serverConfig, systemClock } from '../../../src/server/index.js';
import { ASSETS } from '../../../src/server/pages/index.js';
import { openStore, type Store, seedBundled } from '../../../src/store/index.js';
import { satisfies } from '../../../src/versions/index.js';
import { freshDb, PG_ADMIN_URL, type TestDb, testEngines } from '../../helpers/db.js';
import { npmAffected } from '../../helpers/ranges.js';
import { advisory, EVIL_PACKAGE, SCOPED_ADVISORY, TWIN_ADVISORY, XSS_ADVISORY } from './fixtures.js';
import { elementById, linkedAdvisoryIds, tagsOf, unsafeMarkup } from './html-check.js';

const engines = await testEngines();

/**
 * Waits until PostgreSQL has seen the pool's connections go: the pool's end() resolves as they
 * start closing, and dropping the database WITH (FORCE) before they have gone makes the server
 * kill them, which pg reports as an unhandled error (the search page queries on several at once).
 */
async function disconnected(tdb: TestDb | undefined): Promise<void> {
  if (tdb?.target.kind !== 'postgres') return;
  const name = new URL(tdb.target.url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    for (let i = 0; i < 100; i++) {
      const r = await admin.query('select count(*)::int as n from pg_stat_activity where datname = $1', [
        name,
      ]);
      if (r.rows[0].n === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await admin.end();
  }
}

/** Every kind of page, with the status it should answer. */
const PAGES: [string, number][] = [
  ['/', 200],
  ['/?page=2', 200],
  ['/search?q=lodash', 200],
  ['/search?q=prototype%20pollution', 200],
  ['/search?q=alert', 200],
  ['/search?q=nothing-at-all-matches-this', 200],
  ['/advisories/NSWG-ECO-1', 200],
  ['/advisories/NSWG-COR-1', 200],
  ['/advisories/GHSA-xss1-xss1-xss1', 200],
  ['/advisories/GHSA-scop-scop-scop', 200],
  ['/advisories/CVE-2099-0002', 200],
  ['/packages/lodash', 200],
  ['/packages/lodash?version=4.17.4', 200],
  ['/packages/lodash?version=4.17.21', 200],
  ['/packages/lodash?version=not-a-version', 400],
  ['/packages/@nswg-test/widget?version=1.4.1', 200],
  [`/packages/${encodeURIComponent(EVIL_PACKAGE)}`, 200],
  [
    `/packages/${encodeURIComponent(EVIL_PACKAGE)}?version=${encodeURIComponent('"><script>alert(1)</script>')}`,
    400,
  ],
  ['/node', 200],
  ['/node?version=20.1.0', 200],
  ['/node?version=v99.0.0', 200],
  ['/node?version=twenty', 400],
  ['/advisories/NSWG-ECO-999999', 404],
  [`/advisories/${encodeURIComponent('<script>alert(1)</script>')}`, 404],
  ['/packages/no-such-package-at-all', 404],
  ['/packages/not-a-scope/name', 404],
];

describe.each(engines)('the web pages on %s', (engine) => {
  let tdb: TestDb;
  let store: Store;
  let app: App;
  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    tdb = await freshDb(engine);
    store = await openStore(tdb.target, { mode: 'create' });
    await seedBundled(store);
    await store.advisories.import([XSS_ADVISORY, SCOPED_ADVISORY, TWIN_ADVISORY]);
    app = await buildApp({ store, config: serverConfig({ logLevel: 'silent' }), clock: systemClock });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    await disconnected(tdb);
    await tdb?.drop();
  });

  it('answers every page as HTML with the strict CSP, and no inline script, style or event handler', async () => {
    for (const [url, status] of PAGES) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(status);
      expect(res.headers['content-type'], url).toBe('text/html; charset=utf-8');
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).toContain("style-src 'self'");
      expect(csp, url).toContain("default-src 'self'");
      expect(csp, url).not.toContain('unsafe-inline');
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.body, url).toMatch(/^<!doctype html>/);
      expect(res.body, url).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
      expect(unsafeMarkup(res.body), url).toEqual([]);
      const scripts = tagsOf(res.body).filter((t) => t.name === 'script');
      expect(
        scripts.map((t) => t.attrs.get('src')),
        url,
      ).toEqual([ASSETS.js.path]);
    }
  });

  it('shows the latest published advisories on the home page', async () => {
    const res = await get('/');
    const ids = linkedAdvisoryIds(res.body);
    expect(ids.length).toBe(25);
    const shown = await Promise.all(ids.map((id) => store.advisories.get(id)));
    const dates = shown.map((a) => a!.published!);
    for (const d of dates) expect(d).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(dates).toEqual([...dates].sort().reverse());
    const oldestShown = dates.at(-1)!;
    for await (const a of store.advisories.all()) {
      if (a.published && !a.withdrawn && a.published > oldestShown) expect(ids, a.id).toContain(a.id);
    }
    expect(res.body).toContain('action="/search"');
  });

  it('pages back through the latest advisories, each once, oldest last', async () => {
    const seen: string[] = [];
    let url: string | null = '/';
    let pages = 0;
    while (url) {
      const body: string = (await get(url)).body;
      pages++;
      seen.push(...linkedAdvisoryIds(body.slice(body.indexOf('id="latest"'))));
      const older = /<a href="(\/\?page=\d+)#latest" rel="next">Older →<\/a>/.exec(body);
      if (pages > 1) expect(body).toContain('rel="prev">← Newer</a>');
      url = older ? older[1]!.replace(/&amp;/g, '&') : null;
    }
    let published = 0;
    for await (const a of store.advisories.all()) if (a.published && !a.withdrawn) published++;
    expect(new Set(seen).size).toBe(published);
    expect(seen.length).toBe(published);
    expect(pages).toBe(Math.ceil(published / 25));
    expect((await get(`/?page=${pages + 1}`)).body).toContain('No older advisories.');
  });

  it('says how current each source is on the home page, and that the npm advisories are out of date', async () => {
    const body = (await get('/')).body;
    const section = body.slice(body.indexOf('id="freshness"'), body.indexOf('id="latest"'));
    expect(section).toContain(
      '<li>Working Group npm: newest advisory <time datetime="2020-07-13T00:00:00Z">2020-07-13</time> (467 advisories)</li>',
    );
    expect(section).toContain(
      '<li>Working Group Node.js core: newest advisory <time datetime="2026-04-08T21:26:49Z">2026-04-08</time>',
    );
    // the imported test advisories are GHSA ones of 2026-01-02: older than 30 days against the clock too
    expect(section).toContain('<li>GHSA npm: newest advisory');
    expect(section).toContain('The npm advisories here are out of date:');
    expect(section).toContain(
      '<code>nswg db sync https://osv-vulnerabilities.storage.googleapis.com/npm/</code>',
    );
  });

  it('shows an advisory: title, severity with the vector explained, versions, details, references, credits, links', async () => {
    const res = await get('/advisories/NSWG-ECO-1');
    const body = res.body;
    expect(body).toContain('<h1>Arbitrary JavaScript Execution</h1>');
    expect(body).toContain('<span class="sev sev-moderate">Moderate</span> <strong>6.5</strong> (CVSS 3.0)');
    expect(body).toContain('<code class="vector">CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N</code>');
    expect(body).toMatch(/<dt>Attack Vector <span class="muted">\(AV\)<\/span><\/dt><dd>Network/);
    expect(body).toMatch(/<dt>Integrity Impact <span class="muted">\(I\)<\/span><\/dt><dd>Low/);
    expect(body).toContain('<a href="/packages/bassmaster">bassmaster</a>');
    expect(body).toContain('<td><code>&lt;=1.5.1</code></td><td><code>&gt;=1.5.2</code></td>');
    expect(body).toContain('allows for an attacker to provide arbitrary JavaScript');
    expect(body).toContain(
      '<a href="https://github.com/hapijs/bassmaster/commit/b751602d8cb7194ee62a61e085069679525138c4" rel="nofollow noopener">',
    );
    expect(body).toContain(
      '<a href="https://www.cve.org/CVERecord?id=CVE-2014-7205" rel="nofollow noopener">CVE-2014-7205</a>',
    );
    expect(body).toContain('<a href="/v1/vulns/NSWG-ECO-1" type="application/json">OSV JSON</a>');
    expect(body).toContain('Jarda Kotěšovec');
    expect(body).toContain('Update to bassmaster version 1.5.2 or greater.');
  });

  it('says first what an advisory is and what to do, the CVSS explanation folded below', async () => {
    const body = (await get('/advisories/NSWG-ECO-1')).body;
    const summary = elementById(body, 'summary');
    expect(summary).toContain(
      '<strong>What it is:</strong> a <span class="sev sev-moderate">Moderate</span> vulnerability in <a href="/packages/bassmaster">bassmaster</a> <code>&lt;=1.5.1</code>',
    );
    expect(summary).toContain(
      '<strong>What to do first:</strong> upgrade <a href="/packages/bassmaster">bassmaster</a> to <strong>1.5.2</strong> or later.',
    );
    expect(body.indexOf('id="summary"')).toBeLessThan(body.indexOf('<details class="cvss-explained">'));
    expect(body).toMatch(
      /<details class="cvss-explained"><summary>What the CVSS vector says<\/summary>\s*<p><code class="vector">/,
    );
    const core = elementById((await get('/advisories/NSWG-COR-1')).body, 'summary');
    expect(core).toContain('vulnerability in Node.js itself');
    expect(core).toContain('upgrade Node.js to');
  });

  it('never says "Published unknown": it says what is known', async () => {
    const undated = advisory({
      id: 'GHSA-undt-undt-undt',
      published: null,
      modified: '2026-02-03T00:00:00Z',
      title: 'Undated',
    });
    const recorded = advisory({
      id: 'GHSA-rcrd-rcrd-rcrd',
      published: null,
      created: '2025-12-01T00:00:00Z',
      title: 'Recorded',
    });
    await store.advisories.import([undated, recorded]);
    const a = (await get(`/advisories/${undated.id}`)).body;
    expect(a).not.toMatch(/unknown/i);
    expect(a).toContain('<li>Last updated <time datetime="2026-02-03T00:00:00Z">2026-02-03</time></li>');
    expect(a).not.toContain('Published');
    const b = (await get(`/advisories/${recorded.id}`)).body;
    expect(b).toContain('<li>Recorded <time datetime="2025-12-01T00:00:00Z">2025-12-01</time></li>');
    expect(b).not.toMatch(/Published|unknown/i);
    // an advisory with no fix says so, and what is left to do
    const unfixed = advisory({
      id: 'GHSA-nfix-nfix-nfix',
      affected: [npmAffected('nswg-unfixed', '*', null)],
    });
    await store.advisories.import([unfixed]);
    expect(elementById((await get(`/advisories/${unfixed.id}`)).body, 'summary')).toContain(
      'no fixed version of <a href="/packages/nswg-unfixed">nswg-unfixed</a> is known',
    );
  });

  it('explains a CVSS 4.0 vector and links a scoped package', async () => {
    const body = (await get(`/advisories/${SCOPED_ADVISORY.id}`)).body;
    expect(body).toContain('<strong>9.3</strong> (CVSS 4.0)');
    expect(body).toMatch(/<dt>Attack Requirements <span class="muted">\(AT\)<\/span><\/dt><dd>None/);
    expect(body).toMatch(
      /<dt>Confidentiality \(Subsequent System\) <span class="muted">\(SC\)<\/span><\/dt><dd>None/,
    );
    expect(body).toContain('<a href="/packages/@nswg-test/widget">@nswg-test/widget</a>');
    expect(body).toContain('<a rel="nofollow noopener" href="https://example.com/fix">the fix</a>');
    expect(body).toContain(
      '<a href="https://cwe.mitre.org/data/definitions/1321.html" rel="nofollow noopener">CWE-1321</a>',
    );
  });

  it('shows a core advisory with its release lines and declared severity', async () => {
    const body = (await get('/advisories/NSWG-COR-1')).body;
    expect(body).toContain('<h1>memory overread when parsing invalid NAPTR responses</h1>');
    expect(body).toContain('<span class="sev sev-high">High</span>');
    expect(body).toContain('<a href="/node">Node.js</a>');
    expect(body).toContain('<code>8.x || 7.x || 4.x || 6.x || 5.x</code>');
  });

  it('redirects a CVE (in any case) and a lower-case id to the advisory, and lists the advisories of a shared CVE', async () => {
    for (const url of [
      '/advisories/CVE-2014-7205',
      '/advisories/cve-2014-7205',
      '/advisories/nswg-eco-1',
      '/advisories/x_NSWG-ECO-1',
      '/advisories/x_nswg-eco-1',
      '/search?q=x_NSWG-ECO-1',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(302);
      expect(res.headers.location, url).toBe('/advisories/NSWG-ECO-1');
    }
    const shared = await get('/advisories/CVE-2099-0002');
    expect(shared.statusCode).toBe(200);
    expect(linkedAdvisoryIds(shared.body)).toEqual([SCOPED_ADVISORY.id, TWIN_ADVISORY.id].sort());
  });

  it('answers 404 pages for unknown advisories and packages', async () => {
    const a = await get('/advisories/NSWG-ECO-999999');
    expect(a.statusCode).toBe(404);
    expect(a.body).toContain('There is no advisory NSWG-ECO-999999.');
    const p = await get('/packages/no-such-package-at-all');
    expect(p.statusCode).toBe(404);
    expect(p.body).toContain('There is no advisory for the npm package no-such-package-at-all.');
    for (const bare of ['/advisories', '/packages/'])
      expect((await get(bare)).headers.location, bare).toBe('/');
  });

  it('searches by package name, id, CVE and text', async () => {
    const byName = await get('/search?q=lodash');
    expect(byName.body).toContain('<a href="/packages/lodash"><strong>lodash</strong></a>');
    expect((await get('/search?q=LoDash')).body).toContain(
      '<a href="/packages/lodash"><strong>lodash</strong></a>',
    );
    const hits = linkedAdvisoryIds(byName.body);
    expect(hits.length).toBeGreaterThan(0);
    for (const id of hits)
      expect(JSON.stringify(await store.advisories.get(id)).toLowerCase()).toContain('lodash');
    for (const [q, id] of [
      ['NSWG-ECO-1', 'NSWG-ECO-1'],
      ['nswg-eco-1', 'NSWG-ECO-1'],
      ['CVE-2014-7205', 'NSWG-ECO-1'],
      [' cve-2014-7205 ', 'NSWG-ECO-1'],
    ]) {
      const res = await get(`/search?q=${encodeURIComponent(q!)}`);
      expect(res.statusCode, q).toBe(302);
      expect(res.headers.location, q).toBe(`/advisories/${id}`);
    }
    const text = await get('/search?q=prototype%20pollution');
    const found = linkedAdvisoryIds(text.body);
    expect(found.length).toBeGreaterThan(3);
    expect(text.body).toContain('value="prototype pollution"');
    expect((await get('/search?q=')).headers.location).toBe('/');
  });

  it('pages through many search results', async () => {
    const first = await get('/search?q=a');
    expect(first.body).toContain('<a href="/search?q=a&amp;page=2">Older →</a>');
    const second = await get('/search?q=a&page=2');
    const one = linkedAdvisoryIds(first.body);
    const two = linkedAdvisoryIds(second.body);
    expect(two.length).toBeGreaterThan(0);
    expect(one.filter((id) => two.includes(id) && !['NSWG-COR-1'].includes(id)).length).toBeLessThan(
      one.length,
    );
    expect(second.body).toContain('← Newer</a>');
  });

  describe('stored XSS in an imported advisory', () => {
    const xssPages = [
      `/advisories/${XSS_ADVISORY.id}`,
      `/packages/${encodeURIComponent(EVIL_PACKAGE)}`,
      `/packages/${encodeURIComponent(EVIL_PACKAGE)}?version=0.5.0`,
      '/search?q=alert',
      '/search?q=CVE-2099-0001',
      '/',
    ];

    it('is escaped or stripped on every page that shows it', async () => {
      for (const url of xssPages) {
        const res = await get(url);
        expect([200, 302], url).toContain(res.statusCode);
        if (res.statusCode === 302) continue;
        expect(unsafeMarkup(res.body), url).toEqual([]);
        expect(res.body.match(/<script/gi)?.length, url).toBe(1);
        expect(res.body, url).not.toMatch(/<img|<svg|<iframe|<div style/i);
        for (const t of tagsOf(res.body)) {
          for (const [k, v] of t.attrs) expect(`${k}=${v}`, url).not.toMatch(/(javascript|vbscript|data):/i);
        }
      }
    });

    it('shows the attack as text rather than dropping it', async () => {
      const body = (await get(`/advisories/${XSS_ADVISORY.id}`)).body;
      expect(body).toContain(
        '<h1>&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;</h1>',
      );
      expect(body).toContain(
        'Text &lt;script&gt;alert("details")&lt;/script&gt; and &lt;img src=x onerror="alert(2)"&gt;',
      );
      expect(body).toContain('raw link');
      // javascript: references are not links, only text
      expect(body).toContain('<span class="muted">javascript:alert(9)</span>');
      expect(body).toContain('href="https://example.com/%22%3E%3Cscript%3Ealert(10)%3C/script%3E"');
      expect(body).toContain('&lt;b onmouseover=alert(12)&gt;Mallory&lt;/b&gt;');
      expect(body).toContain(
        '<a href="/packages/%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(5)%3E">&quot;&gt;&lt;img src=x onerror=alert(5)&gt;</a>',
      );
      expect(body).toContain('<a rel="nofollow noopener" href="https://example.com/fine">a fine link</a>');
      // every link in the details is rel="nofollow noopener"
      const details = elementById(body, 'details', '</section>');
      const links = tagsOf(details).filter((t) => t.name === 'a');
      expect(links.length).toBeGreaterThan(3);
      for (const a of links) expect(a.attrs.get('rel'), a.source).toBe('nofollow noopener');
    });

    it('escapes the package name and the version typed into the form', async () => {
      const res = await get(
        `/packages/${encodeURIComponent(EVIL_PACKAGE)}?version=${encodeURIComponent('"><script>alert(1)</script>')}`,
      );
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('<h1>&quot;&gt;&lt;img src=x onerror=alert(5)&gt;</h1>');
      expect(res.body).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    });
  });

  describe('is my version affected?', () => {
    /** The advisories npm would report for name@version: its vulnerable range holds the version. */
    const expected = (list: Advisory[], name: string, version: string) =>
      list
        .filter((a) =>
          a.affected.some(
            (x) => x.ecosystem === 'npm' && x.name === name && satisfies(version, x.vulnerable),
          ),
        )
        .map((a) => a.id)
        .sort();

    it('answers for lodash as npm decides (satisfies)', async () => {
      const list = await store.advisories.forPackage('lodash');
      let affected = 0;
      for (const version of [
        '0.1.0',
        '1.0.0',
        '2.4.2',
        '3.10.1',
        '4.0.0',
        '4.17.4',
        '4.17.11',
        '4.17.15',
        '4.17.19',
        '4.17.20',
        '4.17.21',
        '4.17.21-beta.1',
        'v4.17.4',
        '5.0.0',
      ]) {
        const res = await get(`/packages/lodash?version=${encodeURIComponent(version)}`);
        expect(res.statusCode, version).toBe(200);
        const got = linkedAdvisoryIds(elementById(res.body, 'check', '</section>')).sort();
        const want = expected(list, 'lodash', version);
        expect(got, version).toEqual(want);
        if (want.length) {
          affected++;
          expect(res.body, version).toMatch(/is affected by \d+ advisor/);
        } else expect(res.body, version).toContain('is not affected</strong>');
      }
      expect(affected).toBeGreaterThan(3);
    });

    it('answers for a scoped package, prereleases included', async () => {
      const cases: [string, boolean][] = [
        ['0.9.0', false],
        ['1.0.0', true],
        ['1.4.1', true],
        ['1.4.2', false],
        ['2.0.0-rc.1', true],
        ['2.0.5', true],
        ['2.1.0', false],
      ];
      for (const [version, hit] of cases) {
        expect(satisfies(version, SCOPED_ADVISORY.affected[0]!.vulnerable), version).toBe(hit);
        const res = await get(`/packages/@nswg-test/widget?version=${version}`);
        expect(linkedAdvisoryIds(elementById(res.body, 'check', '</section>')), version).toEqual(
          hit ? [SCOPED_ADVISORY.id] : [],
        );
      }
    });

    it('says clearly when the version does not parse', async () => {
      for (const bad of ['not-a-version', '^4.17.0', '4.x', '1.2.3.4']) {
        const res = await get(`/packages/lodash?version=${encodeURIComponent(bad)}`);
        expect(res.statusCode, bad).toBe(400);
        expect(res.body, bad).toContain(`“${bad}” is not a version npm can read.`);
      }
    });
  });

  describe('the Node.js page', () => {
    const core = async () => {
      const out: Advisory[] = [];
      for await (const a of store.advisories.all('core')) out.push(a);
      return out;
    };

    it('groups core advisories by release line', async () => {
      const body = (await get('/node')).body;
      const lines = [...body.matchAll(/<h2 id="line-[^"]+">Node\.js ([^ ]+) /g)].map((m) => m[1]);
      expect(lines.slice(0, 1)).toEqual(['25.x']);
      for (const l of ['24.x', '22.x', '20.x', '18.x', '4.x', '0.12.x', '0.10.x'])
        expect(lines, l).toContain(l);
      expect(lines).not.toContain('1.x');
      expect(lines).not.toContain('3.x');
      const section = (label: string) => elementById(body, `line-${label.replace(/\./g, '-')}`, '</section>');
      for (const a of await core()) {
        const vulnerable = a.affected[0]!.vulnerable;
        for (const major of [18, 20, 22, 24]) {
          const inLine = satisfies(`${major}.0.0`, vulnerable) || satisfies(`${major}.99.99`, vulnerable);
          if (inLine)
            expect(
              linkedAdvisoryIds(section(`${major}.x`)),
              `${a.id} in ${major}.x (${vulnerable})`,
            ).toContain(a.id);
        }
      }
    });

    it('lists what affects a version: vulnerable and not patched', async () => {
      const list = await core();
      let affected = 0;
      for (const version of [
        '0.10.30',
        '4.0.0',
        '8.1.3',
        '8.1.4',
        '14.17.0',
        '18.0.0',
        '20.1.0',
        '20.19.5',
        '22.3.0',
        '24.0.0',
        '99.0.0',
      ]) {
        const res = await get(`/node?version=${version}`);
        const want = list
          .filter((a) =>
            a.affected.some(
              (x) => satisfies(version, x.vulnerable) && !(x.patched && satisfies(version, x.patched)),
            ),
          )
          .map((a) => a.id)
          .sort();
        const got = linkedAdvisoryIds(elementById(res.body, 'check', '</section>')).sort();
        expect(got, version).toEqual(want);
        if (want.length) affected++;
      }
      expect(affected).toBeGreaterThan(6);
      const v = await get('/node?version=v20.1.0');
      expect(v.body).toContain('Node.js 20.1.0 on any platform is affected by');
      const bad = await get('/node?version=twenty');
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('“twenty” is not a Node.js version.');
    });
    it('checks a bare release line and a platform as nswg check-node does, with one upgrade line', async () => {
      const core: Advisory[] = [];
      for await (const a of store.advisories.all('core')) core.push(a);
      const { checkNode, askedNodeVersion } = await import('../../../src/scan/index.js');
      const { releaseSchedule } = await import('../../../src/files/index.js');
      const asked = askedNodeVersion('18', core, 'version');
      expect(asked.version).toBe('18.20.6');
      for (const [platform, name] of [
        ['win32', 'Windows'],
        ['linux', 'Linux'],
        ['all', 'any platform'],
      ] as const) {
        const res = await get(`/node?version=18&platform=${platform}`);
        expect(res.statusCode).toBe(200);
        const result = elementById(res.body, 'check', '</section>');
        // the advisories of 2025 on name no 18.x: past its end of life, the line is not assessed
        expect(result).toMatch(new RegExp(`Node\\.js 18\\.20\\.6 on ${name} is (not affected|affected by)`));
        expect(result).toContain(
          '18.x: checked as 18.20.6, the newest release of the line that an advisory names as patched.',
        );
        expect(result).toContain('the 18.x line ended on 2025-04-30');
        expect(result.match(/Upgrade to/g)).toHaveLength(1);
        expect(result).toMatch(/<strong>Upgrade to<\/strong> a maintained LTS line \(\d+\.x( or \d+\.x)+\)/);
        expect(result).toContain(`<option value="${platform}" selected>`);
        const want = checkNode('18.20.6', platform, core, new Date(), releaseSchedule()).findings.map(
          (f) => f.id,
        );
        expect(linkedAdvisoryIds(result).sort(), platform).toEqual([...want].sort());
      }
      // a Windows-only advisory (batch files, CVE-2024-27980) makes the platforms differ, as on the command line
      const on = async (platform: string) =>
        linkedAdvisoryIds(
          elementById((await get(`/node?version=18.20.1&platform=${platform}`)).body, 'check', '</section>'),
        );
      const win = await on('win32');
      expect(win.length).toBeGreaterThan((await on('linux')).length);
      expect(await on('all')).toEqual(expect.arrayContaining(win));
      // a maintained line with a fix: the lowest release that fixes them all
      const fixable = elementById((await get('/node?version=24.0.0')).body, 'check', '</section>');
      expect(fixable).toMatch(/<strong>Upgrade to<\/strong> 24\.\d+\.\d+ or later\./);
    });

    it('shows a core advisory imported while the server runs (the kept rendering follows the data)', async () => {
      expect((await get('/node')).body).not.toContain('Node.js 30.x');
      const added = advisory({
        id: 'NSWG-COR-9999',
        kind: 'core',
        title: 'A flaw in a future line',
        affected: [
          {
            ecosystem: 'node',
            name: 'node',
            vulnerable: '30.x',
            patched: '^30.1.0',
            ranges: [],
            versions: [],
            platforms: ['all'],
            components: [],
          },
        ],
      });
      await store.advisories.import([added]);
      const body = (await get('/node?version=30.0.5')).body;
      expect(linkedAdvisoryIds(elementById(body, 'line-30-x', '</section>'))).toEqual(['NSWG-COR-9999']);
      expect(linkedAdvisoryIds(elementById(body, 'check', '</section>'))).toEqual(['NSWG-COR-9999']);
      expect(
        linkedAdvisoryIds(elementById((await get('/node?version=30.1.0')).body, 'check', '</section>')),
      ).toEqual([]);
    });
  });

  it('serves the stylesheet, script and icon with long-lived cache headers and ETags', async () => {
    for (const [a, type] of [
      [ASSETS.css, 'text/css; charset=utf-8'],
      [ASSETS.js, 'text/javascript; charset=utf-8'],
      [ASSETS.icon, 'image/svg+xml'],
    ] as const) {
      const res = await get(a.path);
      expect(res.statusCode, a.path).toBe(200);
      expect(res.headers['content-type'], a.path).toBe(type);
      expect(res.headers['cache-control'], a.path).toBe('public, max-age=31536000, immutable');
      expect(res.body.length, a.path).toBeGreaterThan(100);
      const again = await get(a.path, { 'if-none-match': String(res.headers.etag) });
      expect(again.statusCode, a.path).toBe(304);
    }
    expect((await get('/')).headers['cache-control']).toBe('public, max-age=60');
    expect((await get('/assets/site.0000.css')).statusCode).toBe(404);
  });
});
