// GET /cve/{CVE-ID}.json on both engines: the PUBLISHED record of an announced id of the program's
// blocks, the REJECTED record of a rejected one, the same 404 for every other id (a pending id told
// apart from none by nothing), no private text of a report in any record, and no records without the
// CNA configured.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CVE_REJECTED_REASON, cveWithdrawnReason } from '../../../src/disclosure/index.js';
import { type App, buildApp, serverConfig } from '../../../src/server/index.js';
import { makeWorld, ORIGIN, submit, type World } from '../../disclosure/store-setup.js';
import { cveSchemaErrors as schemaErrors } from '../../helpers/cve.js';
import { testEngines } from '../../helpers/db.js';
import { PUBLIC_URL } from '../../helpers/server.js';

const CNA = { orgId: '3c1d8aa1-5a33-4b6c-a5a3-6a1c0c5ff1e4', shortName: 'nswg' };

/** Marker strings in a report's private parts: none may reach a record. */
const MARKERS = {
  reproduction: 'PRIVATE-POC-7f3a91',
  environment: 'PRIVATE-ENV-5b2c44',
  comment: 'PRIVATE-COMMENT-c1d2e3',
  note: 'PRIVATE-NOTE-9a8b7c',
  rejectReason: 'PRIVATE-REJECT-4e5f6a',
};

