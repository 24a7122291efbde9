// The comments of a published report follow the disclosure agreement, as the proof of concept does:
// an outsider (anonymous or another user, over the API and on the page) sees none of them unless the
// reporter and the team agreed and no maintainer objected; internal notes never.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userActor } from '../../../src/disclosure/index.js';
import { disclosureOf } from '../../../src/server/disclosure/index.js';
import { testEngines } from '../../helpers/db.js';
import {
  api,
  apiLogin,
  makeUser,
  ORIGIN,
  PageSession,
  type Person,
  submission,
  type TestServer,
  testServer,
} from './helpers.js';

const engines = await testEngines();
const mark = () => `mk${randomBytes(5).toString('hex')}x`;

/** How a report's parties speak of its comments: over the API (true/false), the page form (yes/no), or not at all. */
interface Agreement {
  reporter?: boolean;
  team?: boolean;
  maintainer?: boolean;
}

describe.each(engines)('comments on publication follow the agreement (%s)', (engine) => {
  let s: TestServer;
  let reporter: Person;
  let triage: Person;
  let maintainer: Person;
  let stranger: Person;
  const tokens = {} as Record<'reporter' | 'triage' | 'maintainer' | 'stranger', string>;
  /** The reporter in a browser: states what may be disclosed through the page's form. */
  let reporterPage: PageSession;

  beforeAll(async () => {
    s = await testServer(engine, { outbox: true });
    reporter = await makeUser(s, 'thread-reporter');
    triage = await makeUser(s, 'thread-triage', { roles: ['triage'], totp: true });
    maintainer = await makeUser(s, 'thread-maintainer');
    stranger = await makeUser(s, 'thread-stranger');
    tokens.reporter = await apiLogin(s, reporter);
    tokens.triage = await apiLogin(s, triage);
    tokens.maintainer = await apiLogin(s, maintainer);
    tokens.stranger = await apiLogin(s, stranger);
    reporterPage = new PageSession(s);
    await reporterPage.login(reporter);
  });
  afterAll(async () => s?.close());

  /**
   * A report with a comment by each participant and a team note, the proof of concept agreed by all,
   * the comments as `said` (the reporter through the page's form, the team and the maintainer over the
   * API), then published. Answers its id and the text planted in its thread.
   */
  async function published(said: Agreement) {
    const m = { reporter: mark(), team: mark(), maintainer: mark(), note: mark(), poc: mark() };
    const sent = await api(
      s,
      tokens.reporter,
      'POST',
      '/api/reports',
      submission({ packageName: 'thread-widget', reproduction: `require("thread-widget") ${m.poc}` }),
    );
    expect(sent.statusCode, sent.body).toBe(201);
    const id = sent.json().report.id as string;
    const call = async (who: keyof typeof tokens, path: string, body: object, status = 200) => {
      const res = await api(s, tokens[who], 'POST', `/api/reports/${id}/${path}`, body);
      expect(res.statusCode, `${who} ${path}: ${res.body}`).toBe(status);
      return res;
    };
    await call('triage', 'transitions', { transition: 'accept' });
    const inv = await disclosureOf(s.app).program.invitations.invite(
      userActor(triage.user.id, ['triage']),
      id,
      maintainer.email,
      ORIGIN,
    );
    const joined = await api(s, tokens.maintainer, 'POST', '/api/invitations/accept', { token: inv.token });
    expect(joined.statusCode, joined.body).toBe(200);
    // a minute apart, so that the thread has one order
    await call('reporter', 'comments', { body: `The reporter says ${m.reporter}` }, 201);
    s.clock.advance(60_000);
    await call('triage', 'comments', { body: `The team says ${m.team}` }, 201);
    s.clock.advance(60_000);
    await call('maintainer', 'comments', { body: `The maintainer says ${m.maintainer}` }, 201);
    await call('triage', 'notes', { body: `A note ${m.note}` }, 201);

    const here = `/disclosure/reports/${id}`;
    const form: Record<string, string> = { proofOfConcept: 'yes' };
    if (said.reporter !== undefined) form.comments = said.reporter ? 'yes' : 'no';
    const stated = await reporterPage.post(
      `${here}/disclosure-statements`,
      form,
      await reporterPage.csrf(here),
    );
    expect(stated.statusCode, stated.body.slice(0, 300)).toBe(303);
    await call('triage', 'disclosure-statements', {
      proofOfConcept: true,
      ...(said.team === undefined ? {} : { comments: said.team }),
    });
    if (said.maintainer !== undefined)
      await call('maintainer', 'disclosure-statements', { comments: said.maintainer });

    // the participants' page shows where the agreement on the comments stands
    const page = (await reporterPage.get(here)).body;
    expect(page).toContain('<tr data-subject="comments">');
    expect(page).toContain('name="comments" value="yes"');
    const agreed = said.reporter === true && said.team === true && said.maintainer !== false;
    expect(page).toContain(`id="comments-disclosure" data-disclosable="${agreed ? 'yes' : 'no'}"`);
    const view = (await api(s, tokens.reporter, 'GET', `/api/reports/${id}`)).json();
    expect(view.agreement.find((a: { subject: string }) => a.subject === 'comments')).toMatchObject({
      reporter: said.reporter ?? null,
      team: said.team ?? null,
      maintainers: [{ userId: maintainer.user.id, disclosable: said.maintainer ?? null }],
      disclosable: agreed,
    });

    await call('triage', 'transitions', { transition: 'start-fix' });
    await call('triage', 'transitions', { transition: 'mark-fixed', patchedVersions: '>=9.0.0' });
    await call('triage', 'transitions', { transition: 'publish' });
    return { id, m };
  }

  /** What an outsider reads of a published report: the API's disclosed form and the page, anonymous and logged in. */
  async function outsiders(id: string) {
    const b = new PageSession(s);
    await b.login(stranger);
    const answers = {
      anonymousApi: await api(s, null, 'GET', `/api/reports/${id}`),
      strangerApi: await api(s, tokens.stranger, 'GET', `/api/reports/${id}`),
      anonymousPage: await s.app.inject({ method: 'GET', url: `/disclosure/reports/${id}` }),
      strangerPage: await b.get(`/disclosure/reports/${id}`),
    };
    for (const [who, res] of Object.entries(answers)) expect(res.statusCode, who).toBe(200);
    for (const res of [answers.anonymousApi, answers.strangerApi]) expect(res.json().form).toBe('disclosed');
    for (const res of [answers.anonymousPage, answers.strangerPage])
      expect(res.body).toContain('Disclosed report');
    return answers;
  }

  const notAgreed: [string, Agreement][] = [
    ['nobody said anything of them', {}],
    ['the team kept them private', { reporter: true, team: false }],
    ['the reporter said nothing', { team: true }],
    ['a maintainer objected', { reporter: true, team: true, maintainer: false }],
  ];

  it.each(notAgreed)('shows an outsider none of the comments when %s', async (_, said) => {
    const { id, m } = await published(said);
    for (const [who, res] of Object.entries(await outsiders(id))) {
      for (const text of [m.reporter, m.team, m.maintainer, m.note])
        expect(res.body.includes(text), `${who} reads ${text}`).toBe(false);
      // the proof of concept was agreed: the disclosed form is there, without the thread
      expect(res.body, who).toContain(m.poc);
    }
    const { anonymousApi, anonymousPage } = await outsiders(id);
    expect(anonymousApi.json().comments).toEqual([]);
    expect(anonymousPage.body).not.toContain('<h2 id="comments">');
    expect(anonymousPage.body).toMatch(
      /The comments, the environment, internal notes and attachments stay private\./,
    );
    // the participants still read the whole thread
    const full = (await api(s, tokens.maintainer, 'GET', `/api/reports/${id}`)).json();
    expect(full.comments).toHaveLength(3);
  });

  it('shows an outsider every comment, by role, when the reporter and the team agreed and no maintainer objected', async () => {
    for (const said of [
      { reporter: true, team: true },
      { reporter: true, team: true, maintainer: true },
    ]) {
      const { id, m } = await published(said);
      const answers = await outsiders(id);
      for (const [who, res] of Object.entries(answers)) {
        for (const text of [m.reporter, m.team, m.maintainer]) expect(res.body, who).toContain(text);
        expect(res.body.includes(m.note), `${who} reads the internal note`).toBe(false);
      }
      expect(
        answers.anonymousApi.json().comments.map((c: { author: string; body: string }) => [c.author, c.body]),
      ).toEqual([
        ['reporter', `The reporter says ${m.reporter}`],
        ['team', `The team says ${m.team}`],
        ['maintainer', `The maintainer says ${m.maintainer}`],
      ]);
      expect(answers.anonymousPage.body).toContain('<h2 id="comments">Comments</h2>');
      // nobody is named beyond the credit the reporter chose
      for (const p of [reporter, triage, maintainer])
        expect(answers.anonymousApi.body.includes(p.user.id), 'a user id').toBe(false);
    }
  });

  it('refuses a statement on the comments that is not yes or no, naming the field', async () => {
    const sent = await api(
      s,
      tokens.reporter,
      'POST',
      '/api/reports',
      submission({ packageName: 'thread-widget' }),
    );
    const res = await api(
      s,
      tokens.reporter,
      'POST',
      `/api/reports/${sent.json().report.id}/disclosure-statements`,
      {
        comments: 'yes',
      },
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('body.comments');
  });
});
