// The security release pages over HTTP (inject, with cookies): a release planned, filled, announced,
// postponed and published through its forms, with hostile text in a report's title, a summary, a
// patch author and a postponement reason, escaped on the team's page and in the public announcement;
// the CSRF token required; the plan form's errors naming the field; and "not found", telling nothing,
// for everyone outside the core security team until the release is published.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userActor } from '../../../../src/disclosure/index.js';
import { disclosureOf } from '../../../../src/server/disclosure/index.js';
import { testEngines } from '../../../helpers/db.js';
import {
  makeUser,
  ORIGIN,
  PageSession,
  type Person,
  submission,
  type TestServer,
  testServer,
} from '../helpers.js';

const TITLE = '<script>alert("title")</script> smuggling in the HTTP parser';
const SUMMARY = 'Requests split in two: <img src=x onerror=alert("summary")> [x](javascript:alert(1))';
const AUTHOR = '<script>alert("author")</script>';
const REASON = 'A regression <img src=x onerror=alert("reason")> in the 22.x build';
const VECTOR = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N';

describe.each(await testEngines())('the security release pages (%s)', (engine) => {
  let s: TestServer;
  let people: Record<'core' | 'triage' | 'researcher' | 'stranger', Person>;
  let reportId: string;
  let cveId: string;
  let path: string;

  beforeAll(async () => {
    s = await testServer(engine, { cveIds: 2, outbox: true });
    people = {
      core: await makeUser(s, 'rcore', { roles: ['core-security'], totp: true }),
      triage: await makeUser(s, 'rtriage', { roles: ['triage'], totp: true }),
      researcher: await makeUser(s, 'rfinder'),
      stranger: await makeUser(s, 'rstranger'),
    };
    // a core report the researcher filed, accepted by the team with its CVE id, CVSS and CWE
    const { program } = disclosureOf(s.app);
    const team = userActor(people.core.user.id, ['core-security']);
    const { report } = await program.reports.submit(
      userActor(people.researcher.user.id),
      submission({
        kind: 'core',
        packageName: null,
        component: 'http',
        affectedVersions: '>=22.0.0',
        title: TITLE,
      }),
      ORIGIN,
    );
    reportId = report.id;
    await program.workflow.transition(team, reportId, 'accept', {}, ORIGIN);
    cveId = (await program.cve.assignNext(team, reportId, ORIGIN)).cveId!;
    await program.workflow.assess(team, reportId, { cvssVector: VECTOR, cwe: 'CWE-444' }, ORIGIN);
  });
  afterAll(async () => s?.close());

  const as = async (who: Person) => {
    const p = new PageSession(s);
    await p.login(who);
    return p;
  };
  const plan = (over: Record<string, string | string[]> = {}) => ({
    targetDate: '2026-01-20',
    stewardId: people.core.user.id,
    lines: 'v24 24.13.1\nv22 22.22.1',
    ...over,
  });

  it('names the bad field of the plan form, and refuses a form without the CSRF token', async () => {
    const core = await as(people.core);
    const form = await core.get('/disclosure/releases');
    expect(form.statusCode).toBe(200);
    // every field of the plan form has its label
    for (const id of ['r-date', 'r-steward', 'r-lines']) expect(form.body).toContain(`<label for="${id}">`);
    const bad = await core.post(
      '/disclosure/releases',
      plan({ targetDate: '2025-12-31', lines: 'v21x 1\nv22 24.1.0\nv24' }),
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('targetDate is in the past');
    expect(bad.body).toContain('lines[0].line is not a line of the release schedule');
    expect(bad.body).toContain('lines[1].version must be a v22 version');
    expect(bad.body).toContain('lines[2].version is required: the version v24 ships');
    expect(bad.body).toContain('<a href="/disclosure/releases">Back to the security releases</a>');
    const date = await core.post('/disclosure/releases', plan({ targetDate: '2026-02-30' }));
    expect(date.statusCode).toBe(400);
    expect(date.body).toContain('targetDate must be a date that exists');
    const steward = await core.post('/disclosure/releases', plan({ stewardId: people.triage.user.id }));
    expect(steward.statusCode).toBe(400);
    expect(steward.body).toContain('stewardId');
    expect(steward.body).toContain('is not a member of the core security team');
    // without the CSRF token, nothing is planned
    expect((await core.post('/disclosure/releases', plan(), '')).statusCode).toBe(403);
    expect((await core.get('/disclosure/releases')).body).not.toContain('data-release=');
  });

  it('keeps an embargoed release from everyone outside the core security team, and escapes every text', async () => {
    const core = await as(people.core);
    const made = await core.post('/disclosure/releases', plan());
    expect(made.statusCode, made.body).toBe(303);
    path = made.headers.location as string;
    expect(path).toMatch(/^\/disclosure\/releases\/[^/]+$/);
    expect(
      (
        await core.post(`${path}/reports`, {
          reportId,
          summary: SUMMARY,
          patchAuthors: `${AUTHOR}\nPatch Author`,
        })
      ).statusCode,
    ).toBe(303);
    // the plan changes through its form while planning: a version corrected, a releaser added
    const planning = await core.get(path);
    for (const id of ['p-steward', 'p-lines']) expect(planning.body).toContain(`<label for="${id}">`);
    expect(planning.body).toContain('>v22 22.22.1\nv24 24.13.1</textarea>');
    const changed = await core.post(`${path}/plan`, {
      stewardId: people.core.user.id,
      releaserIds: people.core.user.id,
      lines: 'v24 24.13.2\nv22 22.22.1',
    });
    expect(changed.statusCode, changed.body).toBe(303);
    expect((await core.get(path)).body).toContain('<code>24.13.2</code>');
    const wrong = await core.post(`${path}/plan`, { stewardId: people.core.user.id, lines: 'v24 22.1.0' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('lines[0].version must be a v24 version');
    expect(wrong.body).toContain(`<a href="${path}">Back to the release</a>`);
    for (const step of ['plan-lines', 'plan-reports', 'plan-patches', 'plan-releasers'])
      expect((await core.post(`${path}/checklist/${step}`, { done: '1' })).statusCode).toBe(303);
    expect((await core.post(`${path}/pre-announce`, { override: '' })).statusCode).toBe(303);
    expect(
      (await core.post(`${path}/postpone`, { targetDate: '2026-01-27', reason: REASON })).statusCode,
    ).toBe(303);

    const page = await core.get(path);
    expect(page.statusCode).toBe(200);
    // pre-announced: the planning, announcement and release-day steps are ticked, not the clean-up
    expect(page.body).toContain(`action="${path}/checklist/release-builds"`);
    expect(page.body).not.toContain(`action="${path}/checklist/cleanup-retro"`);
    expect(page.body).toContain('&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; smuggling');
    expect(page.body).toContain('&lt;img src=x onerror=alert(&quot;reason&quot;)&gt;');
    // the patch author is in the announcement's draft, Markdown whose own escapes show as text
    expect(page.body).toContain('alert(&quot;author&quot;)');
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).not.toMatch(/<img[^>]*onerror/i);
    expect(page.body).toContain('pre-announced');
    // announced, the plan is frozen: no form offers to change it
    expect(page.body).not.toContain(`action="${path}/plan"`);
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');

    // a change without the CSRF token is refused and changes nothing
    expect((await core.post(`${path}/cancel`, { reason: 'no token, no cancellation' }, '')).statusCode).toBe(
      403,
    );
    expect((await core.post(`${path}/publish`, {}, '')).statusCode).toBe(403);
    expect((await core.get(path)).body).toContain('pre-announced');

    // everyone else: "not found", the same as for no release, with nothing of it in the body
    const nobody = await new PageSession(s).get('/disclosure/releases/no-such-release');
    expect(nobody.statusCode).toBe(404);
    for (const who of [null, people.researcher, people.triage, people.stranger]) {
      const p = who ? await as(who) : new PageSession(s);
      const res = await p.get(path);
      expect(res.statusCode, who?.email ?? 'visitor').toBe(404);
      for (const secret of [
        'smuggling',
        cveId,
        '2026-01-27',
        '2026-01-20',
        'Patch Author',
        'regression',
        'v24',
      ])
        expect(res.body).not.toContain(secret);
      expect(res.body).toContain('Not found');
      const list = await p.get('/disclosure/releases');
      expect(list.statusCode).toBe(200);
      expect(list.body).not.toContain(path);
      if (who) {
        // nor may they act on it: the same "not found"
        expect((await p.post(`${path}/checklist/release-builds`, { done: '1' })).statusCode).toBe(404);
        expect((await p.post(`${path}/cancel`, { reason: 'cancelled by someone else' })).statusCode).toBe(
          404,
        );
      }
    }
    expect((await core.get(path)).body).toContain('pre-announced');
    // the report's page tells the team which release holds it; its researcher reads nothing of it
    const held = await core.get(`/disclosure/reports/${reportId}`);
    expect(held.body).toContain(
      `<p id="in-release">In the <a href="${path}">security release of 2026-01-27</a>`,
    );
    const own = await (await as(people.researcher)).get(`/disclosure/reports/${reportId}`);
    expect(own.statusCode).toBe(200);
    expect(own.body).not.toContain('in-release');
    expect(own.body).not.toContain(path);
  });

  it('escapes every text in the published announcement, which everyone reads on the day', async () => {
    s.clock.set(new Date('2026-01-27T10:00:00.000Z'));
    const core = await as(people.core);
    for (const step of ['announce-downstream', 'release-builds'])
      expect((await core.post(`${path}/checklist/${step}`, { done: '1' })).statusCode).toBe(303);
    const published = await core.post(`${path}/publish`, {});
    expect(published.statusCode, published.body).toBe(303);
    const team = await core.get(path);
    expect(team.body).toContain('released');
    expect(team.body).not.toContain('<script>alert');
    expect(team.body).not.toMatch(/<img[^>]*onerror/i);

    for (const who of [null, people.researcher]) {
      const p = who ? await as(who) : new PageSession(s);
      const res = await p.get(path);
      expect(res.statusCode).toBe(200);
      const article = /<article class="prose" id="announcement">([\s\S]*?)<\/article>/.exec(res.body)![1]!;
      // the announcement names the report, its CVE id and who wrote the fix, as text
      expect(article).toContain(cveId);
      expect(article).toContain('smuggling in the HTTP parser');
      expect(article).toContain('&lt;script&gt;');
      expect(article).toContain('Patch Author');
      expect(res.body).not.toContain('<script>alert');
      expect(res.body).not.toMatch(/<img[^>]*onerror/i);
      expect(res.body).not.toMatch(/href="javascript:/i);
      expect((await p.get('/disclosure/releases')).body).toContain(path);
    }
  });
});
