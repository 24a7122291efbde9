// A Node.js core security release in a real browser (Debian's Chromium through playwright-core) against
// a real listening server, real SMTP on loopback and a fake clock: a member of the core security team
// (logged in with a TOTP code) opens "Security releases" from the navigation, plans a release with an
// end-of-life line, adds two core reports a researcher filed (accepted, with a CVE id from the
// program's block, CVSS and CWE), sees what is missing, ticks the planning steps, pre-announces (the
// list is told the lines and the date, none of the details), postpones with a reason (kept in the
// history, told to the list), and on the day publishes: the advisories and the announcement are public
// at once. Until then a visitor and the researcher who reported one of its reports get "not found".
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/disclosure/index.js';
import { SmtpMailer } from '../../../src/mail/index.js';
import { type App, buildApp, serverConfig } from '../../../src/server/index.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { haveChromium, launchChromium } from '../../helpers/browser.js';
import { seedCveBlock } from '../../helpers/cve.js';
import { freshDb, type TestDb } from '../../helpers/db.js';
import { ROOT } from '../../helpers/shared.js';
import {
  type Delivered,
  type Inbox,
  makeUser,
  type Person,
  startInbox,
  submission,
  TEST_ARGON2,
  totpCode,
} from './helpers.js';

const ARTIFACTS = join(ROOT, 'test-artifacts');
/** A Tuesday morning, UTC: two weeks before the release day. */
const START = '2026-03-03T08:30:00.000Z';
const LIST = 'nodejs-sec@lists.example.org';
const VECTOR = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N';

interface Trouble {
  kind: string;
  url: string;
  text: string;
}

