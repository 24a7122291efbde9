// The README's "Run the disclosure program", followed literally on a fresh install: `nswg serve` as
// `npm start` runs it (no SMTP server), the `nswg user` commands the README names, and a real browser
// (Debian's Chromium), from nothing to a triaged report. The test never opens the database: whatever
// the program needs, a person does through the pages or the commands.
import { rmSync } from 'node:fs';
import { Secret, TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveChromium, launchChromium } from '../../helpers/browser.js';
import { nswg, tempHome } from '../../helpers/cli.js';
import { freshDb, type TestDb, testEngines } from '../../helpers/db.js';
import { type Served, serveCli } from '../../helpers/server.js';

const engines = await testEngines();

/** The code an authenticator app shows now for a key typed from the page. */
const codeNow = (key: string) => new TOTP({ secret: Secret.fromBase32(key) }).generate();

describe.skipIf(!haveChromium && !process.env.CI).each(engines)(
  'a fresh install, run as the README says (%s)',
  (engine) => {
    const home = tempHome();
    let tdb: TestDb | null = null;
    let dbArgs: string[] = [];
    let server: Served;
    let browser: Browser;
    const trouble: string[] = [];

    beforeAll(async () => {
      // SQLite: the default database in the (empty) home, as `npm start` makes it; PostgreSQL: an empty database
      if (engine === 'postgres') {
        tdb = await freshDb('postgres');
        dbArgs = ['--db', (tdb.target as { url: string }).url];
      }
      server = await serveCli(dbArgs, { NSWG_HOME: home });
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      await tdb?.drop();
      rmSync(home, { recursive: true, force: true });
    });

    /** A person's browser, recording CSP violations and script errors. */
    async function person(): Promise<Page> {
      const context = await browser.newContext();
      await context.exposeBinding('__nswgViolation', (_s, v: string) => trouble.push(`csp: ${v}`));
      await context.addInitScript(`document.addEventListener('securitypolicyviolation', (e) => {
        window.__nswgViolation(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline'));
      });`);
      const page = await context.newPage();
      page.on('pageerror', (e) => trouble.push(`pageerror: ${e.message}`));
      return page;
    }
    const submit = async (page: Page, selector: string) => {
      await Promise.all([page.waitForNavigation(), page.click(selector)]);
    };
    const user = (...args: string[]) => nswg(['user', ...args, ...dbArgs], { home });
    async function login(page: Page, email: string, password: string, code = ''): Promise<void> {
      await page.goto(`${server.url}/disclosure/login`);
      await page.fill('#email', email);
      await page.fill('#password', password);
      if (code) await page.fill('#code', code);
      await submit(page, 'form.stack button[type=submit]');
    }
    /** Account → Set up two-factor authentication: the QR code, the key into the app, its code, the recovery codes. */
    async function twoFactors(page: Page): Promise<void> {
      await page.goto(`${server.url}/disclosure/account`);
      await submit(page, 'form[action="/disclosure/account/totp"] button');
      expect(
        await page
          .locator('#totp-qr')
          .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
      ).toBeGreaterThan(0);
      const key = (await page.textContent('#totp-secret'))!.trim();
      await page.fill('#enable-code', codeNow(key));
      await submit(page, 'form[action="/disclosure/account/totp/enable"] button');
      expect(await page.locator('#recovery-codes li').count()).toBe(10);
    }
    /** Signs up at /disclosure/signup: the page says where the confirmation went. */
    async function signUp(page: Page, email: string, name: string, password: string): Promise<string> {
      await page.goto(`${server.url}/disclosure/signup`);
      await page.fill('#email', email);
      await page.fill('#displayName', name);
      await page.fill('#password', password);
      await submit(page, 'form.stack button[type=submit]');
      return (await page.textContent('#signed-up'))!;
    }

    it('goes from npm start to a triaged report, with no mail server and no hand edit of the database', {
      timeout: 180_000,
    }, async () => {
      // the server says where mail goes, at start
      expect(server.stderr()).toContain(
        'no SMTP server is configured (--smtp-url): the disclosure program sends no e-mail',
      );

      // 1. the first admin, and the link that sets its password
      const added = await user('add', 'admin@example.org', '--name', 'Ada Admin', '--role', 'admin');
      expect(added.code, added.stderr).toBe(0);
      const link = /(http:\/\/\S+\/disclosure\/password-reset\/\S+)/.exec(added.stdout)![1]!;
      expect(link.startsWith(`${server.url}/`)).toBe(true);
      const admin = await person();
      await admin.goto(link);
      await admin.fill('#password', 'the admin password, long');
      await submit(admin, 'form.stack button[type=submit]');
      await login(admin, 'admin@example.org', 'the admin password, long');
      // the role waits for the second factor
      expect(await admin.textContent('.notice.bad')).toContain('needs two-factor authentication');

      // 2. two-factor authentication: from then on the admin acts as admin
      await twoFactors(admin);
      expect(await admin.locator('header.site a[href="/disclosure/admin/users"]').count()).toBe(1);

      // 3. a triager and a researcher sign up; the pages say an admin confirms addresses here
      const triager = await person();
      expect(await signUp(triager, 'triager@example.org', 'Tom Triager', 'the triager password')).toContain(
        'This server sends no e-mail',
      );
      const researcher = await person();
      expect(
        await signUp(researcher, 'researcher@example.org', 'Rae Researcher', 'the researcher password'),
      ).toContain('an admin of the program confirms your address');
      // before confirmation the researcher can do nothing, and is told why
      await login(researcher, 'researcher@example.org', 'the researcher password');
      expect(await researcher.textContent('#confirm-notice')).toContain('This server sends no e-mail');
      // the admin confirms the triager on the Users page and gives the triage role there
      await admin.click('header.site a[href="/disclosure/admin/users"]');
      await admin.waitForURL(/\/disclosure\/admin\/users$/);
      await submit(admin, 'tr[data-user="triager@example.org"] form[action$="/confirm"] button');
      expect(await admin.textContent('.notice.ok')).toContain('The address is confirmed');
      await admin.check('tr[data-user="triager@example.org"] input[name="roles"][value="triage"]');
      await submit(admin, 'tr[data-user="triager@example.org"] form[action$="/roles"] button');
      expect(await admin.textContent('tr[data-user="triager@example.org"]')).toContain('confirmed');
      // and the researcher's address with the command
      const confirmed = await user('confirm', 'researcher@example.org');
      expect(confirmed.stdout, confirmed.stderr).toContain('nswg: confirmed researcher@example.org');
      // the triager turns two factors on
      await login(triager, 'triager@example.org', 'the triager password');
      await twoFactors(triager);
      expect(await triager.locator('header.site a[href="/disclosure/triage"]').count()).toBe(1);

      // 4. the researcher reports, the triager triages
      await researcher.goto(`${server.url}/disclosure/reports/new`);
      await researcher.fill('#packageName', 'fresh-install-widget');
      await researcher.fill('#affectedVersions', '<2.1.0');
      await researcher.fill('#title', 'Path traversal in serveStatic()');
      await researcher.fill(
        '#description',
        'serveStatic() joins the request path to its root without normalising `..` segments.',
      );
      await researcher.fill('#impact', 'Any file the process can read is served to anyone.');
      await researcher.fill('#reproduction', 'curl http://localhost:3000/..%2f..%2fetc/passwd');
      await researcher.check('input[name="contactedMaintainer"][value="no"]');
      await researcher.check('input[name="openedIssue"][value="no"]');
      await submit(researcher, '#report-form button[type=submit]');
      expect(await researcher.textContent('.notice.ok')).toContain('Your report is submitted');
      const reportId = researcher.url().replace(/\?.*$/, '').split('/').pop()!;

      await triager.click('header.site a[href="/disclosure/triage"]');
      await triager.waitForURL(/\/disclosure\/triage$/);
      const row = triager.locator(`tr[data-report="${reportId}"]`);
      expect(await row.textContent()).toContain('Path traversal in serveStatic()');
      await Promise.all([triager.waitForNavigation(), row.locator('a').click()]);
      await submit(triager, '[data-action="accept"] button');
      expect(await triager.textContent('.meta .state')).toBe('accepted');
      await researcher.reload();
      expect(await researcher.textContent('.meta .state')).toBe('accepted');

      // every step is in the audit log, commands included, and it verifies against its anchor
      const verify = await nswg(['audit-log', 'verify', ...dbArgs], { home });
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
      expect(verify.stdout).toMatch(/audit log intact/);
      expect(trouble).toEqual([]);
    });
  },
);
