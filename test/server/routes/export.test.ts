import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Advisory, osvIdOf, toOsv } from '../../../src/advisories/index.js';
import type { App } from '../../../src/server/index.js';
import type { Store } from '../../../src/store/index.js';
import { nswg } from '../../helpers/cli.js';
import { testEngines } from '../../helpers/db.js';
import { npmAdvisory, PUBLIC_URL, testApp } from '../../helpers/server.js';

/** An advisory whose text tries to break the feed's XML. */
const NASTY = npmAdvisory('GHSA-xml0-nast-test', 'nswg-<feed>&"test"', '<1.0.0', {
  title: `</title><script>alert("x")</script> & 'quotes' \u0001 control`,
  details: 'Details with ]]> and <b>markup</b> & entities &amp;',
  published: '2030-01-01T00:00:00Z',
  modified: '2030-01-02T00:00:00Z',
});

describe.each(await testEngines())('bulk data and the feed on %s', (engine) => {
  let app: App;
  let store: Store;
  let close: () => Promise<void>;
  let dbArg: string;
  const all: Advisory[] = [];

  beforeAll(async () => {
    const t = await testApp(engine);
    ({ app, store, close } = t);
    dbArg = t.db.target.kind === 'sqlite' ? t.db.target.file : t.db.target.url;
    await store.advisories.import([NASTY, npmAdvisory('GHSA-othe-rdb0-test', 'left-pad', '<2.0.0')]);
    for await (const a of store.advisories.all()) all.push(a);
  });
  afterAll(() => close());

  const unzip = async (url: string) => {
    const res = await app.inject({ url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    return Object.fromEntries(
      Object.entries(unzipSync(new Uint8Array(res.rawPayload))).map(([k, v]) => [k, strFromU8(v)]),
    );
  };

  it('exports every advisory of a kind as OSV in all.zip, one file per advisory named by OSV id', async () => {
    for (const kind of ['npm', 'core'] as const) {
      const files = await unzip(`/v1/export/${kind}/all.zip`);
      const mine = all.filter((a) => a.kind === kind);
      expect(mine.length).toBeGreaterThan(kind === 'npm' ? 467 : 170);
      expect(Object.keys(files).sort()).toEqual(mine.map((a) => `${osvIdOf(a.id)}.json`).sort());
      for (const a of mine)
        expect(JSON.parse(files[`${osvIdOf(a.id)}.json`]!)).toEqual(JSON.parse(JSON.stringify(toOsv(a))));
    }
    expect((await app.inject({ url: '/v1/export/pypi/all.zip' })).statusCode).toBe(400);
  });

  it('lists <modified>,<id> newest first in modified_id.csv', async () => {
    for (const kind of ['npm', 'core'] as const) {
      const res = await app.inject({ url: `/v1/export/${kind}/modified_id.csv` });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      const lines = res.body.trimEnd().split('\n');
      const mine = all.filter((a) => a.kind === kind);
      expect(lines).toHaveLength(mine.length);
      expect(new Set(lines)).toEqual(new Set(mine.map((a) => `${a.modified},${osvIdOf(a.id)}`)));
      const dates = lines.map((l) => Date.parse(l.split(',')[0]!));
      expect(dates).toEqual([...dates].sort((a, b) => b - a));
    }
    expect((await app.inject({ url: '/v1/export/npm/modified_id.csv' })).body.split('\n')[0]).toBe(
      '2030-01-02T00:00:00Z,GHSA-xml0-nast-test',
    );
  });

  it('serves one advisory as its OSV file, and nothing for a wrong kind, a name that is not one, or a path', async () => {
    const one = await app.inject({ url: '/v1/export/npm/GHSA-othe-rdb0-test.json' });
    expect(one.statusCode).toBe(200);
    expect(JSON.parse(one.body)).toEqual(
      JSON.parse(JSON.stringify(toOsv(all.find((a) => a.id === 'GHSA-othe-rdb0-test')!))),
    );
    // an npm advisory is not in the core folder; an id nobody has is not anywhere
    expect((await app.inject({ url: '/v1/export/core/GHSA-othe-rdb0-test.json' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/v1/export/npm/GHSA-none-none-none.json' })).statusCode).toBe(404);
    // a name without .json, a path out of the folder, a name far too long (414): refused before any read
    for (const url of [
      '/v1/export/npm/GHSA-othe-rdb0-test',
      '/v1/export/npm/..%2F..%2Fetc%2Fpasswd.json',
      `/v1/export/npm/${'a'.repeat(5000)}.json`,
    ])
      expect([400, 404, 414], url.slice(0, 60)).toContain((await app.inject({ url })).statusCode);
  });

  it('serves the Working Group layout in nswg.zip exactly as `nswg db export --format nswg` writes it', async () => {
    const files = await unzip('/v1/export/nswg.zip');
    const out = mkdtempSync(join(tmpdir(), 'nswg-export-'));
    try {
      const r = await nswg(['db', 'export', '--format', 'nswg', '--out', out, '--db', dbArg]);
      expect(r.code, r.stderr).toBe(0);
      const written: Record<string, string> = {};
      for (const kind of ['npm', 'core']) {
        for (const f of readdirSync(join(out, kind)))
          written[`${kind}/${f}`] = readFileSync(join(out, kind, f), 'utf8');
      }
      expect(Object.keys(written)).toHaveLength(638);
      expect(Object.keys(files).sort()).toEqual(Object.keys(written).sort());
      for (const [name, text] of Object.entries(written)) expect(files[name], name).toBe(text);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('publishes an Atom feed of the newest advisories, with every text escaped', async () => {
    const res = await app.inject({ url: '/feed.atom' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const xml = res.body;
    expect(
      xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'),
    ).toBe(true);
    expect(xml.match(/<entry>/g)).toHaveLength(50);
    // the newest publication comes first, with its page on this server
    const first = xml.slice(xml.indexOf('<entry>'), xml.indexOf('</entry>'));
    expect(first).toContain(`<id>${PUBLIC_URL}/advisories/GHSA-xml0-nast-test</id>`);
    expect(first).toContain(
      '<title>GHSA-xml0-nast-test: &lt;/title&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;quotes&apos; \uFFFD control</title>',
    );
    expect(first).toContain('term="npm:nswg-&lt;feed&gt;&amp;&quot;test&quot;"');
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain('\u0001');
    // every element opened is closed, in order (well-formedness; the browser test parses it too)
    const stack: string[] = [];
    for (const m of xml.replace(/<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([a-z]+)([^>]*?)(\/?)>/g)) {
      if (m[4]) continue;
      if (m[1]) expect(stack.pop()).toBe(m[2]);
      else stack.push(m[2]!);
    }
    expect(stack).toEqual([]);
  });
});
