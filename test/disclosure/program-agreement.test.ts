// The fix proposal and the disclosure agreement through the program, stored on SQLite and PostgreSQL:
// what is kept, what the audit log says, and what anyone may read after (and before) publication.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/store/index.js';
import { testEngines } from '../helpers/db.js';
import { ANONYMOUS, utcDay } from './imports.js';
import { makeWorld, ORIGIN, submit, type World } from './store-setup.js';

const engines = await testEngines();
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const text = (s: string) => new TextEncoder().encode(s);
/** A day `n` days after the world's clock, YYYY-MM-DD. */
const inDays = (w: World, n: number) => utcDay(new Date(w.clock.now().getTime() + n * 86_400_000));

describe.each(engines)('the fix proposal and the disclosure agreement on %s', (engine) => {
  let w: World;
  beforeAll(async () => {
    w = await makeWorld(engine);
  });
  afterAll(async () => w?.close());

  /** A report accepted by triage1 with the maintainer invited and joined. */
  async function withMaintainer(over: Record<string, unknown> = {}) {
    const { reporter, triage1, maintainer } = w.users;
    const r = await submit(w, reporter, over);
    await w.program.workflow.transition(triage1, r.id, 'accept', {}, ORIGIN);
    const inv = await w.program.invitations.invite(triage1, r.id, w.emails.maintainer!, ORIGIN);
    await w.program.invitations.accept(maintainer, inv.token, ORIGIN);
    return r.id;
  }

  it('migrates to the new schema version, with the statements table', async () => {
    const applied = await w.store.db
      .selectFrom('nswg_migrations' as never)
      .select('name' as never)
      .execute();
    expect((applied as { name: string }[]).map((m) => m.name)).toContain('0003_disclosure_agreement');
    expect(
      (applied as { name: string }[])
        .map((m) => m.name)
        .sort()
        .at(-1),
    ).toBe(SCHEMA_VERSION);
    const names = (await w.store.db.introspection.getTables()).map((t) => t.name);
    expect(names).toContain('disclosure_statements');
  });

  it('keeps the fix proposal as a field of the report, its history in the audit log, and publishes its versions', async () => {
    const { reporter, triage1, triage2, maintainer, stranger } = w.users;
    const id = await withMaintainer({ packageName: 'fix-plan-widget', affectedVersions: '>=1.0.0 <1.4.3' });
    await w.program.workflow.transition(maintainer, id, 'start-fix', {}, ORIGIN);
    const yesterday = inDays(w, -1);
    await expect(
      w.program.workflow.proposeFix(
        maintainer,
        id,
        { patchedVersions: '>=1.4.2', releaseDate: yesterday },
        ORIGIN,
      ),
    ).rejects.toMatchObject({ code: 'E_REPORT_INVALID', field: 'releaseDate' });
    await expect(
      w.program.workflow.proposeFix(
        reporter,
        id,
        { patchedVersions: '>=1.4.2', releaseDate: inDays(w, 3) },
        ORIGIN,
      ),
    ).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
    await expect(
      w.program.workflow.proposeFix(
        stranger,
        id,
        { patchedVersions: '>=1.4.2', releaseDate: inDays(w, 3) },
        ORIGIN,
      ),
    ).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    expect((await w.program.reports.view(reporter, id, ORIGIN)).report.fixProposal).toBeNull();

    const first = await w.program.workflow.proposeFix(
      maintainer,
      id,
      { patchedVersions: '>=1.4.2', releaseDate: inDays(w, 5), note: 'needs a test first' },
      ORIGIN,
    );
    expect(first.fixProposal).toEqual({
      patchedVersions: '>=1.4.2',
      releaseDate: inDays(w, 5),
      note: 'needs a test first',
      proposedBy: maintainer.id,
      proposedAt: w.clock.now().toISOString(),
    });
    // stored: a fresh read has it, and the reporter sees it
    expect((await w.store.reports.transaction((tx) => tx.getReport(id)))!.fixProposal).toEqual(
      first.fixProposal,
    );
    expect((await w.program.reports.view(reporter, id, ORIGIN)).report.fixProposal).toEqual(
      first.fixProposal,
    );
    w.clock.advance(3_600_000);
    const second = await w.program.workflow.proposeFix(
      triage1,
      id,
      { patchedVersions: '>=1.4.3', releaseDate: inDays(w, 7) },
      ORIGIN,
    );
    expect(second.fixProposal).toMatchObject({
      patchedVersions: '>=1.4.3',
      proposedBy: triage1.id,
      note: null,
    });
    expect(second.patchedVersions).toBeNull();

    const log = (await w.store.auditLog.list({ reportId: id, limit: 5000 })).filter(
      (e) => e.action === 'report.fix-proposal',
    );
    expect(log.map((e) => [e.actorId, e.details])).toEqual([
      [
        maintainer.id,
        {
          patchedVersions: '>=1.4.2',
          releaseDate: inDays(w, 5),
          note: 'needs a test first',
          awaitsConfirmation: false,
          previous: null,
        },
      ],
      [
        triage1.id,
        {
          patchedVersions: '>=1.4.3',
          releaseDate: inDays(w, 7),
          note: null,
          awaitsConfirmation: false,
          previous: { patchedVersions: '>=1.4.2', releaseDate: inDays(w, 5) },
        },
      ],
    ]);
    const told = await w.store.outbox.all({ to: w.emails.reporter! });
    expect(told.some((m) => m.subject === `[nswg] ${id}: fix planned for ${inDays(w, 7)}`)).toBe(true);

    // marked fixed without versions: the proposal's; published with them
    const fixed = await w.program.workflow.transition(maintainer, id, 'mark-fixed', {}, ORIGIN);
    expect(fixed.patchedVersions).toBe('>=1.4.3');
    const published = await w.program.workflow.transition(triage2, id, 'publish', {}, ORIGIN);
    expect((await w.store.advisories.get(published.advisoryId!))!.affected[0]).toMatchObject({
      vulnerable: '>=1.0.0 <1.4.3',
      patched: '>=1.4.3',
    });
    await expect(
      w.program.workflow.proposeFix(
        triage1,
        id,
        { patchedVersions: '>=2.0.0', releaseDate: inDays(w, 9) },
        ORIGIN,
      ),
    ).rejects.toMatchObject({ code: 'E_TRANSITION' });
  });

  it('reads a report stored before the fix proposal was a field as having none', async () => {
    const r = await submit(w, w.users.reporter);
    const { fixProposal: _gone, ...old } = r;
    await sql`update reports set record = ${JSON.stringify({ ...old, maintainerIds: [] })} where id = ${r.id}`.execute(
      w.store.db,
    );
    const raw = await sql<{ record: string }>`select record from reports where id = ${r.id}`.execute(
      w.store.db,
    );
    expect(JSON.parse(raw.rows[0]!.record)).not.toHaveProperty('fixProposal');
    expect((await w.store.reports.transaction((tx) => tx.getReport(r.id)))!.fixProposal).toBeNull();
  });

  it('records each party’s statements, and discloses exactly what was agreed, only once published', async () => {
    const { reporter, triage1, triage2, maintainer, stranger } = w.users;
    const id = await withMaintainer({ packageName: 'agreement-widget' });
    const a1 = await w.program.collaboration.addAttachment(
      reporter,
      id,
      { filename: 'shot.png', bytes: PNG },
      ORIGIN,
    );
    const a2 = await w.program.collaboration.addAttachment(
      reporter,
      id,
      { filename: 'poc.txt', bytes: text('poc\n') },
      ORIGIN,
    );
    const a3 = await w.program.collaboration.addAttachment(
      maintainer,
      id,
      { filename: 'fix.txt', bytes: text('fix\n') },
      ORIGIN,
    );
    const other = await submit(w, reporter);
    const elsewhere = await w.program.collaboration.addAttachment(
      reporter,
      other.id,
      { filename: 'x.png', bytes: PNG },
      ORIGIN,
    );

    const all = (yes: boolean) => [a1, a2, a3].map((a) => ({ id: a.id, disclosable: yes }));
    await w.program.collaboration.comment(
      reporter,
      id,
      'The payload reaches Object.prototype in 1.4.1 as well.',
      ORIGIN,
    );
    await w.program.workflow.stateDisclosure(
      reporter,
      id,
      { proofOfConcept: true, comments: true, attachments: all(true) },
      ORIGIN,
    );
    // the team: triage1 says no to the proof of concept, then triage2 yes: the latest word counts
    await w.program.workflow.stateDisclosure(triage1, id, { proofOfConcept: false }, ORIGIN);
    await w.program.workflow.stateDisclosure(
      triage2,
      id,
      {
        proofOfConcept: true,
        comments: true,
        attachments: [
          { id: a1.id, disclosable: true },
          { id: a2.id, disclosable: true },
          { id: a3.id, disclosable: false },
        ],
      },
      ORIGIN,
    );
    const answer = await w.program.workflow.stateDisclosure(
      maintainer,
      id,
      { attachments: [{ id: a2.id, disclosable: false }] },
      ORIGIN,
    );
    expect(answer.party).toBe(`maintainer:${maintainer.id}`);
    expect(
      answer.agreement.map((a) => [
        a.attachmentId ?? a.subject,
        a.reporter,
        a.team,
        a.maintainers,
        a.disclosable,
      ]),
    ).toEqual([
      ['proof-of-concept', true, true, [{ userId: maintainer.id, disclosable: null }], true],
      ['comments', true, true, [{ userId: maintainer.id, disclosable: null }], true],
      [a1.id, true, true, [{ userId: maintainer.id, disclosable: null }], true],
      [a2.id, true, true, [{ userId: maintainer.id, disclosable: false }], false],
      [a3.id, true, false, [{ userId: maintainer.id, disclosable: null }], false],
    ]);
    const view = await w.program.reports.view(triage1, id, ORIGIN);
    expect(view.party).toBe('team');
    expect(view.agreement).toEqual(answer.agreement);
    expect(view.allowed).toContain('state-disclosure');

    await expect(
      w.program.workflow.stateDisclosure(stranger, id, { proofOfConcept: true }, ORIGIN),
    ).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(
      w.program.workflow.stateDisclosure(
        reporter,
        id,
        { attachments: [{ id: elsewhere.id, disclosable: true }] },
        ORIGIN,
      ),
    ).rejects.toMatchObject({ code: 'E_REPORT_INVALID', field: 'attachments[0].id' });

    // one row per (subject, party); every statement in the audit log
    const rows = await sql<{
      n: number | string;
    }>`select count(*) as n from disclosure_statements where report_id = ${id}`.execute(w.store.db);
    expect(Number(rows.rows[0]!.n)).toBe(5 + 5 + 1);
    const stated = (await w.store.auditLog.list({ reportId: id, limit: 5000 })).filter(
      (e) => e.action === 'disclosure.statement',
    );
    expect(stated).toHaveLength(5 + 1 + 5 + 1);
    expect(stated[5]).toMatchObject({
      actorId: triage1.id,
      ip: ORIGIN.ip,
      details: { subject: 'proof-of-concept', party: 'team', disclosable: false },
    });

    // before publication: private, whatever was agreed
    await expect(w.program.collaboration.readAttachment(ANONYMOUS, a1.id, ORIGIN)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    });
    await expect(w.program.collaboration.readAttachment(stranger, a1.id, ORIGIN)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    });

    await w.program.workflow.transition(maintainer, id, 'start-fix', {}, ORIGIN);
    await w.program.workflow.transition(maintainer, id, 'mark-fixed', { patchedVersions: '>=1.4.2' }, ORIGIN);
    await w.program.workflow.transition(triage2, id, 'publish', {}, ORIGIN);

    // after: anyone reads the agreed attachment, nobody outside reads the others
    expect(
      Buffer.from((await w.program.collaboration.readAttachment(ANONYMOUS, a1.id, ORIGIN)).bytes),
    ).toEqual(Buffer.from(PNG));
    expect((await w.program.collaboration.readAttachment(stranger, a1.id, ORIGIN)).meta.filename).toBe(
      'shot.png',
    );
    for (const a of [a2, a3]) {
      await expect(w.program.collaboration.readAttachment(ANONYMOUS, a.id, ORIGIN)).rejects.toMatchObject({
        code: 'E_NOT_FOUND',
      });
      await expect(w.program.collaboration.readAttachment(stranger, a.id, ORIGIN)).rejects.toMatchObject({
        code: 'E_NOT_FOUND',
      });
    }
    // the comments were agreed: everyone reads the thread in the disclosed form
    const disclosed = await w.program.reports.read(ANONYMOUS, id, ORIGIN);
    expect(disclosed.form).toBe('disclosed');
    if (disclosed.form === 'disclosed')
      expect(disclosed.disclosure.comments.map((c) => [c.author, c.body])).toEqual([
        ['reporter', 'The payload reaches Object.prototype in 1.4.1 as well.'],
      ]);
    // participants still read everything (and those reads are recorded)
    expect((await w.program.collaboration.readAttachment(maintainer, a2.id, ORIGIN)).meta.filename).toBe(
      'poc.txt',
    );
    // the agreement is frozen at publication
    await expect(
      w.program.workflow.stateDisclosure(reporter, id, { proofOfConcept: false }, ORIGIN),
    ).rejects.toMatchObject({ code: 'E_TRANSITION' });
    const reads = (await w.store.auditLog.list({ reportId: id, limit: 5000 })).filter(
      (e) => e.action === 'attachment.read',
    );
    expect(reads.map((e) => e.actorId)).toEqual([maintainer.id]);
  });

  it('keeps the audit chain intact', async () => {
    expect(await w.store.auditLog.verify()).toMatchObject({ ok: true });
  });
});
