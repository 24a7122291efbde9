// The authorization matrix: for every route of the server's own route table, every role, and every
// report kind and state, who may see and do what (the status), and that no answer carries a word
// of a report the asker may not read. A route with no rule here fails the test, so that no future
// route escapes it. The colleagues' public routes are declared public and checked for leaks.
import { randomBytes, randomUUID } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, type DisclosureProgram, userActor } from '../../../src/disclosure/index.js';
import { disclosureOf } from '../../../src/server/disclosure/index.js';
import { buildApp, serverConfig } from '../../../src/server/index.js';
import { openStore } from '../../../src/store/index.js';
import { testEngines } from '../../helpers/db.js';
import {
  apiLogin,
  makeUser,
  multipart,
  PageSession,
  type Person,
  PNG,
  submission,
  type TestServer,
  testServer,
} from './helpers.js';
import {
  attachmentDisclosed,
  commentsDisclosed,
  type Expect,
  hasProposal,
  isToken,
  PUBLIC,
  proofOfConceptDisclosed,
  RELEASE_STATES,
  REQUEST_SUBJECTS,
  type ReleaseState,
  type RequestSubject,
  ROLES,
  type Role,
  type RouteRule,
  RULES,
  type Rule,
  SUBJECTS,
  type Subject,
  sees,
  seesRelease,
  seesRequest,
  TOKENS,
  type TokenRole,
  TRANSITION_NAMES,
  type TransitionName,
  team,
  tokenExpect,
  transitionExpect,
} from './permission-matrix-rules.js';
import { type RouteEntry, routeTable } from './route-table.js';

const engines = await testEngines();

/** The route table of a server as built by buildApp (an in-memory database is enough to list it). */
const TABLE: RouteEntry[] = await (async () => {
  const store = await openStore({ kind: 'sqlite', file: ':memory:' }, { mode: 'create' });
  const app = await buildApp({
    store,
    config: serverConfig({ logLevel: 'silent' }),
    clock: { now: () => new Date() },
    disclosure: { schedulerIntervalMs: null },
  });
  await app.ready();
  const table = routeTable(app);
  await app.close();
  await store.close();
  return table;
})();

const key = (r: RouteEntry) => `${r.method} ${r.path}`;

/** A private or public piece of text planted in a report, to look for in every answer. */
interface Marker {
  text: string;
  /** Readable by everyone once the report is published (title, description; the rest as agreed). */
  publicOnceDisclosed: boolean;
  /** Team only (internal notes). */
  teamOnly: boolean;
  /** Where it shows once disclosed: on the report, or in the attachment's download. */
  shownIn?: 'download';
}

/** A report in a known state, with its attachment, its proposal, and the markers planted in it. */
interface Fixture {
  subject: Subject;
  id: string;
  attachmentId: string;
  proposalId: string | null;
  /** The maintainer's invitation, accepted (npm reports from maintainer-invited on). */
  invitationId: string | null;
  /** A credit the team proposed to the stranger's address. */
  creditId: string;
  markers: Marker[];
}

/** A CVE request in a known state, and the markers planted in it (its pending id among them). */
interface RequestFixture {
  subject: RequestSubject;
  id: string;
  markers: Marker[];
}

/** A security release in a known state, the core report it fixes, and the markers planted in it. */
interface ReleaseFixture {
  state: ReleaseState;
  id: string;
  reportId: string;
  /** Its report's publication deadline: a date the release may move to. */
  due: string;
  markers: Marker[];
}

const mark = () => `mk${randomBytes(5).toString('hex')}x`;

