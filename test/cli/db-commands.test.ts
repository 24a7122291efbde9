import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateOsvSchema } from '../../src/files/index.js';
import { nswg } from '../helpers/cli.js';
import { csafSchemaErrors } from '../helpers/csaf.js';
import { freshDb, type TestDb, testEngines } from '../helpers/db.js';
import { vexSchemaErrors } from '../helpers/openvex.js';
import { readJson, wgCore, wgNpm } from '../helpers/shared.js';

const engines = await testEngines();
const tmp = () => mkdtempSync(join(tmpdir(), 'nswg-cli-'));
const dbUrl = (t: TestDb) => (t.target.kind === 'sqlite' ? t.target.file : t.target.url);

describe.each(engines)('nswg db on %s', (engine) => {
  let tdb: TestDb;
  let db: string;

  beforeAll(async () => {
    tdb = await freshDb(engine);
    db = dbUrl(tdb);
    const init = await nswg(['db', 'init', '--db', db]);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/638 added/);
  });
  afterAll(async () => tdb?.drop());

  const stats = async () => JSON.parse((await nswg(['db', 'stats', '--db', db, '--format', 'json'])).stdout);

  it('stats says the newest advisory of each source and ecosystem, and that the npm data is old', async () => {
    const r = await nswg(['db', 'stats', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^newest {5}Working Group npm {11}2020-07-13 \(467 advisories\)$/m);
    expect(r.stdout).toMatch(/^ {11}Working Group Node\.js core {2}2026-04-08 \(171 advisories\)$/m);
    expect(r.stdout).toMatch(
      /^warning {4}the newest npm advisory is from 2020-07-13, \d+ days ago: .*`nswg db sync https:\/\/osv-vulnerabilities\.storage\.googleapis\.com\/npm\/`$/m,
    );
    const json = await stats();
    expect(
      json.freshness.map((f: { source: string; ecosystem: string }) => `${f.source} ${f.ecosystem}`),
    ).toEqual(['Working Group npm', 'Working Group core']);
    expect(json.staleNpm.newest).toBe('2020-07-13T00:00:00Z');
  });

  it('exports the Working Group layout that equals the published files, and imports it back identically', async () => {
    const out = tmp();
    const r = await nswg(['db', 'export', '--format', 'nswg', '--out', out, '--db', db]);
    expect(r.code).toBe(0);
    expect(readdirSync(join(out, 'npm'))).toHaveLength(467);
    expect(readdirSync(join(out, 'core'))).toHaveLength(171);
    for (const a of wgNpm()) {
      const text = readFileSync(join(out, 'npm', `${a.id}.json`), 'utf8');
      expect(JSON.parse(text)).toStrictEqual(a);
      expect(text.endsWith('}\n')).toBe(true);
    }
    for (const { id, ...rest } of wgCore())
      expect(readJson(join(out, 'core', `${id}.json`))).toStrictEqual(rest);

    const second = await freshDb(engine);
    try {
      const imp = await nswg(['db', 'import', out, '--db', dbUrl(second)]);
      expect(imp.stderr.replace(/.*warning.*\n/g, '')).toBe('');
      expect(imp.stdout).toMatch(/638 added/);
      const again = tmp();
      await nswg(['db', 'export', '--format', 'nswg', '--out', again, '--db', dbUrl(second)]);
      for (const kind of ['npm', 'core']) {
        for (const f of readdirSync(join(out, kind))) {
          expect(readFileSync(join(again, kind, f), 'utf8'), `${kind}/${f}`).toBe(
            readFileSync(join(out, kind, f), 'utf8'),
          );
        }
      }
    } finally {
      await second.drop();
    }
  });

  it('exports every advisory as a schema-valid OSV file', async () => {
    const out = tmp();
    expect((await nswg(['db', 'export', '--format', 'osv', '--out', out, '--db', db])).code).toBe(0);
    const files = readdirSync(out);
    expect(files).toHaveLength(638);
    for (const f of files) expect(validateOsvSchema(readJson(join(out, f))), f).toEqual([]);
  });

  it('exports Node.js core as OpenVEX and as a CSAF provider directory, both valid, named by --public-url', async () => {
    const out = tmp();
    const missing = await nswg(['db', 'export', '--format', 'openvex', '--out', out, '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--public-url');
    const vex = await nswg([
      'db',
      'export',
      '--format',
      'openvex',
      '--out',
      out,
      '--db',
      db,
      '--public-url',
      'https://nswg.example.org/',
    ]);
    expect(vex.code).toBe(0);
    const doc = readJson(join(out, 'node.openvex.json')) as {
      '@id': string;
      statements: { status: string }[];
    };
    expect(vexSchemaErrors(doc)).toEqual([]);
    expect(doc['@id']).toBe('https://nswg.example.org/vex/node.openvex.json');
    expect(doc.statements.filter((x) => x.status === 'fixed').length).toBeGreaterThan(100);
    const csaf = await nswg([
      'db',
      'export',
      '--format',
      'csaf',
      '--out',
      out,
      '--db',
      db,
      '--public-url',
      'https://nswg.example.org',
    ]);
    expect(csaf.code).toBe(0);
    const meta = readJson(join(out, 'provider-metadata.json')) as { canonical_url: string };
    expect(meta.canonical_url).toBe('https://nswg.example.org/.well-known/csaf/provider-metadata.json');
    const index = readFileSync(join(out, 'white', 'index.txt'), 'utf8')
      .trim()
      .split('\n');
    expect(index).toHaveLength(171);
    for (const path of [index[0]!, index.at(-1)!]) {
      const d = readJson(join(out, 'white', path));
      expect(csafSchemaErrors(d)).toEqual([]);
    }
  });

  it('shows and searches advisories by id, CVE and package', async () => {
    const show = await nswg(['advisory', 'show', 'CVE-2017-1000381', '--db', db]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/NSWG-COR-1\b/);
    expect(show.stdout).toMatch(/patched\s+\^8\.1\.4/);
    const osv = JSON.parse(
      (await nswg(['advisory', 'show', 'NSWG-ECO-1', '--format', 'osv', '--db', db])).stdout,
    );
    expect(osv.id).toBe('x_NSWG-ECO-1');
    // one id in every spelling: the OSV id, lower case, the CVE in lower case
    for (const spelling of ['x_NSWG-ECO-1', 'nswg-eco-1', 'x_nswg-eco-1', 'cve-2014-7205']) {
      const r = await nswg(['advisory', 'show', spelling, '--format', 'json', '--db', db]);
      expect(r.code, spelling).toBe(0);
      expect(JSON.parse(r.stdout).id, spelling).toBe('NSWG-ECO-1');
    }
    const ranked = JSON.parse(
      (await nswg(['advisory', 'search', 'express', '--format', 'json', '--db', db])).stdout,
    );
    expect(ranked[0].packages).toEqual(['express']);
    const missing = await nswg(['advisory', 'show', 'NSWG-ECO-99999', '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no advisory has the id or alias "NSWG-ECO-99999"/);
    const search = JSON.parse(
      (
        await nswg([
          'advisory',
          'search',
          'prototype pollution',
          '--package',
          'lodash',
          '--format',
          'json',
          '--db',
          db,
        ])
      ).stdout,
    );
    expect(search.length).toBeGreaterThan(0);
    for (const a of search) expect(a.packages).toContain('lodash');
  });

  describe('bad input: a clear message naming file and field, exit 2, nothing written', () => {
    const good = () => ({
      ...(wgNpm()[0] as Record<string, unknown>),
      id: 9001,
      module_name: 'nswg-good-package',
    });
    const cases: [string, (dir: string) => void, RegExp][] = [
      [
        'a truncated JSON file',
        (d) => writeFileSync(join(d, 'broken.json'), JSON.stringify(good(), null, 2).slice(0, 200)),
        /broken\.json:\d+: not valid JSON: the file ends inside a string|broken\.json:\d+: not valid JSON: the JSON ends too early/,
      ],
      [
        'a malformed JSON file',
        (d) => writeFileSync(join(d, 'malformed.json'), '{\n  "id": 1,\n  "title": oops\n}\n'),
        /malformed\.json:3: not valid JSON: unexpected "o" \(line 3, column 12\)/,
      ],
      [
        'a field of the wrong type',
        (d) => writeFileSync(join(d, 'type.json'), JSON.stringify({ ...good(), cvss_score: 'high' })),
        /type\.json: cvss_score: must be a number or null, not "high"/,
      ],
      [
        'a range that does not parse',
        (d) =>
          writeFileSync(
            join(d, 'range.json'),
            JSON.stringify({ ...good(), vulnerable_versions: '>=1.0.0 <<2' }),
          ),
        /range\.json: vulnerable_versions: is not a valid semver range/,
      ],
      [
        'a duplicate id',
        (d) => {
          writeFileSync(join(d, 'a.json'), JSON.stringify(good()));
          writeFileSync(join(d, 'b.json'), JSON.stringify(good()));
        },
        /b\.json: id: duplicate id NSWG-ECO-9001 \(also in .*a\.json\)/,
      ],
      [
        'neither format',
        (d) => writeFileSync(join(d, 'other.json'), JSON.stringify({ hello: 'world' })),
        /other\.json: \(root\): is neither a Working Group advisory/,
      ],
      [
        'an OSV record that breaks the schema',
        (d) =>
          writeFileSync(
            join(d, 'osv.json'),
            JSON.stringify({ id: 'GHSA-aaaa-bbbb-cccc', modified: 'last tuesday', affected: [] }),
          ),
        /osv\.json: modified: must match format "date-time"/,
      ],
    ];
    it.each(cases)('%s', async (_name, make, message) => {
      const before = await stats();
      const dir = tmp();
      // a valid advisory next to the bad file: it must not be imported either (all or nothing)
      writeFileSync(
        join(dir, '0-valid.json'),
        JSON.stringify({ ...good(), id: 9002, module_name: 'nswg-valid-neighbour' }),
      );
      make(dir);
      const r = await nswg(['db', 'import', dir, '--db', db]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(await stats()).toEqual(before);
      expect((await nswg(['advisory', 'show', 'NSWG-ECO-9002', '--db', db])).code).toBe(2);
    });
  });

  it('imports a GHSA OSV record, and re-import follows `modified`', async () => {
    const dir = tmp();
    const record = {
      id: 'GHSA-xxxx-yyyy-zzzz',
      modified: '2024-01-01T00:00:00Z',
      aliases: ['CVE-2099-0001'],
      summary: 'Example from GHSA',
      affected: [
        {
          package: { ecosystem: 'npm', name: 'example-ghsa-pkg' },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.2.3' }] }],
        },
      ],
    };
    writeFileSync(join(dir, 'GHSA-xxxx-yyyy-zzzz.json'), JSON.stringify(record));
    expect((await nswg(['db', 'import', dir, '--db', db])).stdout).toMatch(/1 added/);
    const shown = JSON.parse(
      (await nswg(['advisory', 'show', 'CVE-2099-0001', '--format', 'json', '--db', db])).stdout,
    );
    expect(shown.affected[0]).toMatchObject({
      name: 'example-ghsa-pkg',
      vulnerable: '<1.2.3',
      patched: '>=1.2.3',
    });
    writeFileSync(
      join(dir, 'GHSA-xxxx-yyyy-zzzz.json'),
      JSON.stringify({ ...record, modified: '2023-01-01T00:00:00Z', summary: 'older' }),
    );
    expect((await nswg(['db', 'import', dir, '--db', db])).stdout).toMatch(
      /1 kept \(the stored copy is newer\)/,
    );
    writeFileSync(
      join(dir, 'GHSA-xxxx-yyyy-zzzz.json'),
      JSON.stringify({ ...record, modified: '2025-01-01T00:00:00Z', summary: 'newer' }),
    );
    expect((await nswg(['db', 'import', dir, '--db', db])).stdout).toMatch(/1 updated/);
    expect(
      JSON.parse(
        (await nswg(['advisory', 'show', 'GHSA-xxxx-yyyy-zzzz', '--format', 'json', '--db', db])).stdout,
      ).title,
    ).toBe('newer');
  });
});

describe('nswg db validate', () => {
  it('passes the published Working Group files (warnings only) and reports every problem with file and field', async () => {
    const ok = await nswg(['db', 'validate', join('data', 'nswg-npm.json'), join('data', 'nswg-core.json')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/2 files, 638 valid advisories, 0 errors, \d+ warnings/);
    const dir = tmp();
    mkdirSync(join(dir, 'npm'));
    writeFileSync(
      join(dir, 'npm', '1.json'),
      JSON.stringify({ ...(wgNpm()[0] as object), cves: ['nope'], title: '' }),
    );
    writeFileSync(join(dir, 'npm', '2.json'), '{"id": 2,');
    const bad = await nswg(['db', 'validate', dir]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/npm\/1\.json: cves\[0\]: must be a CVE id/);
    expect(bad.stdout).toMatch(/npm\/1\.json: title: must not be empty/);
    expect(bad.stdout).toMatch(
      /npm\/2\.json:1: not valid JSON: the JSON ends too early \(truncated file\?\) \(line 1, column 10\)/,
    );
    expect(bad.stdout).toMatch(/2 files, 0 valid advisories, 3 errors/);
  });
});

describe('the command line', () => {
  it('answers --help on every command', async () => {
    for (const args of [
      [],
      ['db'],
      ['db', 'init'],
      ['db', 'import'],
      ['db', 'export'],
      ['db', 'validate'],
      ['db', 'stats'],
      ['advisory', 'show'],
      ['advisory', 'search'],
    ]) {
      const r = await nswg([...args, '--help']);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: nswg/);
    }
  });

  it('refuses a format or kind it does not write, naming the option and the choices, before opening anything', async () => {
    const home = mkdtempSync(join(tmpdir(), 'nswg-home-'));
    for (const [args, choices] of [
      [['db', 'export', '--format', 'xml', '--out', join(home, 'out')], 'nswg, osv, openvex, csaf'],
      [['db', 'export', '--format', 'osv', '--kind', 'pypi', '--out', join(home, 'out')], 'npm, core'],
      [['advisory', 'show', 'NSWG-ECO-1', '--format', 'xml'], 'text, json, osv, nswg'],
      [['advisory', 'search', 'lodash', '--format', 'osv'], 'text, json'],
    ] as const) {
      const r = await nswg([...args], { home });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(`Allowed choices are ${choices}.`);
      // the flag named on one line and where to read more: not the whole help
      expect(r.stderr).toMatch(/^nswg: option '--(format|kind) <\w+>' argument '\w+' is invalid\./);
      expect(r.stderr).toContain('(add --help for the options)');
      expect(r.stderr).not.toContain('Usage:');
      expect(r.stdout).toBe('');
    }
    for (const args of [['db', 'stats', '--bogus'], ['no-such-command']]) {
      const r = await nswg(args, { home });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(2);
      expect(r.stderr).not.toContain('Usage:');
    }
    expect(readdirSync(home).filter((f) => f !== '.cache')).toEqual([]); // no database made, nothing written (but the compile cache)
  });

  it('seeds the default database on first use, and refuses a named one that does not exist', async () => {
    const home = mkdtempSync(join(tmpdir(), 'nswg-home-'));
    const r = await nswg(['db', 'stats', '--format', 'json'], { home });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).total).toBe(638);
    expect(r.stderr).toMatch(/creating .*nswg\.db from the bundled Working Group data/);
    const missing = await nswg(['db', 'stats', '--db', join(home, 'nope.db')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/there is no database at .*nope\.db: create it with `nswg db init/);
    const badUrl = await nswg(['db', 'stats', '--db', 'mysql://x']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/--db: unsupported database URL/);
  });
});
