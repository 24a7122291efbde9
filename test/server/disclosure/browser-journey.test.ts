// The whole disclosure journey in a real browser (Debian's Chromium through playwright-core) against
// a real listening server, real SMTP on loopback and the real `npm audit`:
//  1. a researcher signs up (the e-mail link), reports a vulnerability with the CVSS calculator;
//     a triage team member enrols TOTP and triages it within the SLA; the maintainer is invited
//     (the link from the e-mail), signs up, accepts, fixes and proposes a release date (shown on the
//     report and the dashboard); the researcher, the team and the maintainer each say what may be
//     disclosed; the team publishes; the advisory is on the public pages, the report is public in
//     the form they agreed, and `npm audit` reports it.
//     The CVE ids come from a block an admin records on the admin page: publication takes the next
//     one, the advisory's aliases and `nswg audit` name it, and GET /cve/{id}.json serves its record
//     (valid against the CVE JSON 5.1 schema), crediting the maintainer, who accepted the credit the
//     team proposed. The widget is an eligible module of the bug bounty (an admin added it and a
//     budget on the admin page): publication proposes the critical reward, a second member approves
//     and pays it, the researcher sees it paid, and appears in the hall of fame as they chose.
//  2. the maintainer never answers: at day 45 (fake clock, scheduler run) the report is published
//     with no upper bound (`*`), and `npm audit` reports every version.
//  3. a machine-written report is closed as spam with a message; the reporter's signal, which the
//     team sees on the report, drops.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/disclosure/index.js';
import { SmtpMailer } from '../../../src/mail/index.js';
import { disclosureOf } from '../../../src/server/disclosure/index.js';
import { type App, buildApp, serverConfig } from '../../../src/server/index.js';
import { openStore, type Store, seedBundled } from '../../../src/store/index.js';
import { haveChromium, launchChromium } from '../../helpers/browser.js';
import { nswg } from '../../helpers/cli.js';
import { freshDb, type TestDb, testEngines } from '../../helpers/db.js';
import { setRegistryOverride } from '../../helpers/registry.js';
import { ROOT } from '../../helpers/shared.js';
import { type Inbox, makeUser, type Person, PNG, startInbox, TEST_ARGON2, totpCode } from './helpers.js';

const ARTIFACTS = join(ROOT, 'test-artifacts');
/** A Tuesday morning, UTC. */
const START = '2026-03-03T08:30:00.000Z';
/** The program as a CNA (its organization id is a version 4 UUID). */
const CNA = { orgId: '2b0c7a4e-9d1f-4c3a-8e5b-6f7a8b9c0d1e', shortName: 'nswg-journey' };
const require = createRequire(import.meta.url);

/** The official CVE JSON 5.1 schema (draft-07) with Ajv: the errors of a record, none when valid. */
function cveSchemaErrors(record: unknown): string[] {
  const Ajv = (require('ajv') as typeof import('ajv')).default;
  const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(
    JSON.parse(readFileSync(join(ROOT, 'data', 'schemas', 'cve-record-format-5.1-bundled.json'), 'utf8')),
  );
  return validate(record) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

interface Trouble {
  kind: string;
  url: string;
  text: string;
}

/** What the tests read of npm's audit report (auditReportVersion 2). */
interface NpmAuditReport {
  vulnerabilities: Record<
    string,
    { severity: string; nodes: string[]; via: ({ url: string; title: string; range: string } | string)[] }
  >;
}

/** Runs the real `npm audit --json` on a project, against the server as the registry: nothing leaves the machine. */
function npmAudit(
  dir: string,
  registry: string,
): Promise<{ code: number; report: NpmAuditReport; stderr: string }> {
  writeFileSync(join(dir, '.empty-npmrc'), '');
  const args = [
    'audit',
    '--json',
    '--registry',
    `${registry}/`,
    '--userconfig',
    join(dir, '.empty-npmrc'),
    '--cache',
    join(dir, '.npm-cache'),
    '--no-update-notifier',
    '--fetch-retries',
    '0',
    // anything that is not the registry goes to a closed port
    '--proxy',
    'http://127.0.0.1:9',
    '--https-proxy',
    'http://127.0.0.1:9',
    '--noproxy',
    '127.0.0.1',
  ];
  return new Promise((resolve) => {
    execFile(
      'npm',
      args,
      { cwd: dir, env: { PATH: process.env.PATH, HOME: dir }, maxBuffer: 64 << 20 },
      (err, stdout, stderr) =>
        resolve({
          code: err ? ((err as { code?: number }).code ?? 1) : 0,
          report: JSON.parse(stdout || '{}'),
          stderr,
        }),
    );
  });
}

/** A small project whose hand-written lockfile installs `name@version` from a registry that is never asked. */
function project(name: string, version: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'nswg-journey-'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'journey-app', version: '1.0.0', dependencies: { [name]: version } }, null, 2),
  );
  const lock = {
    name: 'journey-app',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'journey-app', version: '1.0.0', dependencies: { [name]: version } },
      [`node_modules/${name}`]: {
        version,
        resolved: `https://registry.example.com/${name}/-/${name}-${version}.tgz`,
        integrity: `sha512-${Buffer.alloc(64, 7).toString('base64')}`,
        license: 'MIT',
      },
    },
  };
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  return dir;
}