describe.skipIf(!haveChromium && !process.env.CI)('a security release in Chromium (sqlite)', () => {
  let tdb: TestDb;
  let store: Store;
  let app: App;
  let inbox: Inbox;
  let mailer: SmtpMailer;
  let base: string;
  let browser: Browser;
  let core: Person;
  let researcher: Person;
  const clock = new ManualClock(START);
  const trouble: Trouble[] = [];
  const reports: { id: string; title: string; cveId: string }[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    inbox = await startInbox();
    mailer = new SmtpMailer({
      host: '127.0.0.1',
      port: inbox.port,
      from: 'Node.js Security WG <security@nswg.test>',
    });
    tdb = await freshDb('sqlite');
    store = await openStore(tdb.target, {
      mode: 'create',
      clock,
      argon2: TEST_ARGON2,
      secret: 'release-secret-release-secret-release-secret',
    });
    await seedCveBlock(store, 5);
    const config = serverConfig({ logLevel: 'silent', port: 0, rateLimit: null, announcementList: LIST });
    app = await buildApp({
      store,
      config,
      clock,
      mailer,
      disclosure: { schedulerIntervalMs: null, rateLimits: { login: { max: 100, timeWindowMs: 60_000 } } },
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    config.publicUrl = base;
    core = await makeUser({ store, clock }, 'steward', { roles: ['core-security'], totp: true });
    await makeUser({ store, clock }, 'releaser', { roles: ['core-security'] });
    researcher = await makeUser({ store, clock }, 'finder');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    mailer?.close();
    await inbox?.close();
    await store?.close();
    await tdb?.drop();
  });

  /** A browser context (one person) that records CSP violations, errors and failed requests. */
  async function person(): Promise<Page> {
    const context: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.exposeBinding('__nswgViolation', ({ page }, v: string) =>
      trouble.push({ kind: 'csp', url: page.url(), text: v }),
    );
    await context.addInitScript(`document.addEventListener('securitypolicyviolation', (e) => {
      window.__nswgViolation(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline'));
    });`);
    const page = await context.newPage();
    page.on('pageerror', (e) => trouble.push({ kind: 'pageerror', url: page.url(), text: e.message }));
    page.on('console', (m) => {
      if (m.type() === 'error') trouble.push({ kind: 'console', url: page.url(), text: m.text() });
    });
    page.on('dialog', (d) => {
      trouble.push({ kind: 'dialog', url: page.url(), text: d.message() });
      void d.dismiss();
    });
    return page;
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(ARTIFACTS, `release-${name}.png`), fullPage: true });
  /** Clicks a submit button and waits for the page it leads to. */
  const submit = async (page: Page, selector: string) => {
    await Promise.all([page.waitForNavigation(), page.click(selector)]);
  };
  const stateOf = (page: Page) => page.textContent('main > p .state');
  /** Messages the announcement list received, oldest first. */
  const listMail = (): Delivered[] => inbox.messages.filter((m) => m.to.includes(LIST));

  async function login(page: Page, p: Person): Promise<void> {
    await page.goto(`${base}/disclosure/login`);
    await page.fill('#email', p.email);
    await page.fill('#password', p.password);
    if (p.totpSecret) {
      // a code works once: as a person waits for the next one, the clock moves to the next 30 seconds
      clock.advance(30_000);
      await page.fill('#code', totpCode(p.totpSecret, clock.now()));
    }
    await submit(page, 'form.stack button[type=submit]');
    expect(page.url()).not.toContain('/login');
  }

  /** Logs in over the API, as a script of the team would: the bearer token. */
  async function token(p: Person): Promise<string> {
    if (p.totpSecret) clock.advance(30_000);
    const res = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: p.email,
        password: p.password,
        ...(p.totpSecret ? { code: totpCode(p.totpSecret, clock.now()) } : {}),
      }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as { token: string }).token;
  }

  async function call(tok: string, method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${tok}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    expect(res.status, `${method} ${path}: ${text}`).toBeLessThan(300);
    return JSON.parse(text);
  }

  /** A core report the researcher files, accepted by the team with a CVE id, a CVSS vector and a CWE. */
  async function coreReport(title: string, component: string, affectedVersions: string, cwe: string) {
    const mine = await token(researcher);
    const { packageName: _, ...input } = submission({ kind: 'core', component, affectedVersions, title });
    const filed = (await call(mine, 'POST', '/api/reports', input)) as { report: { id: string } };
    const id = filed.report.id;
    const team = await token(core);
    await call(team, 'POST', `/api/reports/${id}/transitions`, { transition: 'accept' });
    const withCve = (await call(team, 'POST', `/api/reports/${id}/cve`)) as { report: { cveId: string } };
    await call(team, 'PATCH', `/api/reports/${id}/assessment`, { cvssVector: VECTOR, cwe });
    reports.push({ id, title, cveId: withCve.report.cveId });
  }

  it('plans, pre-announces, postpones and publishes a release; embargoed until its day', {
    timeout: 120_000,
  }, async () => {
    await coreReport(
      'Request smuggling through obsolete line folding in the HTTP parser',
      'http',
      '>=18.0.0',
      'CWE-444',
    );
    await coreReport('Permission model bypass through symlinked paths', 'fs', '>=22.0.0', 'CWE-59');
    const [a, b] = reports as [(typeof reports)[0], (typeof reports)[0]];
    expect(a.cveId).toMatch(/^CVE-2026-9\d{3}$/);

    // the steward opens the releases from the navigation and plans one, two weeks ahead
    const team = await person();
    await login(team, core);
    await submit(team, '#nav-releases');
    expect(await team.textContent('h1')).toBe('Node.js security releases');
    expect(await team.textContent('main')).toContain('No security release yet.');
    await team.fill('#r-date', '2026-03-17');
    expect(await team.inputValue('#r-steward')).toBe(core.user.id);
    await team.check('fieldset:has(legend:text("Releasers")) label:has-text("releaser") input');
    await team.fill('#r-lines', 'v24 24.14.0\nv22 22.22.2\nv18');
    await submit(team, '#plan-form button[type=submit]');
    expect(team.url()).toMatch(/\/disclosure\/releases\/[^/]+$/);
    const releaseUrl = team.url();
    expect(await team.textContent('h1')).toBe('Tuesday, March 17, 2026 security releases');
    expect(await stateOf(team)).toBe('planning');
    // 24.14.0 is out already: the steward corrects the version through the plan's form
    expect(await team.textContent('#release-lines')).toContain('24.14.0');
    await team.click('#change-plan summary');
    await team.fill('#p-lines', 'v24 24.14.1\nv22 22.22.2\nv18');
    await submit(team, '#change-plan button[type=submit]');
    expect(await team.textContent('#release-lines')).toContain('24.14.1');
    // v18 ended before the date: listed, flagged, shipping nothing
    expect(await team.textContent('[data-line="v18"]')).toContain('end of life');
    expect(await team.locator('[data-line="v18"] code').count()).toBe(0);

    // the two reports: one with what the announcement says of it, one without a summary yet
    await team.click('#add-report summary');
    await team.fill('#f-report', a.id);
    await team.fill('#f-summary', 'A request with obsolete line folding is read as two by a proxy in front.');
    await team.fill('#f-authors', 'Paolo Insogna\nMatteo Collina');
    await submit(team, '#add-report button[type=submit]');
    await team.click('#add-report summary');
    await team.fill('#f-report', b.id);
    await submit(team, '#add-report button[type=submit]');
    // by default, the lines its affected versions reach
    expect(await team.textContent(`tr[data-report="${a.id}"]`)).toContain('18.x, 22.x, 24.x');
    expect(await team.textContent(`tr[data-report="${b.id}"]`)).toContain('22.x, 24.x');
    expect(await team.textContent(`tr[data-report="${a.id}"] td.missing`)).toBe('complete');
    // what is missing: the second report's summary, and the steps nobody ticked
    expect(await team.textContent(`tr[data-report="${b.id}"] td.missing`)).toBe('lacks a summary');
    expect(await team.getAttribute('li[data-step="plan-cve"]', 'data-done')).toBe('yes');
    expect(await team.getAttribute('li[data-step="plan-assessment"]', 'data-done')).toBe('no');
    // the steps of the release day and the clean-up are not ticked yet: no button offers to
    for (const step of ['release-builds', 'cleanup-branches'])
      expect(await team.locator(`li[data-step="${step}"] button`).count()).toBe(0);
    await shot(team, 'planning');
    await submit(team, '#pre-announce-form button[type=submit]');
    expect(await team.textContent('h1')).toBe('Not now');
    const why = (await team.textContent('#error-message'))!;
    expect(why).toContain(`report ${b.id} lacks a summary`);
    expect(why).toContain('"Choose the release lines and the version each ships" is not ticked');
    expect(listMail()).toEqual([]);
    await submit(team, 'main a:text("Back to the release")');
    expect(team.url()).toBe(releaseUrl);

    // the summary through the report's edit form, then the planning steps
    const edit = `tr[data-report="${b.id}"] + tr.fix-edit`;
    await team.click(`${edit} summary`);
    await team.fill(
      `${edit} textarea[name="summary"]`,
      'A symlink inside an allowed folder reaches outside it.',
    );
    await submit(team, `${edit} button[type=submit]:text("Save")`);
    expect(await team.textContent(`tr[data-report="${b.id}"] td.missing`)).toBe('complete');
    expect(await team.getAttribute('li[data-step="plan-assessment"]', 'data-done')).toBe('yes');
    for (const step of ['plan-lines', 'plan-reports', 'plan-patches', 'plan-releasers']) {
      await submit(team, `li[data-step="${step}"] button`);
      expect(await team.getAttribute(`li[data-step="${step}"]`, 'data-done')).toBe('yes');
    }
    // the downstream distributors are told under embargo before the list
    await submit(team, 'li[data-step="announce-downstream"] button');

    // the pre-announcement: lines, date, counts per severity; no titles, CVE ids, summaries or names
    const draft = (await team.textContent('#pre-announcement'))!;
    await submit(team, '#pre-announce-form button[type=submit]');
    expect(await stateOf(team)).toBe('pre-announced');
    expect(await team.getAttribute('li[data-step="announce-pre"]', 'data-done')).toBe('yes');
    const pre = (await inbox.last(LIST, /pre-announcement: Tuesday, March 17, 2026/)).text;
    expect(listMail()).toHaveLength(1);
    expect(pre).toContain('new versions of the 24.x and 22.x release lines');
    expect(pre).toContain('2 critical severity issues');
    for (const secret of [
      a.title,
      b.title,
      a.cveId,
      b.cveId,
      'obsolete line folding',
      'symlink',
      'Paolo Insogna',
      'CWE-444',
    ]) {
      expect(pre).not.toContain(secret);
      expect(draft).not.toContain(secret);
    }
    // the plan is frozen once announced
    expect(await team.locator('#add-report').count()).toBe(0);
    await shot(team, 'pre-announced');

    // nobody outside the team sees anything of it: not a visitor, not the researcher who reported one
    const visitor = await person();
    await visitor.goto(releaseUrl);
    expect(await visitor.textContent('h1')).toBe('Not found');
    expect(await visitor.textContent('main')).not.toContain('2026-03-17');
    await visitor.goto(`${base}/disclosure/releases`);
    expect(await visitor.locator('table.releases').count()).toBe(0);
    const reporter = await person();
    await login(reporter, researcher);
    expect(await reporter.locator('#nav-releases').count()).toBe(0);
    await reporter.goto(releaseUrl);
    expect(await reporter.textContent('h1')).toBe('Not found');
    expect(await reporter.textContent('main')).not.toContain(b.title);
    await shot(reporter, 'embargo-not-found');

    // a regression: a week later, with the reason kept in the history and told to the list
    await team.fill('#a-date', '2026-03-24');
    await team.fill('#a-reason', 'A regression in the 22.x build needs another week.');
    await submit(team, '#postpone-form button[type=submit]');
    expect(await team.textContent('#release-date')).toContain('2026-03-24');
    const history = (await team.textContent('#date-changes'))!;
    expect(history).toContain('2026-03-17 → 2026-03-24');
    expect(history).toContain('A regression in the 22.x build needs another week.');
    const moved = (await inbox.last(LIST, /postponed: Tuesday, March 17, 2026 to Tuesday, March 24, 2026/))
      .text;
    expect(listMail()).toHaveLength(2);
    expect(moved).toContain('A regression in the 22.x build needs another week.');
    expect(moved).not.toContain(a.cveId);
    // publishing before the day is refused
    await submit(team, 'form[action$="/publish"] button');
    expect(await team.textContent('#error-message')).toContain('under embargo until 2026-03-24');
    await submit(team, 'main a:text("Back to the release")');

    // the day: the builds are ticked, and the release is published
    clock.set(new Date('2026-03-24T09:00:00.000Z'));
    await login(team, core);
    await team.goto(releaseUrl);
    await submit(team, 'li[data-step="release-builds"] button');
    await submit(team, 'form[action$="/publish"] button');
    expect(await stateOf(team)).toBe('released');
    expect(await team.getAttribute('li[data-step="release-publish"]', 'data-done')).toBe('yes');
    // what is done is done: only the clean-up is ticked now
    expect(await team.locator('li[data-step="release-builds"] button').count()).toBe(0);
    expect(await team.textContent('li[data-step="cleanup-retro"] button')).toBe('Tick');
    const advisories = await team.locator('dl.facts a[href^="/advisories/"]').allTextContents();
    expect(advisories).toHaveLength(2);
    for (const id of advisories) expect(id).toMatch(/^NSWG-COR-\d+$/);
    const announcement = (await team.textContent('#announcement'))!;
    for (const text of [a.title, b.title, a.cveId, b.cveId, 'Paolo Insogna'])
      expect(announcement).toContain(text);
    await shot(team, 'released');
    const mailed = (await inbox.last(LIST, /available: Tuesday, March 24, 2026/)).text;
    expect(listMail()).toHaveLength(3);
    for (const text of [a.title, a.cveId, b.cveId]) expect(mailed).toContain(text);

    // public now: a visitor finds it from the program's footer, with its advisories and announcement
    await visitor.goto(`${base}/`);
    await submit(visitor, 'header a[href="/disclosure/reports/new"]');
    await submit(visitor, '#footer-releases');
    await submit(visitor, `table.releases a[href="${new URL(releaseUrl).pathname}"]`);
    expect(await visitor.textContent('h1')).toBe('Tuesday, March 24, 2026 security releases');
    expect(await visitor.locator('dl.facts a[href^="/advisories/"]').allTextContents()).toEqual(advisories);
    const article = (await visitor.textContent('#announcement'))!;
    for (const text of [a.title, b.title, a.cveId, b.cveId]) expect(article).toContain(text);
    // and every link of the page leads somewhere
    for (const href of await visitor
      .locator('main a')
      .evaluateAll((as) => as.map((x) => x.getAttribute('href')!)))
      if (href.startsWith('/')) expect((await fetch(`${base}${href}`)).status, href).toBe(200);
    // the CSAF documents of its advisories, in the provider's directory
    const csaf = await visitor
      .locator('dl.facts a[href^="/.well-known/csaf/"]')
      .evaluateAll((as) => as.map((x) => x.getAttribute('href')!));
    expect(csaf).toHaveLength(3);
    const tracking = async (path: string) =>
      ((await (await fetch(`${base}${path}`)).json()) as { document: { tracking: { id: string } } }).document
        .tracking.id;
    // the release's own document first, then each advisory's
    expect(await tracking(csaf[0]!)).toMatch(/^NSWG-SR-\d{4}-\d{2}-\d{2}$/);
    expect(await tracking(csaf[1]!)).toBe(advisories[0]);
    await shot(visitor, 'public');
    await submit(visitor, `dl.facts a[href="/advisories/${advisories[0]}"]`);
    expect(await visitor.textContent('h1')).toContain(a.title);
    expect(await visitor.textContent('main')).toContain(a.cveId);
    // the researcher reads it too
    await reporter.goto(releaseUrl);
    expect(await reporter.textContent('h1')).toBe('Tuesday, March 24, 2026 security releases');

    // the pages ran under the strict CSP without a violation or an error; the browser logs the 404 and
    // 409 pages it was meant to meet, as it logs any 4xx page
    const unexpected = trouble.filter((t) => !(t.kind === 'console' && /status of (404|409)/.test(t.text)));
    expect(unexpected).toEqual([]);
    expect(trouble.filter((t) => /404/.test(t.text)).map((t) => t.url)).toEqual([releaseUrl, releaseUrl]);
  });
});
