import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nswg } from '../helpers/cli.js';
import { freshDb, type TestDb } from '../helpers/db.js';
import { osvBucket, sampleRecords, zipOf } from '../helpers/osv-folder.js';

type Json = Record<string, any>;
const tmp = () => mkdtempSync(join(tmpdir(), 'nswg-sync-'));
const sample = sampleRecords();

/** A project whose lockfile installs these package versions. */
function project(deps: Record<string, string>): string {
  const dir = tmp();
  const packages: Json = { '': { name: 'app', version: '1.0.0', dependencies: deps } };
  for (const [name, version] of Object.entries(deps)) packages[`node_modules/${name}`] = { version };
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'app', version: '1.0.0', dependencies: deps }),
  );
  writeFileSync(
    join(dir, 'package-lock.json'),
    JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }),
  );
  return dir;
}

describe('the published OSV records in the audit', () => {
  let tdb: TestDb;
  let db: string;
  beforeAll(async () => {
    tdb = await freshDb('sqlite');
    db = tdb.target.kind === 'sqlite' ? tdb.target.file : '';
    expect((await nswg(['db', 'init', '--db', db])).code).toBe(0);
  });
  afterAll(async () => tdb?.drop());

  it('nswg db import reads a zip of OSV files, all or nothing', async () => {
    const dir = tmp();
    const zip = join(dir, 'osv.zip');
    writeFileSync(
      zip,
      await zipOf(sample.map((r) => ({ name: `npm/${r.id}.json`, data: Buffer.from(r.text) }))),
    );
    const r = await nswg(['db', 'import', zip, '--db', db]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/: 44 added, 0 updated, 0 unchanged/);
    // a bad record in a zip is named by the zip and its entry, and nothing is imported
    const broken = JSON.parse(sample[0]!.text);
    broken.modified = 'yesterday';
    writeFileSync(
      zip,
      await zipOf([{ name: 'bad/GHSA-bad.json', data: Buffer.from(JSON.stringify(broken)) }]),
    );
    const bad = await nswg(['db', 'import', zip, '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('osv.zip/bad/GHSA-bad.json');
    expect(bad.stderr).toContain('modified');
  });

  it('joins aliased records into one finding, leaves withdrawn ones out, and shows malware to remove', async () => {
    const dir = project({ send: '0.8.3', jsonwebtoken: '8.5.1', chalk: '5.6.1', 'lodash.trim': '4.5.1' });
    const r = await nswg(['audit', dir, '--format', 'json', '--no-node', '--db', db]);
    const out = JSON.parse(r.stdout) as Json;
    const of = (name: string) => out.findings.filter((f: Json) => f.name === name);
    // NSWG-ECO-32, GHSA-xwg4-93c6-3h42 and CVE-2014-6394: one vulnerability
    const send = of('send').filter((f: Json) => [f.id, ...f.aliases].includes('CVE-2014-6394'));
    expect(send.map((f: Json) => [f.id, f.aliases])).toEqual([
      ['NSWG-ECO-32', ['CVE-2014-6394', 'GHSA-xwg4-93c6-3h42']],
    ]);
    // GHSA-27h2-hvpr-p74q is withdrawn: not a finding, whatever version
    const jwt = of('jsonwebtoken').map((f: Json) => f.id);
    expect(jwt).toContain('GHSA-8cf7-32gw-wr33');
    expect(jwt).not.toContain('GHSA-27h2-hvpr-p74q');
    expect(of('chalk')).toMatchObject([
      { id: 'MAL-2025-46969', malicious: true, severity: 'critical', fix: { version: null, patched: null } },
    ]);
    expect(send[0].malicious).toBe(false);
    // last_affected 4.5.1 holds 4.5.1 itself
    expect(of('lodash.trim').map((f: Json) => f.id)).toEqual(['GHSA-29mw-wpgm-hmr9']);
    expect(out.summary.maliciousPackages).toBe(1);

    const text = (await nswg(['audit', dir, '--no-node', '--db', db])).stdout;
    expect(text).toMatch(
      /chalk 5\.6\.1\n {2}malware {3}MAL-2025-46969 +GHSA-2v46-p5h4-248w .*\n(.*\n)* {2}fix {7}malware: remove this package\n/,
    );
    expect(text).toMatch(/NSWG-ECO-32 +CVE-2014-6394 GHSA-xwg4-93c6-3h42/);
    expect(text).toContain('1 package is malware: remove it');
  });

  it('nswg db sync of a local OSV folder: the second time only what changed; bad records named and left out', async () => {
    const dir = tmp();
    for (const [name, data] of await osvBucket(sample)) writeFileSync(join(dir, name), data);
    const first = await nswg(['db', 'sync', dir, '--db', db]);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(
      /synced from .* \(osv-folder\): 44 records read, 0 added, 0 updated, 44 unchanged\n/,
    );
    const again = await nswg(['db', 'sync', dir, '--db', db]);
    expect(again.stdout).toMatch(/: 0 records read, 0 added/);
    const bad = JSON.parse(sample[1]!.text);
    bad.modified = '2099-01-01T00:00:00Z';
    bad.affected[0].package.name = '';
    writeFileSync(join(dir, `${bad.id}.json`), JSON.stringify(bad));
    writeFileSync(join(dir, 'modified_id.csv'), `${bad.modified},${bad.id}\n`);
    const third = await nswg(['db', 'sync', dir, '--db', db]);
    expect(third.code).toBe(1);
    expect(third.stderr).toMatch(new RegExp(`left out .*${bad.id}\\.json: affected\\[0\\]\\.package\\.name`));
    expect(third.stdout).toMatch(/: 1 records read, 0 added, 0 updated, 0 unchanged, 1 bad records left out/);
    expect((await nswg(['db', 'stats', '--db', db])).stdout).toContain(`synced     from ${dir} (`);
  });
});

describe('nswg db sync of a GitHub advisory database clone', () => {
  it('counts what is not npm, and says where it read', async () => {
    const home = tmp();
    const root = tmp();
    for (const r of sample.filter((x) => x.id.startsWith('GHSA-'))) {
      const [y, m] = (JSON.parse(r.text) as { published: string }).published.split('-');
      const d = join(root, 'advisories', 'github-reviewed', y!, m!, r.id);
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, `${r.id}.json`), r.text);
    }
    const r = await nswg(['db', 'sync', root], { home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\(ghsa\): 38 records read, 38 added, 0 updated, 0 unchanged\n/);
  });
});