const engines = await testEngines();

describe.skipIf(!haveChromium && !process.env.CI).each(engines)(
  'the disclosure journey in Chromium (%s)',
  (engine) => {
    let tdb: TestDb;
    let store: Store;
    let app: App;
    let inbox: Inbox;
    let mailer: SmtpMailer;
    let base: string;
    let browser: Browser;
    let triage: Person;
    let admin: Person;
    const clock = new ManualClock(START);
    const trouble: Trouble[] = [];
    const dirs: string[] = [];

    beforeAll(async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      inbox = await startInbox();
      mailer = new SmtpMailer({
        host: '127.0.0.1',
        port: inbox.port,
        from: 'Node.js Security WG <security@nswg.test>',
      });
      tdb = await freshDb(engine);
      store = await openStore(tdb.target, {
        mode: 'create',
        clock,
        argon2: TEST_ARGON2,
        secret: 'journey-secret-journey-secret-journey-secret',
      });
      await seedBundled(store);
      const config = serverConfig({ logLevel: 'silent', port: 0, rateLimit: null, cna: CNA });
      app = await buildApp({
        store,
        config,
        clock,
        mailer,
        // six people log in, some several times, within a minute: more than one address may per minute
        disclosure: { schedulerIntervalMs: null, rateLimits: { login: { max: 100, timeWindowMs: 60_000 } } },
      });
      base = await app.listen({ host: '127.0.0.1', port: 0 });
      config.publicUrl = base;
      // the triage team member exists (admins give the role); they enrol TOTP in the browser
      triage = await makeUser({ store, clock }, 'triage', { roles: ['triage'] });
      admin = await makeUser({ store, clock }, 'admin', { roles: ['admin'], totp: true });
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      await app?.close();
      mailer?.close();
      await inbox?.close();
      await store?.close();
      await tdb?.drop();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
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
      page.screenshot({ path: join(ARTIFACTS, `journey-${name}.png`), fullPage: true });
    /** Clicks a submit button and waits for the page it leads to. */
    const submit = async (page: Page, selector: string) => {
      await Promise.all([page.waitForNavigation(), page.click(selector)]);
    };
    const notice = (page: Page) => page.textContent('.notice.ok');
    const state = (page: Page) => page.textContent('.meta .state');
    /** A link from the last e-mail to `to` whose subject matches, as a path on the server. */
    const mailLink = async (to: string, subject: RegExp, path: string) =>
      new URL(await inbox.link(to, subject, `${base}${path}`)).pathname;

    async function login(page: Page, p: Person, withCode: boolean): Promise<void> {
      await page.goto(`${base}/disclosure/login`);
      await page.fill('#email', p.email);
      await page.fill('#password', p.password);
      if (withCode) {
        // a code works once: as a person waits for the next one, the clock moves to the next 30 seconds
        clock.advance(30_000);
        await page.fill('#code', totpCode(p.totpSecret!, clock.now()));
      }
      await submit(page, 'form.stack button[type=submit]');
    }

    let researcher: Page;
    const researcherPerson: Person = {
      user: null as never,
      email: 'ada@example.org',
      password: 'correct horse battery',
      totpSecret: null,
      recoveryCodes: [],
    };

    it('journey 1: report, triage within the SLA, maintainer fix, publication, npm audit', {
      timeout: 180_000,
    }, async () => {
      // an admin records the block of CVE ids the CVE Program sent, on the admin page
      const desk = await person();
      await login(desk, admin, true);
      await desk.goto(`${base}/disclosure/admin/cve`);
      await desk.fill('#cve-ids', 'CVE-2026-4100..CVE-2026-4119');
      await submit(desk, 'form[action$="/cve/blocks"] button');
      expect(await notice(desk)).toContain('The block is recorded');
      expect(await desk.textContent('#cve-available')).toBe('20');
      // and makes the widget an eligible module of the bug bounty (its maintainer approved), with a budget;
      // its downloads come from the admins' override, as on a server with no registry to ask
      await setRegistryOverride(store, 'nswg-journey-widget', { monthlyDownloads: 25_000 });
      await desk.goto(`${base}/disclosure/admin/bounty`);
      await desk.fill('#module-name', 'nswg-journey-widget');
      await desk.selectOption('#module-section', 'confirmed');
      await desk.fill('#module-approved-by', 'Widget Dev');
      await submit(desk, '#module-form button[type=submit]');
      expect(await desk.textContent('[data-module="nswg-journey-widget"]')).toContain('25');
      await desk.fill('#deposit-amount', '1000');
      await desk.fill('#deposit-reason', 'the bounty budget of the year');
      await submit(desk, '#deposit-form button[type=submit]');
      expect(await desk.getAttribute('#budget-balance', 'data-cents')).toBe('100000');

      // a researcher signs up and confirms the address with the link the SMTP server received
      researcher = await person();
      await researcher.goto(`${base}/`);
      await researcher.goto(`${base}/disclosure/signup`);
      await researcher.fill('#email', researcherPerson.email);
      await researcher.fill('#displayName', 'Ada Lovelace');
      await researcher.fill('#handle', 'ada');
      await researcher.fill('#password', researcherPerson.password);
      await submit(researcher, 'form.stack button[type=submit]');
      // the same answer whatever the address: the link went by e-mail
      expect(await researcher.textContent('#signed-up')).toContain('a link to confirm it is on its way');
      await researcher.goto(
        `${base}${await mailLink(researcherPerson.email, /Confirm your e-mail/, '/disclosure/verify-email/')}`,
      );
      await submit(researcher, 'form.stack button[type=submit]');
      expect(await notice(researcher)).toContain('Your e-mail address is confirmed');
      await login(researcher, researcherPerson, false);

      // the report, with the CVSS calculator computing the score in the page
      await researcher.click('header.site a[href="/disclosure/reports/new"]');
      await researcher.waitForURL(/\/disclosure\/reports\/new$/);
      await researcher.fill('#packageName', 'nswg-journey-widget');
      await researcher.fill('#affectedVersions', '<1.4.2');
      await researcher.fill('#title', 'Prototype pollution in deepMerge()');
      await researcher.fill(
        '#description',
        'deepMerge() copies `__proto__` keys from its **second** argument into the target.',
      );
      await researcher.fill(
        '#impact',
        'Any process that merges untrusted JSON can have `Object.prototype` changed.',
      );
      await researcher.fill('#reproduction', 'deepMerge({}, JSON.parse(\'{"__proto__":{"polluted":1}}\'))');
      await researcher.check('input[name="contactedMaintainer"][value="no"]');
      await researcher.check('input[name="openedIssue"][value="no"]');
      for (const [metric, value] of [
        ['AV', 'N'],
        ['AC', 'L'],
        ['PR', 'N'],
        ['UI', 'N'],
        ['S', 'U'],
        ['C', 'H'],
        ['I', 'H'],
        ['A', 'H'],
      ])
        await researcher.selectOption(`select[data-metric="${metric}"]`, value!);
      expect(await researcher.inputValue('#cvssVector')).toBe('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
      expect(await researcher.getAttribute('#cvss-score', 'data-score')).toBe('9.8');
      await researcher.selectOption('select[data-metric="A"]', 'N');
      expect(await researcher.getAttribute('#cvss-score', 'data-score')).toBe('9.1');
      await researcher.selectOption('select[data-metric="A"]', 'H');
      await researcher.fill('#cwe', 'CWE-1321');
      await shot(researcher, 'report-form');
      await submit(researcher, '#report-form button[type=submit]');
      expect(await notice(researcher)).toContain('Your report is submitted');
      expect(await state(researcher)).toBe('new');
      const reportUrl = researcher.url().replace(/\?.*$/, '');
      const reportId = reportUrl.split('/').pop()!;
      await researcher.setInputFiles('#file', { name: 'pollution.png', mimeType: 'image/png', buffer: PNG });
      await submit(researcher, 'form[enctype="multipart/form-data"] button');
      expect(await notice(researcher)).toContain('The file is attached');
      await shot(researcher, 'report-submitted');
      // the researcher agrees to disclose the proof of concept and the screenshot on publication
      expect(await researcher.textContent('form[data-action="disclosure"]')).toContain(
        'You speak for the reporter',
      );
      await researcher.check('input[name="proofOfConcept"][value="yes"]');
      await researcher.check('input[name^="attachment-"][value="yes"]');
      await submit(researcher, 'form[data-action="disclosure"] button');
      expect(await notice(researcher)).toContain('Your disclosure statement is recorded');
      expect(await researcher.textContent('tr[data-subject="proof-of-concept"] td:nth-child(2)')).toBe(
        'agrees',
      );

      // a day later, the triage team member: no team powers until TOTP is on
      clock.advanceDays(1);
      const team = await person();
      await login(team, triage, false);
      expect(await team.textContent('.notice.bad')).toContain('needs two-factor authentication');
      // the report is there for the role: the page says what is missing, not "not found"
      await team.goto(`${base}/disclosure/reports/${reportId}`);
      expect(await team.textContent('h1')).toBe('Not allowed');
      expect(await team.textContent('#error-message')).toContain('needs two-factor authentication');
      await team.goto(`${base}/disclosure/account`);
      await submit(team, 'form[action="/disclosure/account/totp"] button');
      // the QR code beside the key, drawn (an image the strict CSP allows)
      expect(
        await team
          .locator('#totp-qr')
          .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
      ).toBeGreaterThan(0);
      const secret = (await team.textContent('#totp-secret'))!.trim();
      triage.totpSecret = secret;
      await team.fill('#enable-code', totpCode(secret, clock.now()));
      await submit(team, 'form[action="/disclosure/account/totp/enable"] button');
      expect(await notice(team)).toContain('Two-factor authentication is on');
      expect(await team.locator('#recovery-codes li').count()).toBe(10);
      await shot(team, 'recovery-codes');
      await submit(team, 'header.site button.link');
      await login(team, triage, true);
      await team.click('header.site a[href="/disclosure/triage"]');
      await team.waitForURL(/\/disclosure\/triage$/);
      const row = team.locator(`tr[data-report="${reportId}"]`);
      expect(await row.textContent()).toContain('Prototype pollution in deepMerge()');
      await shot(team, 'triage-dashboard');
      await Promise.all([team.waitForNavigation(), row.locator('a').click()]);
      await team.fill('#note-body', 'Reproduced on 1.3.0. Maintainer is @widget-dev.');
      await submit(team, 'form[action$="/notes"] button');
      await submit(team, '[data-action="accept"] button');
      expect(await state(team)).toBe('accepted');
      // the team agrees too
      await team.check('input[name="proofOfConcept"][value="yes"]');
      await team.check('input[name^="attachment-"][value="yes"]');
      await submit(team, 'form[data-action="disclosure"] button');
      const triaged = await store.reports.transaction((tx) => tx.getReport(reportId));
      expect(triaged!.firstAnswerAt).not.toBeNull();
      expect(Date.parse(triaged!.firstAnswerAt!)).toBeLessThanOrEqual(Date.parse(triaged!.firstAnswerDue));
      expect(await inbox.last(researcherPerson.email, /is now accepted/)).toBeTruthy();

      // the maintainer is invited by e-mail, signs up from the link, and accepts
      await team.fill('#invite-email', 'widget-dev@example.org');
      await submit(team, '[data-action="invite"] button');
      expect(await state(team)).toBe('maintainer-invited');
      const invitation = await mailLink(
        'widget-dev@example.org',
        /you are invited/,
        '/disclosure/invitations/',
      );
      const maintainer = await person();
      await maintainer.goto(`${base}${invitation}`);
      expect(await maintainer.textContent('main')).not.toContain('nswg-journey-widget');
      await submit(maintainer, 'main a[href^="/disclosure/signup"]');
      await maintainer.fill('#email', 'widget-dev@example.org');
      await maintainer.fill('#displayName', 'Widget Dev');
      await maintainer.fill('#password', 'maintainer password 1');
      await submit(maintainer, 'form.stack button[type=submit]');
      await maintainer.goto(
        `${base}${await mailLink('widget-dev@example.org', /Confirm your e-mail/, '/disclosure/verify-email/')}`,
      );
      await submit(maintainer, 'form.stack button[type=submit]');
      await maintainer.goto(`${base}/disclosure/login?next=${encodeURIComponent(invitation)}`);
      await maintainer.fill('#email', 'widget-dev@example.org');
      await maintainer.fill('#password', 'maintainer password 1');
      await submit(maintainer, 'form.stack button[type=submit]');
      expect(maintainer.url()).toContain(invitation);
      await submit(maintainer, 'form[action^="/disclosure/invitations/"] button');
      expect(await notice(maintainer)).toContain('You are now a maintainer of this report');
      expect(await maintainer.textContent('main')).not.toContain('Reproduced on 1.3.0');
      expect(await maintainer.locator('#notes').count()).toBe(0);

      // accepts it as valid, proposes the fix and its release date, marks it fixed
      await submit(maintainer, '[data-action="start-fix"] button');
      expect(await state(maintainer)).toBe('fix-in-progress');
      await maintainer.fill('#fix-versions', '>=1.4.2');
      await maintainer.fill('#fix-date', '2026-03-10');
      await maintainer.fill('#fix-note', 'Released as 1.4.2 with a test.');
      await submit(maintainer, '[data-action="fix-proposal"] button');
      expect(await notice(maintainer)).toContain('Your fix proposal is saved');
      const plan = (await maintainer.textContent('#fix-proposal'))!;
      expect(plan).toContain('2026-03-10');
      expect(plan).toContain('>=1.4.2');
      expect(plan).toContain('Released as 1.4.2 with a test.');
      // the maintainer objects to disclosing the screenshot: it stays private
      await maintainer.check('input[name^="attachment-"][value="no"]');
      await submit(maintainer, 'form[data-action="disclosure"] button');
      expect(
        await maintainer.textContent('tr[data-subject]:not([data-subject="proof-of-concept"]) .verdict'),
      ).toBe('no');
      // marking it fixed offers the proposed versions
      expect(await maintainer.inputValue('#patchedVersions')).toBe('>=1.4.2');
      await submit(maintainer, '[data-action="mark-fixed"] button');
      expect(await state(maintainer)).toBe('fixed');
      await shot(maintainer, 'maintainer-fixed');

      // the team credits the maintainer, who accepts on their credits page (the mail says where)
      clock.advanceDays(7);
      await login(team, triage, true);
      await team.goto(reportUrl);
      await team.selectOption('#credit-role', 'remediation-developer');
      await team.fill('#credit-name', 'Widget Dev');
      await team.fill('#credit-email', 'widget-dev@example.org');
      await submit(team, 'form[action$="/credits"] button');
      expect(await notice(team)).toContain('The credit is recorded');
      expect(await inbox.last('widget-dev@example.org', /proposed for a credit/)).toBeTruthy();
      // (the maintainer's session of a week ago is still open)
      await maintainer.click('header.site a[href="/disclosure/credits"]');
      await maintainer.waitForURL(/\/disclosure\/credits$/);
      expect(await maintainer.textContent('main')).toContain('remediation developer');
      await submit(maintainer, 'li[data-credit] form[action$="/accept"] button');
      expect(await notice(maintainer)).toContain('You accepted the credit');

      // the team sees the planned release on its dashboard, and publishes
      await team.goto(`${base}/disclosure/triage`);
      expect(await team.textContent(`tr[data-report="${reportId}"] td.release`)).toContain('2026-03-10');
      await team.goto(reportUrl);
      await submit(team, '[data-action="publish"] button');
      expect(await state(team)).toBe('published');
      const advisoryId = (await team.textContent('.meta a'))!.trim();
      expect(advisoryId).toMatch(/^NSWG-ECO-\d+$/);
      expect(Number(advisoryId.split('-')[2])).toBeGreaterThan(467);
      // publication took the first id of the block
      const cveId = 'CVE-2026-4100';
      expect(await team.textContent('main')).toContain(`${cveId} (announced)`);

      // public at once: the advisory page, the package page, the disclosed report
      const visitor = await person();
      await visitor.goto(`${base}/advisories/${advisoryId}`);
      expect(await visitor.textContent('h1')).toContain('Prototype pollution in deepMerge()');
      expect(await visitor.textContent('main')).toContain('<1.4.2');
      await shot(visitor, 'advisory');
      await visitor.goto(`${base}/packages/nswg-journey-widget?version=1.3.0`);
      expect(await visitor.textContent('#check-result')).toContain(
        'nswg-journey-widget@1.3.0 is affected by 1 advisory',
      );
      await visitor.goto(reportUrl);
      expect(await visitor.textContent('h1')).toContain('Prototype pollution in deepMerge()');
      const disclosed = (await visitor.textContent('main'))!;
      // as agreed: the proof of concept (the researcher and the team agreed, nobody objected), not the
      // screenshot (the maintainer objected); never the internal notes
      expect(await visitor.textContent('section[aria-labelledby="reproduction"]')).toContain('polluted');
      expect(disclosed).not.toContain('Reproduced on 1.3.0');
      expect(disclosed).not.toContain('pollution.png');
      expect(await visitor.locator('a[href^="/disclosure/attachments/"]').count()).toBe(0);
      expect(disclosed).toContain('Planned release2026-03-10');
      await shot(visitor, 'disclosed-report');

      // the CVE id: in the advisory's aliases over OSV, its record served and linked, with the credit
      const osv = (await (await fetch(`${base}/v1/vulns/${advisoryId}`)).json()) as {
        aliases: string[];
        credits: unknown[];
      };
      expect(osv.aliases).toEqual([cveId]);
      expect(osv.credits).toContainEqual({ name: 'Widget Dev', type: 'REMEDIATION_DEVELOPER' });
      await visitor.goto(`${base}/advisories/${advisoryId}`);
      expect(await visitor.textContent('#credits')).toBeTruthy();
      expect(await visitor.textContent('main')).toContain('Widget Dev');
      await Promise.all([visitor.waitForNavigation(), visitor.click(`a[href="/cve/${cveId}.json"]`)]);
      const record = JSON.parse((await visitor.textContent('body'))!);
      expect(cveSchemaErrors(record)).toEqual([]);
      expect(record.cveMetadata).toMatchObject({
        cveId,
        state: 'PUBLISHED',
        assignerShortName: 'nswg-journey',
      });
      expect(record.containers.cna.credits).toContainEqual({
        lang: 'en',
        value: 'Widget Dev',
        type: 'remediation developer',
      });

      // and the real npm audit reports it
      const dir = project('nswg-journey-widget', '1.3.0');
      dirs.push(dir);
      const audit = await npmAudit(dir, base);
      expect(audit.code, audit.stderr).toBe(1);
      const v = audit.report.vulnerabilities['nswg-journey-widget']!;
      expect(v).toMatchObject({ severity: 'critical', nodes: ['node_modules/nswg-journey-widget'] });
      expect(v.via[0]).toMatchObject({
        url: `${base}/advisories/${advisoryId}`,
        title: 'Prototype pollution in deepMerge()',
        range: '<1.4.2',
        cvss: { score: 9.8 },
      });
      const safe = project('nswg-journey-widget', '1.4.2');
      dirs.push(safe);
      const clean = await npmAudit(safe, base);
      expect(clean.code, clean.stderr).toBe(0);
      // and nswg audit names the CVE id
      const ours = await nswg(['audit', '--server', base, '--no-node', '--format', 'json'], { cwd: dir });
      expect(ours.code, ours.stderr).toBe(1);
      const found = JSON.parse(ours.stdout).findings as { id: string; aliases: string[] }[];
      expect(found).toContainEqual(expect.objectContaining({ id: advisoryId, aliases: [cveId] }));

      // the bounty: publication proposed the critical reward; a second member (the admin, not the
      // triager who published it) approves it, and pays it
      await desk.goto(`${base}/disclosure/bounty/rewards`);
      const rewardId = (await desk.getAttribute('[data-reward]', 'data-reward'))!;
      expect(await desk.textContent(`[data-reward="${rewardId}"]`)).toContain('$500');
      await submit(desk, `#approve-${rewardId}`);
      await desk.fill(`#reference-${rewardId}`, 'PAY-2026-0001');
      await submit(desk, `#pay-${rewardId}`);
      expect(await desk.getAttribute(`[data-reward="${rewardId}"] [data-state]`, 'data-state')).toBe('paid');
      await researcher.goto(`${base}/disclosure/rewards`);
      expect(await researcher.getAttribute(`[data-reward="${rewardId}"] [data-state]`, 'data-state')).toBe(
        'paid',
      );
      await shot(researcher, 'reward-paid');
      // the researcher in the hall of fame, as they chose to be credited
      await visitor.goto(`${base}/disclosure/hall-of-fame`);
      expect(await visitor.textContent(`[data-advisory="${advisoryId}"]`)).toBeTruthy();
      expect(await visitor.getAttribute('[data-researcher]', 'data-researcher')).toMatch(/^@?ada$/);
      expect(await visitor.textContent('main')).not.toContain('Ada Lovelace');
      await visitor.goto(`${base}/disclosure/bounty`);
      expect(await visitor.getAttribute('#bounty-paid', 'data-cents')).toBe('50000');
      await shot(visitor, 'hall-of-fame');
    });

    it('journey 2: the maintainer never answers, and the report is published at day 45 with no upper bound', {
      timeout: 180_000,
    }, async () => {
      await login(researcher, researcherPerson, false);
      await researcher.goto(`${base}/disclosure/reports/new`);
      await researcher.fill('#packageName', 'nswg-abandoned-widget');
      await researcher.fill('#affectedVersions', '<=2.0.0');
      await researcher.fill('#title', 'Regular expression denial of service in parse()');
      await researcher.fill(
        '#description',
        'parse() backtracks exponentially on a long run of spaces followed by a quote.',
      );
      await researcher.fill('#impact', 'A single request stalls the event loop for minutes.');
      await researcher.fill('#reproduction', "parse(' '.repeat(50000) + '\"')");
      await researcher.check('input[name="contactedMaintainer"][value="yes"]');
      await researcher.check('input[name="openedIssue"][value="no"]');
      await researcher.fill('#cvssVector', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H');
      expect(await researcher.getAttribute('#cvss-score', 'data-score')).toBe('7.5');
      await researcher.fill('#cwe', 'CWE-1333');
      await submit(researcher, '#report-form button[type=submit]');
      const reportUrl = researcher.url().replace(/\?.*$/, '');
      const reportId = reportUrl.split('/').pop()!;

      const team = await person();
      await login(team, triage, true);
      await team.goto(reportUrl);
      await submit(team, '[data-action="accept"] button');
      await team.fill('#invite-email', 'nobody-answers@example.org');
      await submit(team, '[data-action="invite"] button');
      expect(await state(team)).toBe('maintainer-invited');
      const due = (await store.reports.transaction((tx) => tx.getReport(reportId)))!.publicationDue!;

      // nobody answers: 45 days later the scheduler publishes it, fixed or not
      clock.set(due);
      const run = await disclosureOf(app).scheduler.runDue();
      expect(run.performed.map((a) => a.action)).toContain('auto-publish');
      const published = (await store.reports.transaction((tx) => tx.getReport(reportId)))!;
      expect(published.state).toBe('published');
      const advisory = (await store.advisories.get(published.advisoryId!))!;
      expect(advisory.affected[0]).toMatchObject({ vulnerable: '*', patched: null });

      const visitor = await person();
      await visitor.goto(`${base}/advisories/${published.advisoryId}`);
      expect(await visitor.textContent('h1')).toContain('Regular expression denial of service in parse()');
      expect(await visitor.textContent('main')).toMatch(
        /Its maintainers did not answer the invitation to fix it before the publication deadline/,
      );
      await visitor.goto(reportUrl);
      expect(await visitor.textContent('.notice.bad')).toContain(
        'Published at the deadline without a fix: the maintainers did not answer',
      );
      await shot(visitor, 'published-at-deadline');
      // the dashboard counts it (the sessions expired meanwhile: log in again)
      await login(team, triage, true);
      await team.goto(`${base}/disclosure/triage`);
      expect(await team.textContent('#published-without-fix')).toBe('1');
      await shot(team, 'triage-figures');

      const dir = project('nswg-abandoned-widget', '9.9.9');
      dirs.push(dir);
      const audit = await npmAudit(dir, base);
      expect(audit.code, audit.stderr).toBe(1);
      const v = audit.report.vulnerabilities['nswg-abandoned-widget']!;
      expect(v).toMatchObject({ severity: 'high' });
      expect(v.via[0]).toMatchObject({ url: `${base}/advisories/${published.advisoryId}`, range: '*' });

      // the pages ran under the strict CSP without a violation or an error (the 403 of the team
      // member without TOTP is the one error the browser logs, as it logs any 4xx page)
      const unexpected = trouble.filter((t) => !(t.kind === 'console' && /status of 403/.test(t.text)));
      expect(unexpected).toEqual([]);
    });

    it('journey 3: a machine-written report is closed as spam, and the reporter’s signal drops', {
      timeout: 120_000,
    }, async () => {
      await login(researcher, researcherPerson, false);
      await researcher.goto(`${base}/disclosure/reports/new`);
      await researcher.fill('#packageName', 'nswg-journey-widget');
      await researcher.fill('#affectedVersions', '*');
      await researcher.fill('#title', 'Critical remote code execution vulnerability in all functions');
      await researcher.fill(
        '#description',
        'As an AI language model I have identified that the package may be vulnerable to many attacks.',
      );
      await researcher.fill('#impact', 'An attacker could potentially do anything at all to the system.');
      await researcher.fill('#reproduction', 'Import the package and call any of its functions with input.');
      await researcher.check('input[name="contactedMaintainer"][value="no"]');
      await researcher.check('input[name="openedIssue"][value="no"]');
      await researcher.check('input[name="toolsUsed"][value="ai"]');
      await submit(researcher, '#report-form button[type=submit]');
      expect(researcher.url(), (await researcher.textContent('main')) ?? '').toMatch(
        /\/disclosure\/reports\/[^/?]+\?/,
      );
      const reportUrl = researcher.url().replace(/\?.*$/, '');

      // the team sees who reports it: every earlier report of theirs was valid
      const team = await person();
      await login(team, triage, true);
      await team.goto(reportUrl);
      expect(await team.textContent('#reporter-signal h3')).toContain('100% valid');
      await team.selectOption('#closedAs', 'spam');
      await team.fill(
        '#reason',
        'Nothing here is a vulnerability: the report is generated text without a proof.',
      );
      await submit(team, '[data-action="reject"] button');
      expect(await state(team)).toBe('rejected');
      expect(await team.textContent('#closed-as')).toContain('spam');
      // closed as spam, it counts against them: two valid of three decided
      expect(await team.textContent('#reporter-signal h3')).toContain('67% valid');
      await shot(team, 'closed-as-spam');
      // the reporter reads why, and is mailed it
      await researcher.goto(reportUrl);
      expect(await researcher.textContent('main')).toContain('the report is generated text without a proof');
      expect(await researcher.locator('#reporter-signal').count()).toBe(0);
      expect(await inbox.last(researcherPerson.email, /is now rejected/)).toBeTruthy();
      const unexpected = trouble.filter((t) => !(t.kind === 'console' && /status of 403/.test(t.text)));
      expect(unexpected).toEqual([]);
    });
  },
);
