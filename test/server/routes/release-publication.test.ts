// A security release's public outputs through the server: before its day nothing of it is in the
// CSAF provider's directory or the OpenVEX document; once published, the release's own CSAF document
// and its advisories' are listed and valid against the CSAF 2.0 schema, OpenVEX states `fixed` for the
// versions the release ships (valid against OpenVEX 0.2.0), and the public announcement names them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, userActor } from '../../../src/disclosure/index.js';
import { disclosureOf } from '../../../src/server/disclosure/index.js';
import { validInput } from '../../disclosure/fixtures.js';
import { nswg } from '../../helpers/cli.js';
import { csafMandatoryProblems, csafSchemaErrors } from '../../helpers/csaf.js';
import { testEngines } from '../../helpers/db.js';
import { vexSchemaErrors } from '../../helpers/openvex.js';
import { makeUser, type TestServer, testServer } from '../disclosure/helpers.js';

const engines = await testEngines();
const ORIGIN = { ip: '198.51.100.9', userAgent: 'release-publication' };
const VECTOR = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:L';

describe.each(engines)('a security release published through the server, on %s', (engine) => {
  let s: TestServer;
  let core: Actor;
  let releaseId: string;
  const dbArg = () => (s.tdb.target.kind === 'sqlite' ? s.tdb.target.file : s.tdb.target.url);
  /** The CVE ids `nswg check-node` reports for a version, reading the server's database. */
  const checkNode = async (version: string) => {
    const r = await nswg(['check-node', version, '--platform', 'linux', '--db', dbArg(), '--format', 'json']);
    return (JSON.parse(r.stdout).findings as { aliases: string[] }[]).flatMap((f) => f.aliases);
  };
  const get = async (url: string) => {
    const res = await s.app.inject({ method: 'GET', url });
    return { status: res.statusCode, body: res.body, json: () => res.json() };
  };

  beforeAll(async () => {
    s = await testServer(engine, { outbox: true });
    const program = disclosureOf(s.app).program;
    const c = await makeUser(s, 'core', { roles: ['core-security'], totp: true });
    const reporter = await makeUser(s, 'reporter');
    core = userActor(c.user.id, ['core-security']);
    const { report } = await program.reports.submit(
      userActor(reporter.user.id),
      validInput({
        kind: 'core',
        packageName: null,
        component: 'http',
        title: 'Header injection in http.request',
        affectedVersions: '>=22.0.0',
        cvssVector: VECTOR,
        cwe: 'CWE-113',
      }),
      ORIGIN,
    );
    await program.workflow.transition(core, report.id, 'accept', {}, ORIGIN);
    await program.cve.assignNext(core, report.id, ORIGIN);
    const r = await program.releases.plan(
      core,
      {
        targetDate: '2026-01-20',
        stewardId: c.user.id,
        releaserIds: [],
        lines: [
          { line: 'v22', version: '22.22.3' },
          { line: 'v24', version: '24.13.2' },
        ],
      },
      ORIGIN,
    );
    releaseId = r.id;
    await program.releases.addFix(
      core,
      r.id,
      report.id,
      { summary: 'A header value splits the request.' },
      ORIGIN,
    );
    for (const step of [
      'plan-lines',
      'plan-reports',
      'plan-patches',
      'plan-releasers',
      'announce-downstream',
    ])
      await program.releases.tick(core, r.id, step, true, ORIGIN);
    await program.releases.preAnnounce(core, r.id, {}, ORIGIN);
    await program.releases.tick(core, r.id, 'release-builds', true, ORIGIN);
  });
  afterAll(async () => s?.close());

  it('keeps everything of the release out of CSAF, OpenVEX and the public pages before its day', async () => {
    expect((await get('/.well-known/csaf/white/index.txt')).body).not.toMatch(/nswg-sr-/);
    // the report holds the block's first id, pending: no statement names it yet
    expect((await get('/vex/node.openvex.json')).body).not.toContain('CVE-2026-9000');
    expect((await get(`/api/releases/${releaseId}/announcement`)).status).toBe(404);
    expect((await get(`/disclosure/releases/${releaseId}`)).status).toBe(404);
    expect(await checkNode('24.13.1')).not.toContain('CVE-2026-9000');
  });

  it('publishes the release CSAF document, the advisory documents and OpenVEX together on its day', async () => {
    s.clock.set('2026-01-20T14:00:00.000Z');
    const released = await disclosureOf(s.app).program.releases.release(core, releaseId, ORIGIN);
    const [advisoryId] = released.advisoryIds;
    const index = (await get('/.well-known/csaf/white/index.txt')).body.trim().split('\n');
    expect(index).toContain('2026/nswg-sr-2026-01-20.json');
    const doc = (await get('/.well-known/csaf/white/2026/nswg-sr-2026-01-20.json')).json();
    expect(csafSchemaErrors(doc)).toEqual([]);
    expect(csafMandatoryProblems(doc)).toEqual([]);
    expect(doc.document.tracking.id).toBe('NSWG-SR-2026-01-20');
    expect(doc.document.title).toBe('Tuesday, January 20, 2026 security releases');
    expect(doc.vulnerabilities).toHaveLength(1);
    const cve = doc.vulnerabilities[0].cve as string;
    expect(cve).toBe('CVE-2026-9000');
    const changes = (await get('/.well-known/csaf/white/changes.csv')).body;
    expect(changes).toContain('"2026/nswg-sr-2026-01-20.json"');
    // the advisory's own document too
    expect(index.some((p) => p.includes(advisoryId!.toLowerCase()))).toBe(true);

    const vex = await get('/vex/node.openvex.json');
    expect(vex.status).toBe(200);
    const statements = vex.json().statements as {
      vulnerability: { name: string };
      status: string;
      products: { '@id': string }[];
    }[];
    expect(vexSchemaErrors(vex.json())).toEqual([]);
    const fixed = statements.find((x) => x.vulnerability.name === cve)!;
    expect(fixed.status).toBe('fixed');
    expect(fixed.products.map((p) => p['@id']).sort()).toEqual([
      'pkg:nodejs/node@v22.22.3',
      'pkg:nodejs/node@v24.13.2',
    ]);

    // the command line knows it at once: the last version before the fix is vulnerable, the fix is not
    expect(await checkNode('24.13.1')).toContain('CVE-2026-9000');
    expect(await checkNode('24.13.2')).not.toContain('CVE-2026-9000');
    expect(await checkNode('22.22.2')).toContain('CVE-2026-9000');

    const pub = (await get(`/api/releases/${releaseId}/announcement`)).json();
    expect(pub.csafPath).toBe('/.well-known/csaf/white/2026/nswg-sr-2026-01-20.json');
    expect(pub.announcement).toContain(cve);
    const page = await get(`/disclosure/releases/${releaseId}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(`href="${pub.csafPath}"`);
    expect(page.body).toContain('Header injection in http.request');
  });
});