describe.each(await testEngines())('CVE records on %s', (engine) => {
  let w: World;
  let app: App;
  let bare: App;
  const ids = {} as Record<'announced' | 'rejected' | 'pending' | 'otherCna', string>;
  let advisoryId = '';

  const appOver = (cna: typeof CNA | null) =>
    buildApp({
      store: w.store,
      config: serverConfig({ logLevel: 'silent', rateLimit: null, publicUrl: PUBLIC_URL, cna }),
      clock: w.clock,
      disclosure: { schedulerIntervalMs: null },
    });

  beforeAll(async () => {
    w = await makeWorld(engine, undefined, { cveIds: 0 });
    const { admin, core, triage1, triage2, reporter } = w.users;
    await w.program.cve.addBlock(admin, 2026, '1000..1004', ORIGIN);
    const fixing = async (title: string, over: Record<string, unknown> = {}) => {
      const r = await submit(w, reporter, {
        kind: 'core',
        packageName: null,
        component: 'http',
        title,
        ...over,
      });
      await w.program.workflow.transition(core, r.id, 'accept', {}, ORIGIN);
      await w.program.workflow.transition(core, r.id, 'start-fix', {}, ORIGIN);
      return r;
    };
    // published, with private text in every private part
    const a = await fixing('Request smuggling in the HTTP parser', {
      reproduction: `curl -X POST http://localhost … ${MARKERS.reproduction}`,
      environment: { os: MARKERS.environment, node: '24.1.0', npm: '11.0.0' },
    });
    await w.program.cve.assignNext(core, a.id, ORIGIN);
    await w.program.collaboration.comment(reporter, a.id, `see ${MARKERS.comment}`, ORIGIN);
    await w.program.collaboration.addNote(core, a.id, `note ${MARKERS.note}`, ORIGIN);
    await w.program.workflow.transition(core, a.id, 'mark-fixed', { patchedVersions: '>=24.1.1' }, ORIGIN);
    const pa = await w.program.workflow.transition(core, a.id, 'publish', {}, ORIGIN);
    ids.announced = pa.cveId!;
    advisoryId = pa.advisoryId!;
    // rejected with a private reason
    const b = await submit(w, reporter);
    ids.rejected = (await w.program.cve.assignNext(triage1, b.id, ORIGIN)).cveId!;
    await w.program.workflow.transition(
      triage2,
      b.id,
      'reject',
      { reason: MARKERS.rejectReason, closedAs: 'informative' },
      ORIGIN,
    );
    // pending: assigned to a report still private
    const c = await submit(w, reporter);
    ids.pending = (await w.program.cve.assignNext(triage1, c.id, ORIGIN)).cveId!;
    // another CNA's id, announced with its advisory
    const d = await fixing('Header injection, CVE of another CNA');
    await w.program.workflow.assess(core, d.id, { cveId: 'CVE-2026-55555' }, ORIGIN);
    await w.program.workflow.transition(core, d.id, 'mark-fixed', { patchedVersions: '>=24.1.1' }, ORIGIN);
    ids.otherCna = (await w.program.workflow.transition(core, d.id, 'publish', {}, ORIGIN)).cveId!;
    app = await appOver(CNA);
    bare = await appOver(null);
  });
  afterAll(async () => {
    await app?.close();
    await bare?.close();
    await w?.close();
  });

  const get = (id: string, on: App = app) => on.inject({ url: `/cve/${id}.json` });

  it('serves the PUBLISHED record of an announced id: the advisory, the CNA, the page, the public timeline', async () => {
    expect(ids.announced).toMatch(/^CVE-2026-100\d$/);
    const res = await get(ids.announced);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const record = res.json();
    expect(schemaErrors(record)).toEqual([]);
    expect(record.cveMetadata).toMatchObject({
      cveId: ids.announced,
      state: 'PUBLISHED',
      assignerOrgId: CNA.orgId,
      assignerShortName: CNA.shortName,
    });
    const cna = record.containers.cna;
    expect(cna.source).toMatchObject({ advisory: advisoryId });
    expect(cna.references[0].url).toBe(`${PUBLIC_URL}/advisories/${advisoryId}`);
    expect(cna.timeline.map((t: { value: string }) => t.value)).toEqual([
      'Reported to the disclosure program',
      'Triaged and confirmed by the triage team',
      'Advisory published',
    ]);
    expect(cna.credits).toEqual([{ lang: 'en', value: 'finder', type: 'finder' }]);
  });

  it('puts no private text of the report in any record', async () => {
    for (const id of [ids.announced, ids.rejected]) {
      const body = (await get(id)).body;
      for (const marker of Object.values(MARKERS)) expect(body, `${id} ${marker}`).not.toContain(marker);
      expect(body).not.toContain(w.emails.reporter!);
      expect(body).not.toContain(w.emails.core!);
    }
  });

  it('serves the REJECTED record of a rejected id, with the fixed reason', async () => {
    const res = await get(ids.rejected);
    expect(res.statusCode).toBe(200);
    const record = res.json();
    expect(schemaErrors(record)).toEqual([]);
    expect(record.cveMetadata).toMatchObject({ cveId: ids.rejected, state: 'REJECTED' });
    expect(record.containers.cna.rejectedReasons).toEqual([{ lang: 'en', value: CVE_REJECTED_REASON }]);
  });

  it('answers every other id with the same 404: a pending id is told from a never-issued one by nothing', async () => {
    const never = await get('CVE-2026-9999');
    expect(never.statusCode).toBe(404);
    const pending = await get(ids.pending);
    expect(pending.statusCode).toBe(404);
    expect(pending.body).toBe(never.body);
    expect(pending.headers).toEqual({ ...never.headers, date: pending.headers.date });
    for (const id of [
      'CVE-2026-1004',
      ids.otherCna,
      'cve-2026-1000',
      'CVE-26-1',
      'nonsense',
      `CVE-2026-${'1'.repeat(400)}`,
    ]) {
      const res = await get(id);
      expect(res.statusCode, id).toBe(404);
      expect(res.body, id).toBe(never.body);
    }
    // the id without .json: 404 all the same; a path past the router's limit (500 characters) is
    // refused by the router before any lookup
    expect((await app.inject({ url: `/cve/${ids.announced}` })).body).toBe(never.body);
    const huge = await app.inject({ url: `/cve/CVE-2026-${'9'.repeat(100_000)}.json` });
    expect(huge.statusCode).toBe(414);
    expect(huge.json()).toMatchObject({ statusCode: 414 });
  });

  it('serves no record without the CNA configured, and says why', async () => {
    const res = await get(ids.announced, bare);
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toMatch(/--cna-org-id/);
  });

  it('is linked from the advisory page when served, and only then', async () => {
    const link = `href="/cve/${ids.announced}.json"`;
    const page = await app.inject({ url: `/advisories/${advisoryId}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(link);
    expect((await get(ids.announced)).statusCode).toBe(200);
    // no CNA configured: no record, no link
    expect((await bare.inject({ url: `/advisories/${advisoryId}` })).body).not.toContain('/cve/');
    // another CNA's id is not the program's record to serve
    const other = (await w.store.advisories.byAlias(ids.otherCna))[0]!;
    expect((await app.inject({ url: `/advisories/${other.id}` })).body).not.toContain('/cve/');
  });

  it('rejects, rather than hides, the record of an announced id whose advisory is withdrawn', async () => {
    const { reporter, core } = w.users;
    const r = await submit(w, reporter, {
      kind: 'core',
      packageName: null,
      component: 'dns',
      title: 'Withdrawn later',
    });
    await w.program.workflow.transition(core, r.id, 'accept', {}, ORIGIN);
    await w.program.workflow.transition(core, r.id, 'start-fix', {}, ORIGIN);
    await w.program.workflow.transition(core, r.id, 'mark-fixed', { patchedVersions: '>=24.1.1' }, ORIGIN);
    const p = await w.program.workflow.transition(core, r.id, 'publish', {}, ORIGIN);
    expect((await get(p.cveId!)).json().cveMetadata.state).toBe('PUBLISHED');
    const advisory = (await w.store.advisories.get(p.advisoryId!))!;
    const withdrawn = '2026-02-01T00:00:00Z';
    await w.store.advisories.import([{ ...advisory, withdrawn, modified: withdrawn }]);
    const res = await get(p.cveId!);
    expect(res.statusCode).toBe(200);
    const record = res.json();
    expect(schemaErrors(record)).toEqual([]);
    expect(record.cveMetadata).toMatchObject({ cveId: p.cveId, state: 'REJECTED' });
    expect(record.containers.cna.rejectedReasons).toEqual([
      { lang: 'en', value: cveWithdrawnReason(p.advisoryId!) },
    ]);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await app.inject({ url: '/openapi.json' })).json();
    expect(doc.paths['/cve/{file}'].get.responses['200'].content['application/json'].schema).toMatchObject({
      type: 'object',
    });
  });
});