describe.each(engines)('the authorization matrix (%s)', (engine) => {
  let s: TestServer;
  let program: DisclosureProgram;
  type PersonRole = Exclude<Role, 'anonymous' | TokenRole>;
  const people = {} as Record<PersonRole, Person>;
  const bearer = {} as Record<Role, string | null>;
  const pages = {} as Record<Role, { cookie: string; csrf: string }>;
  const fixtures: Fixture[] = [];
  const shared = new Map<string, Fixture>();
  const bases = {} as Record<'npm' | 'core', Fixture>;
  const requestFixtures: RequestFixture[] = [];
  const sharedRequests = new Map<string, RequestFixture>();
  const releaseFixtures: ReleaseFixture[] = [];
  const sharedReleases = new Map<ReleaseState, ReleaseFixture>();
  let dummyUserId: string;
  let requests = 0;

  const actorOf = (p: Person) => userActor(p.user.id);
  const reporterActor = () => actorOf(people.reporter);
  const teamActor = (kind: 'npm' | 'core') =>
    kind === 'npm'
      ? userActor(people.triage.user.id, ['triage'])
      : userActor(people.core.user.id, ['core-security']);
  const origin = { ip: '203.0.113.1', userAgent: 'matrix-setup' };

  /** Builds a report of `kind` in `state` through the domain, with a comment, a note, an attachment and (between triage and publication) a vote. */
  async function build(
    subject: Subject,
    opts: { proposal: boolean /** left fixed, for a security release to publish */; held?: boolean },
  ): Promise<Fixture> {
    const { kind, state } = subject;
    const m = {
      title: mark(),
      desc: mark(),
      poc: mark(),
      env: mark(),
      comment: mark(),
      note: mark(),
      file: mark(),
      content: mark(),
    };
    const { report: r } = await program.reports.submit(
      reporterActor(),
      submission({
        kind,
        ...(kind === 'npm'
          ? { packageName: 'matrix-widget' }
          : { packageName: undefined, component: 'http' }),
        affectedVersions: kind === 'npm' ? '<2.0.0' : '>=20.0.0 <20.5.0',
        title: `Title ${m.title}`,
        description: `Description ${m.desc}: a long enough description of the flaw.`,
        reproduction: `Proof of concept ${m.poc}`,
        environment: { os: `OS ${m.env}`, node: null, npm: null },
      }),
      origin,
    );
    const id = r.id;
    const T = teamActor(kind);
    await program.collaboration.comment(reporterActor(), id, `Comment ${m.comment}`, origin);
    await program.collaboration.addNote(T, id, `Note ${m.note}`, origin);
    const att = await program.collaboration.addAttachment(
      reporterActor(),
      id,
      { filename: `${m.file}.txt`, bytes: Buffer.from(`file ${m.content}\n`) },
      origin,
    );
    // the agreement (see attachmentDisclosed, proofOfConceptDisclosed, commentsDisclosed): the reporter
    // agrees to all three; the team to the proof of concept, and to the attachment and (saying nothing
    // on core reports) the comments on npm reports only
    await program.workflow.stateDisclosure(
      reporterActor(),
      id,
      { proofOfConcept: true, comments: true, attachments: [{ id: att.id, disclosable: true }] },
      origin,
    );
    await program.workflow.stateDisclosure(
      T,
      id,
      {
        proofOfConcept: true,
        ...(kind === 'npm' ? { comments: true } : {}),
        attachments: [{ id: att.id, disclosable: kind === 'npm' }],
      },
      origin,
    );
    const { id: creditId } = await program.credits.propose(
      T,
      id,
      { role: 'analyst', name: 'Matrix Analyst', email: people.stranger.email },
      origin,
    );
    let proposalId: string | null = null;
    let invitationId: string | null = null;
    const go = (
      t: Parameters<DisclosureProgram['workflow']['transition']>[2],
      actor: Actor = T,
      params = {},
    ) => program.workflow.transition(actor, id, t, params, origin);
    switch (state) {
      case 'new':
        break;
      case 'needs-more-info':
        await go('request-info');
        break;
      case 'withdrawn':
        await go('withdraw', reporterActor());
        break;
      case 'rejected':
        await go('reject', T, { reason: 'not a vulnerability', closedAs: 'not-applicable' });
        break;
      case 'duplicate':
        await go('mark-duplicate', T, { duplicateOf: bases[kind].id });
        break;
      default: {
        await go('accept');
        if (opts.proposal)
          proposalId = (await program.votes.propose(T, id, { days: 5, reason: 'matrix' }, origin)).id;
        if (state === 'accepted') break;
        if (kind === 'npm') {
          const inv = await program.invitations.invite(T, id, people.maintainer.email, origin);
          await program.invitations.accept(actorOf(people.maintainer), inv.token, origin);
          invitationId = inv.invitationId;
          // the maintainer objects to the proof of concept (and says nothing of the attachment)
          await program.workflow.stateDisclosure(
            actorOf(people.maintainer),
            id,
            { proofOfConcept: false },
            origin,
          );
          if (state === 'maintainer-invited') break;
        }
        await go('start-fix');
        if (state === 'fix-in-progress') break;
        await go('mark-fixed', T, { patchedVersions: '>=9.0.0' });
        if (state === 'fixed' || opts.held) break;
        await go('publish');
      }
    }
    const f: Fixture = {
      subject,
      id,
      attachmentId: att.id,
      proposalId,
      invitationId,
      creditId,
      markers: [
        { text: m.title, publicOnceDisclosed: true, teamOnly: false },
        { text: m.desc, publicOnceDisclosed: true, teamOnly: false },
        { text: m.comment, publicOnceDisclosed: commentsDisclosed(subject), teamOnly: false },
        { text: m.poc, publicOnceDisclosed: proofOfConceptDisclosed(subject), teamOnly: false },
        { text: m.env, publicOnceDisclosed: false, teamOnly: false },
        { text: m.file, publicOnceDisclosed: attachmentDisclosed(subject), teamOnly: false },
        {
          text: m.content,
          publicOnceDisclosed: attachmentDisclosed(subject),
          teamOnly: false,
          shownIn: 'download',
        },
        { text: m.note, publicOnceDisclosed: false, teamOnly: true },
      ],
    };
    fixtures.push(f);
    return f;
  }

  /** Builds a CVE request of the reporter's in a state, through the domain. */
  async function buildRequest(subject: RequestSubject): Promise<RequestFixture> {
    const { kind, state } = subject;
    const m = { title: mark(), desc: mark(), reason: mark() };
    const { cveRequests } = program;
    const T = teamActor(kind);
    let q = await cveRequests.submit(
      reporterActor(),
      {
        kind,
        ...(kind === 'npm' ? { packageName: 'matrix-requested-widget' } : { component: 'http' }),
        affectedVersions: '<2.0.0',
        fixedVersions: '>=2.0.0',
        title: `Title ${m.title}`,
        description: `Description ${m.desc}: fixed outside the program.`,
      },
      origin,
    );
    if (state === 'refused') q = await cveRequests.refuse(T, q.id, `Refused ${m.reason}`, origin);
    if (state === 'withdrawn') q = await cveRequests.withdraw(reporterActor(), q.id, origin);
    if (['acknowledged', 'assigned', 'announced'].includes(state))
      q = await cveRequests.acknowledge(T, q.id, origin);
    if (['assigned', 'announced'].includes(state)) q = await cveRequests.assign(T, q.id, origin);
    if (state === 'announced') q = await cveRequests.announce(T, q.id, origin);
    const announced = state === 'announced';
    const f: RequestFixture = {
      subject,
      id: q.id,
      markers: [
        { text: m.title, publicOnceDisclosed: announced, teamOnly: false },
        { text: m.desc, publicOnceDisclosed: announced, teamOnly: false },
        { text: m.reason, publicOnceDisclosed: false, teamOnly: false },
        ...(q.cveId && !announced ? [{ text: q.cveId, publicOnceDisclosed: false, teamOnly: false }] : []),
      ],
    };
    requestFixtures.push(f);
    return f;
  }

  /**
   * Builds a security release through the domain, fixing a core report of the reporter's: one in
   * planning (dated months ahead), or one published today, which publishes its report (built as the
   * published core report it becomes). The summary is public once published; the reasons for moving the
   * date (before the pre-announcement) and for pre-announcing early stay the team's.
   */
  async function buildRelease(state: ReleaseState): Promise<ReleaseFixture> {
    const released = state === 'released';
    const T = teamActor('core');
    const m = { summary: mark(), author: mark(), moved: mark(), override: mark() };
    const report = await build(
      { kind: 'core', state: released ? 'published' : 'accepted' },
      { proposal: false, held: released },
    );
    const today = s.clock.now().toISOString().slice(0, 10);
    // a release never waits past its report's deadline: its dates are the days before it
    const due = (await s.store.reports.transaction((tx) => tx.getReport(report.id)))!.publicationDue!.slice(
      0,
      10,
    );
    const dayBefore = new Date(Date.parse(`${due}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const { releases } = program;
    const r = await releases.plan(
      T,
      {
        targetDate: released ? due : dayBefore,
        stewardId: people.core.user.id,
        releaserIds: [],
        lines: [{ line: 'v24', version: '24.99.1' }],
      },
      origin,
    );
    await releases.addFix(
      T,
      r.id,
      report.id,
      { summary: `Summary ${m.summary}`, lines: ['v24'], patchAuthors: [`Author ${m.author}`] },
      origin,
    );
    await releases.postpone(
      T,
      r.id,
      { targetDate: released ? today : due, reason: `Moved ${m.moved}` },
      origin,
    );
    if (released) {
      await program.cve.assignNext(T, report.id, origin);
      await program.workflow.assess(
        T,
        report.id,
        { cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', cwe: 'CWE-444' },
        origin,
      );
      for (const step of ['plan-lines', 'plan-reports', 'plan-patches', 'plan-releasers'])
        await releases.tick(T, r.id, step, true, origin);
      await releases.preAnnounce(T, r.id, { override: `Early ${m.override}` }, origin);
      for (const step of ['announce-downstream', 'release-builds'])
        await releases.tick(T, r.id, step, true, origin);
      await releases.release(T, r.id, origin);
    }
    const f: ReleaseFixture = {
      state,
      id: r.id,
      reportId: report.id,
      due: dayBefore,
      markers: [
        { text: m.summary, publicOnceDisclosed: true, teamOnly: false },
        { text: m.author, publicOnceDisclosed: true, teamOnly: false },
        { text: m.moved, publicOnceDisclosed: false, teamOnly: true },
        { text: m.override, publicOnceDisclosed: false, teamOnly: true },
      ],
    };
    releaseFixtures.push(f);
    return f;
  }

  /** The markers `role` may not read, across every report and CVE request built so far (a token: its maker's). */
  function forbidden(role: Role): string[] {
    const out: string[] = [];
    for (const f of releaseFixtures)
      for (const m of f.markers)
        if (!seesRelease(role) && !(f.state === 'released' && m.publicOnceDisclosed)) out.push(m.text);
    for (const f of requestFixtures)
      for (const m of f.markers)
        if (!seesRequest(role, f.subject) && !m.publicOnceDisclosed) out.push(m.text);
    for (const f of fixtures) {
      const full = sees(role, f.subject);
      const published = f.subject.state === 'published';
      for (const m of f.markers) {
        const ok = (full && (!m.teamOnly || team(role, f.subject))) || (published && m.publicOnceDisclosed);
        if (!ok) out.push(m.text);
      }
    }
    return out;
  }

  beforeAll(async () => {
    // the fixtures and the upload routes attach hundreds of files from a few users: the upload
    // quotas have a test of their own (upload-quotas.test.ts)
    s = await testServer(engine, { outbox: true, cveIds: 1000, disclosure: { uploadQuotas: null } });
    program = disclosureOf(s.app).program;
    people.stranger = await makeUser(s, 'stranger');
    // whoever signed up and never confirmed the address: may do nothing
    people.unconfirmed = await makeUser(s, 'unconfirmed', { verified: false });
    people.reporter = await makeUser(s, 'reporter');
    people.maintainer = await makeUser(s, 'maintainer');
    people.triage = await makeUser(s, 'triage', { roles: ['triage'], totp: true });
    people['triage-nototp'] = await makeUser(s, 'triage-nototp', { roles: ['triage'] });
    people.core = await makeUser(s, 'core', { roles: ['core-security'], totp: true });
    people.admin = await makeUser(s, 'admin', { roles: ['admin'], totp: true });
    dummyUserId = (await makeUser(s, 'dummy')).user.id;
    // the report duplicates point to: one each maintainers of npm reports may see too
    bases.npm = await build({ kind: 'npm', state: 'maintainer-invited' }, { proposal: false });
    bases.core = await build({ kind: 'core', state: 'new' }, { proposal: false });
    for (const subject of SUBJECTS)
      shared.set(
        `${subject.kind}/${subject.state}`,
        await build(subject, { proposal: hasProposal(subject) }),
      );
    for (const subject of REQUEST_SUBJECTS)
      sharedRequests.set(`${subject.kind}/${subject.state}`, await buildRequest(subject));
    for (const state of RELEASE_STATES) sharedReleases.set(state, await buildRelease(state));
    for (const role of ROLES) {
      if (role === 'anonymous') {
        bearer[role] = null;
        const p = new PageSession(s);
        pages[role] = { csrf: await p.csrf('/disclosure/login'), cookie: p.cookieHeader };
        continue;
      }
      if (isToken(role)) continue;
      bearer[role] = await apiLogin(s, people[role as PersonRole]);
      const p = new PageSession(s);
      await p.login(people[role as PersonRole]);
      pages[role] = { csrf: await p.csrf('/disclosure/account'), cookie: p.cookieHeader };
    }
    // the API tokens, made from their makers' sessions (with two factors for the team's)
    for (const [role, t] of Object.entries(TOKENS) as [TokenRole, (typeof TOKENS)[TokenRole]][]) {
      const made = await s.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: { authorization: `Bearer ${bearer[t.maker]}` },
        payload: { name: role, scopes: [...t.scopes] },
      });
      if (made.statusCode !== 201) throw new Error(`no token for ${role}: ${made.body}`);
      bearer[role] = made.json().token as string;
      // tokens do nothing on the pages: their holder is anonymous there
      pages[role] = pages.anonymous;
    }
  });
  afterAll(async () => {
    await s?.close();
  });

  it('has a rule for every route of the server, and every rule names a route', () => {
    const table = routeTable(s.app);
    expect(table.map(key).sort()).toEqual(TABLE.map(key).sort());
    const unruled = table.filter(
      (r) =>
        !(r.method === 'HEAD' && RULES[`GET ${r.path}`]) &&
        !RULES[key(r)] &&
        !PUBLIC.some((p) => p.test(key(r))),
    );
    expect(unruled.map(key), 'routes with no rule in permission-matrix-rules.ts').toEqual([]);
    const stale = Object.keys(RULES).filter((k) => !table.some((r) => key(r) === k));
    expect(stale, 'rules for routes that do not exist').toEqual([]);
  });

  /** The request for one cell: route, role, report (or none), transition (for the transition routes). */
  function request(
    route: string,
    role: Role,
    f: Fixture | null,
    t?: TransitionName,
    throwaway?: { bearer: string | null; cookie: string; csrf: string },
    requestId?: string,
    release?: ReleaseFixture,
  ): InjectOptions {
    const [method, pattern] = route.split(' ') as [InjectOptions['method'], string];
    const isApi = pattern.startsWith('/api/');
    const proposal = f?.proposalId ?? randomUUID();
    const url = pattern
      .replace(/\/cve-requests\/:id/, `/cve-requests/${requestId ?? randomUUID()}`)
      .replace(/\/releases\/:id/, `/releases/${release?.id ?? randomUUID()}`)
      .replace(/:reportId/, release?.reportId ?? randomUUID())
      .replace(/:step/, 'plan-lines')
      .replace(/\/(attachments)\/:id$/, `/$1/${f?.attachmentId ?? randomUUID()}`)
      .replace(/\/proposals\/:id\//, `/proposals/${proposal}/`)
      .replace(/\/users\/:id\//, `/users/${dummyUserId}/`)
      .replace(/:invitationId/, f?.invitationId ?? randomUUID())
      .replace(/:userId/, people.maintainer.user.id)
      .replace(/\/tokens\/:id/, `/tokens/${randomUUID()}`)
      .replace(/:cveId/, 'CVE-2026-9000')
      .replace(/:module/, 'matrix-no-such-module')
      .replace(/:handle/, 'matrix-nobody')
      .replace(/:rewardId/, randomUUID())
      .replace(/:creditId/, f?.creditId ?? randomUUID())
      .replace(/:token/, 'bogus-token-0123456789')
      .replace(/:id/, f?.id ?? randomUUID());
    const unique = `m${randomBytes(6).toString('hex')}@example.org`;
    const duplicateOf = f ? bases[f.subject.kind].id : '';
    const bodies: Record<string, Record<string, unknown>> = {
      '/api/signup': { email: unique, displayName: 'Matrix', password: 'a long enough password' },
      '/api/verify-email': { token: 'bogus-token-0123456789' },
      // an address of its own each time: failures lock an address, and this is no brute-force test
      '/api/login': { email: unique, password: 'not the password' },
      '/api/password-reset': { email: 'nobody@example.org' },
      '/api/password-reset/confirm': { token: 'bogus-token-0123456789', password: 'a long enough password' },
      '/api/me/totp/enable': { code: '000000' },
      '/api/me/notifications': { comment: true },
      '/api/tokens': { name: 'matrix', scopes: ['reports:read'] },
      '/api/reports': submission({ packageName: 'matrix-new-widget' }),
      '/api/reports/:id/transitions': {
        transition: t,
        reason: 'matrix',
        closedAs: 'not-applicable',
        duplicateOf,
        patchedVersions: '>=9.9.9',
      },
      '/api/reports/:id/assessment': { cwe: 'CWE-79' },
      '/api/reports/:id/comments': { body: 'a matrix comment' },
      '/api/reports/:id/notes': { body: 'a matrix note' },
      '/api/reports/:id/fix-proposals': { patchedVersions: '>=9.9.9', releaseDate: '2026-03-01' },
      '/api/reports/:id/disclosure-statements': { proofOfConcept: true },
      '/api/reports/:id/invitations': { email: 'invited@example.org' },
      '/api/reports/:id/public-note': {
        title: 'A matrix note',
        text: 'A hint for the maintainer, from the matrix.',
      },
      '/disclosure/reports/:id/public-note': {
        title: 'A matrix note',
        text: 'A hint for the maintainer, from the matrix.',
      },
      '/api/reports/:id/early-publication': {
        reason: 'already-public',
        details: 'discussed in a public issue of the package',
      },
      '/api/users/:id/links': { purpose: 'reset-password' },
      '/api/invitations/accept': { token: 'bogus.bogus' },
      '/api/reports/:id/proposals': { days: 5, reason: 'matrix' },
      '/api/proposals/:id/votes': { inFavour: true },
      '/api/users/:id/roles': { roles: [] },
      '/api/cve/blocks/remove': { year: 2026, ids: '99990..99991' },
      '/disclosure/admin/cve/blocks/remove': { year: '2026', ids: '99990..99991' },
      '/api/registry/overrides': { name: 'matrix-widget', monthlyDownloads: 1234 },
      '/api/registry/overrides/clear': { name: 'never-overridden-widget' },
      '/api/reports/:id/credits': { role: 'analyst', name: 'Matrix', email: 'credited@example.org' },
      '/api/cve-requests': {
        kind: 'npm',
        packageName: 'matrix-new-request',
        affectedVersions: '<1.0.0',
        fixedVersions: '>=1.0.0',
        title: 'A matrix CVE request',
        description: 'A description that is long enough to pass.',
      },
      '/api/cve-requests/:id/refuse': { reason: 'not for this program, matrix' },
      // the plan of the matrix's releases, unchanged when changed
      '/api/releases': {
        targetDate: '2026-06-02',
        stewardId: people.core.user.id,
        releaserIds: [],
        lines: [{ line: 'v24', version: '24.99.1' }],
      },
      '/api/releases/:id/plan': {
        stewardId: people.core.user.id,
        releaserIds: [],
        lines: [{ line: 'v24', version: '24.99.1' }],
      },
      '/api/releases/:id/reports': { reportId: release?.reportId ?? randomUUID() },
      '/api/releases/:id/reports/:reportId': { lines: ['v24'] },
      '/api/releases/:id/checklist/:step': { done: true },
      '/api/releases/:id/pre-announce': {},
      '/api/releases/:id/postpone': {
        targetDate: release?.due ?? '2026-07-07',
        reason: 'the matrix moves it',
      },
      '/api/releases/:id/cancel': { reason: 'the matrix cancels it' },
      '/disclosure/cve-requests': {
        kind: 'npm',
        packageName: 'matrix-form-request',
        affectedVersions: '<1.0.0',
        fixedVersions: '>=1.0.0',
        title: 'A matrix CVE request',
        description: 'A description that is long enough to pass.',
      },
      '/disclosure/cve-requests/:id/refuse': { reason: 'not for this program, matrix' },
      '/disclosure/releases': {
        targetDate: '2026-06-02',
        stewardId: people.core.user.id,
        lines: 'v24 24.99.1',
      },
      '/disclosure/releases/:id/plan': { stewardId: people.core.user.id, lines: 'v24 24.99.1' },
      '/disclosure/releases/:id/reports': { reportId: release?.reportId ?? randomUUID() },
      '/disclosure/releases/:id/reports/:reportId': { summary: 'the matrix summary', lines: 'v24' },
      '/disclosure/releases/:id/checklist/:step': { done: '1' },
      '/disclosure/releases/:id/postpone': {
        targetDate: release?.due ?? '2026-07-07',
        reason: 'the matrix moves it',
      },
      '/disclosure/releases/:id/cancel': { reason: 'the matrix cancels it' },
      '/api/cve/blocks': { year: 2026, ids: String(100_000 + Math.floor(Math.random() * 900_000)) },
      '/api/bounty/modules': {
        name: `matrix-${randomBytes(6).toString('hex')}`,
        section: 'confirmed',
        approvedBy: 'Matrix Maintainer',
        approvedOn: '2020-01-01',
      },
      '/api/bounty/modules/:module': { section: 'confirmed', approvedBy: 'Matrix', approvedOn: '2020-01-01' },
      '/api/bounty/table': {},
      '/api/me/researcher-profile': { public: false },
      '/api/bounty/deposits': { amount: 100, reason: 'a deposit the matrix makes' },
      '/api/bounty/rewards/:rewardId/approve': {},
      '/api/bounty/rewards/:rewardId/ineligible': { reason: 'the matrix says it is ineligible' },
      '/api/bounty/rewards/:rewardId/paid': { reference: 'MATRIX-1' },
      '/disclosure/bounty/rewards/:rewardId/ineligible': { reason: 'the matrix says it is ineligible' },
      '/disclosure/bounty/rewards/:rewardId/paid': { reference: 'MATRIX-1' },
      '/disclosure/admin/bounty/modules': {
        name: `matrix-${randomBytes(6).toString('hex')}`,
        section: 'confirmed',
        approvedBy: 'Matrix Maintainer',
        approvedOn: '2020-01-01',
      },
      '/disclosure/admin/bounty/deposits': { amount: '1.00', reason: 'a deposit the matrix makes' },
      '/disclosure/admin/bounty/modules/:module': {
        section: 'confirmed',
        approvedBy: 'Matrix',
        approvedOn: '2020-01-01',
      },
      '/disclosure/signup': { email: unique, displayName: 'Matrix', password: 'a long enough password' },
      '/disclosure/login': { email: unique, password: 'not the password' },
      '/disclosure/password-reset': { email: 'nobody@example.org' },
      '/disclosure/password-reset/:token': { password: 'a long enough password' },
      '/disclosure/account/totp/enable': { code: '000000' },
      '/disclosure/account/notifications': { comment: 'on' },
      '/disclosure/reports': {
        kind: 'npm',
        packageName: 'matrix-form-widget',
        affectedVersions: '<1.0.0',
        title: 'A matrix report',
        description: 'A description that is long enough to pass.',
        impact: 'Impact.',
        reproduction: 'Steps: require the package, call merge() with __proto__.',
        contactedMaintainer: 'no',
        openedIssue: 'no',
        creditAs: 'anonymous',
      },
      '/disclosure/reports/:id/transition': {
        transition: t,
        reason: 'matrix',
        closedAs: 'not-applicable',
        duplicateOf,
        patchedVersions: '>=9.9.9',
      },
      '/disclosure/reports/:id/assessment': { cwe: 'CWE-79' },
      '/disclosure/reports/:id/comments': { body: 'a matrix comment' },
      '/disclosure/reports/:id/notes': { body: 'a matrix note' },
      '/disclosure/reports/:id/fix-proposals': { patchedVersions: '>=9.9.9', releaseDate: '2026-03-01' },
      '/disclosure/reports/:id/disclosure-statements': { proofOfConcept: 'yes' },
      '/disclosure/reports/:id/invitations': { email: 'invited@example.org' },
      '/disclosure/reports/:id/early-publication': {
        reason: 'already-public',
        details: 'discussed in a public issue of the package',
      },
      '/disclosure/admin/users/:id/roles': { roles: '' },
      '/disclosure/reports/:id/credits': { role: 'analyst', name: 'Matrix', email: 'credited@example.org' },
      '/disclosure/admin/cve/blocks': {
        year: '2026',
        ids: String(100_000 + Math.floor(Math.random() * 900_000)),
      },
      '/disclosure/admin/users/:id/links': { purpose: 'reset-password' },
      '/disclosure/reports/:id/proposals': { days: '5', reason: 'matrix' },
      '/disclosure/proposals/:id/vote': { inFavour: 'yes' },
    };
    const headers: Record<string, string> = { 'user-agent': 'matrix' };
    const auth = throwaway ?? { bearer: bearer[role], ...pages[role] };
    if (isApi) {
      if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
      if (pattern.endsWith('/attachments') && method === 'POST') {
        const m = multipart({ name: 'poc.png', type: 'image/png', bytes: PNG });
        return { method, url, headers: { ...headers, ...m.headers }, payload: m.payload };
      }
      const body = bodies[pattern];
      return {
        method,
        url,
        headers,
        ...(body ? { payload: body } : method === 'GET' || method === 'DELETE' ? {} : {}),
      };
    }
    headers.cookie = auth.cookie;
    if (method !== 'POST') return { method, url, headers };
    if (pattern.endsWith('/attachments')) {
      const m = multipart({ name: 'poc.png', type: 'image/png', bytes: PNG }, { _csrf: auth.csrf });
      return { method, url, headers: { ...headers, ...m.headers }, payload: m.payload };
    }
    const form = new URLSearchParams();
    form.set('_csrf', auth.csrf);
    for (const [k, v] of Object.entries(bodies[pattern] ?? {})) form.set(k, String(v ?? ''));
    return {
      method,
      url,
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form.toString(),
    };
  }

  async function throwawaySession(role: Role) {
    if (role === 'anonymous') return { bearer: null, ...pages.anonymous };
    if (isToken(role)) return { bearer: bearer[role], ...pages.anonymous };
    const p = new PageSession(s);
    await p.login(people[role as PersonRole]);
    return {
      bearer: await apiLogin(s, people[role as PersonRole]),
      cookie: p.cookieHeader,
      csrf: await p.csrf('/disclosure/account'),
    };
  }

  const succeeded = (e: Expect) => typeof e === 'number' && e < 400;

  /** One cell of a CVE request route: a fresh request when a success changes it. */
  /** One cell of a security release route: a fresh release when a success changes it. */
  async function checkRelease(route: string, rule: RouteRule, role: Role, state: ReleaseState) {
    const subj = { state } as unknown as Subject;
    // tokens work on the API only: on the pages their holder is anonymous
    const isPage = route.includes(' /disclosure/');
    const as: Role = isToken(role) && isPage ? 'anonymous' : role;
    const expected: Expect =
      isToken(as) && !isPage ? tokenExpect(route, as, rule.rule, subj) : rule.rule(as, subj);
    const fresh = Boolean(rule.mutates && succeeded(expected));
    const f = fresh ? await buildRelease(state) : sharedReleases.get(state)!;
    const res = await s.app.inject(request(route, role, null, undefined, undefined, undefined, f));
    requests++;
    const where = `${route} as ${role} on the release ${state}`;
    if (expected === 'login') {
      expect(res.statusCode, `${where}: ${res.body.slice(0, 300)}`).toBe(303);
      expect(res.headers.location, where).toMatch(/^\/disclosure\/login\?next=/);
    } else {
      expect(res.statusCode, `${where}: ${res.body.slice(0, 300)}`).toBe(expected);
    }
    const leaked = forbidden(as).filter((m) => res.body.includes(m));
    expect(leaked, `${where} shows text it may not`).toEqual([]);
  }

  async function checkRequest(route: string, rule: RouteRule, role: Role, subject: RequestSubject) {
    const isPage = route.includes(' /disclosure/');
    const as: Role = isToken(role) && isPage ? 'anonymous' : role;
    const subj = subject as unknown as Subject;
    const expected: Expect =
      isToken(as) && !isPage ? tokenExpect(route, as, rule.rule, subj) : rule.rule(as, subj);
    let f = sharedRequests.get(`${subject.kind}/${subject.state}`)!;
    const fresh = Boolean(rule.mutates && succeeded(expected));
    if (fresh) f = await buildRequest(subject);
    const res = await s.app.inject(request(route, role, null, undefined, undefined, f.id));
    requests++;
    const where = `${route} as ${role} on the ${subject.kind} CVE request ${subject.state}`;
    if (expected === 'login') {
      expect(res.statusCode, `${where}: ${res.body.slice(0, 300)}`).toBe(303);
      expect(res.headers.location, where).toMatch(/^\/disclosure\/login\?next=/);
    } else {
      expect(res.statusCode, `${where}: ${res.body.slice(0, 300)}`).toBe(expected);
    }
    const leaked = forbidden(as).filter((m) => res.body.includes(m));
    expect(leaked, `${where} shows text it may not`).toEqual([]);
    if (fresh) requestFixtures.splice(requestFixtures.indexOf(f), 1);
  }

  async function check(
    route: string,
    rule: RouteRule,
    role: Role,
    subject: Subject | null,
    t?: TransitionName,
  ): Promise<void> {
    const isPage = route.includes(' /disclosure/');
    let f = subject ? shared.get(`${subject.kind}/${subject.state}`)! : null;
    // on the pages a token's holder is anonymous; on the API it acts as its maker, within its scopes
    const as: Role = isToken(role) && isPage ? 'anonymous' : role;
    const rawRule: Rule = t
      ? (r, x) => transitionExpect(t, r, x, isPage ? 303 : 200, isPage ? 'login' : 401)
      : rule.rule;
    const subj = subject ?? { kind: 'npm' as const, state: 'new' as const };
    const expected: Expect =
      isToken(as) && !isPage ? tokenExpect(route, as, rawRule, subj) : rawRule(as, subj);
    // a success that changes the report runs on a fresh one in the same state
    const fresh = Boolean(f && rule.mutates && succeeded(expected));
    if (fresh) {
      const proposal = route.includes('/votes') || route.includes('/vote');
      f = await build(f!.subject, {
        proposal: proposal || (hasProposal(f!.subject) && !route.endsWith('/proposals')),
      });
    }
    const throwaway = rule.endsSession ? await throwawaySession(role) : undefined;
    const res: LightMyRequestResponse = await s.app.inject(request(route, role, f, t, throwaway));
    requests++;
    const where = `${route} as ${role}${subject ? ` on ${subject.kind} ${subject.state}` : ''}${t ? ` (${t})` : ''}`;
    if (expected === 'login') {
      expect(res.statusCode, `${where}: ${res.body.slice(0, 300)}`).toBe(303);
      expect(res.headers.location, where).toMatch(/^\/disclosure\/login\?next=/);
    } else {
      expect(res.statusCode, `${where}: ${res.body.slice(0, 300)}`).toBe(expected);
      if (expected === 303) expect(res.headers.location, where).not.toMatch(/^\/disclosure\/login\?next=/);
    }
    const leaked = forbidden(isPage && isToken(role) ? 'anonymous' : role).filter((m) =>
      res.body.includes(m),
    );
    expect(leaked, `${where} shows text it may not`).toEqual([]);
    // and a published report shows those outside it exactly what was agreed: all of it
    const shows = /^GET .*\/attachments\/:id$/.test(route)
      ? 'download'
      : /^GET .*\/reports\/:id$/.test(route)
        ? 'report'
        : null;
    if (shows && f && res.statusCode === 200 && f.subject.state === 'published' && !sees(as, f.subject)) {
      const missing = f.markers.filter(
        (m) => m.publicOnceDisclosed && (m.shownIn ?? 'report') === shows && !res.body.includes(m.text),
      );
      expect(
        missing.map((m) => m.text),
        `${where} misses what was agreed`,
      ).toEqual([]);
    }
    // the fresh report has moved on: its markers are no longer where the bookkeeping says
    if (fresh) fixtures.splice(fixtures.indexOf(f!), 1);
  }

  it.each(Object.keys(RULES))(
    '%s',
    async (route) => {
      const rule = RULES[route]!;
      for (const role of ROLES) {
        // a token is nobody on the pages (they read the cookie only): one token role shows it there
        if (isToken(role) && route.includes(' /disclosure/') && role !== 'reporter-token-write') continue;
        if (rule.release) {
          for (const state of rule.release) await checkRelease(route, rule, role, state);
          continue;
        }
        if (rule.cveRequest) {
          for (const q of REQUEST_SUBJECTS) await checkRequest(route, rule, role, q);
          continue;
        }
        if (!rule.report) {
          await check(route, rule, role, null);
          continue;
        }
        for (const subject of SUBJECTS) {
          if (rule.transitions) for (const t of TRANSITION_NAMES) await check(route, rule, role, subject, t);
          else await check(route, rule, role, subject);
        }
      }
    },
    // the transitions route alone is some 2000 requests: more than the default minute on a busy machine
    240_000,
  );

  it('shows nothing private on the public pages and APIs, and every published report there', async () => {
    const priv = fixtures.flatMap((f) =>
      f.markers.filter((m) => !(f.subject.state === 'published' && m.publicOnceDisclosed)).map((m) => m.text),
    );
    const published = fixtures.filter((f) => f.subject.state === 'published');
    const urls = [
      '/',
      '/feed.atom',
      '/v1/export/npm/modified_id.csv',
      '/packages/matrix-widget',
      '/node',
      ...priv.slice(0, 40).map((m) => `/search?q=${m}`),
      ...published.map((f) => `/search?q=${f.markers[0]!.text}`),
    ];
    for (const url of urls) {
      const res = await s.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeLessThan(500);
      // the search page repeats what was searched for: that is not a leak
      const asked = /q=(\w+)/.exec(url)?.[1];
      expect(
        priv.filter((m) => m !== asked && res.body.includes(m)),
        url,
      ).toEqual([]);
      if (asked && priv.includes(asked)) expect(res.body, url).toContain('No advisory matches');
    }
    const pkg = await s.app.inject({ method: 'GET', url: '/packages/matrix-widget' });
    for (const f of published.filter((x) => x.subject.kind === 'npm'))
      expect(pkg.body).toContain(f.markers[0]!.text);
    const bulk = await s.app.inject({
      method: 'POST',
      url: '/-/npm/v1/security/advisories/bulk',
      payload: { 'matrix-widget': ['1.0.0'] },
    });
    expect(priv.filter((m) => bulk.body.includes(m))).toEqual([]);
    expect(bulk.json()['matrix-widget'].length).toBeGreaterThan(0);
    expect(requests).toBeGreaterThan(1000);
  });
});
