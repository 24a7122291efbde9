import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/server/index.js';
import { buildApp, serverConfig, systemClock } from '../../../src/server/index.js';
import { openStore, type Store, seedBundled } from '../../../src/store/index.js';
import { satisfies } from '../../../src/versions/index.js';
import { CHROMIUM, haveChromium, launchChromium } from '../../helpers/browser.js';
import { freshDb, type TestDb } from '../../helpers/db.js';
import { ROOT } from '../../helpers/shared.js';
import { SCOPED_ADVISORY, XSS_ADVISORY } from './fixtures.js';

/** Debian's Chromium (CI installs it); playwright-core downloads no browser of its own. */
const ARTIFACTS = join(ROOT, 'test-artifacts');

if (!haveChromium && !process.env.CI) {
  console.warn(
    `browser test skipped: no Chromium at ${CHROMIUM} (apt-get install or set NSWG_CHROMIUM); in CI it fails`,
  );
}

/** What a page did that it should not: CSP violations, console errors, uncaught errors, failed requests, dialogs. */
interface Trouble {
  kind: string;
  url: string;
  text: string;
}

describe.skipIf(!haveChromium && !process.env.CI)('the pages in headless Chromium', () => {
  let tdb: TestDb;
  let store: Store;
  let app: App;
  let base: string;
  let browser: Browser;
  const trouble: Trouble[] = [];
  /** Sub-resources the browser cancelled because the page navigated on (checked in takeTrouble). */
  const aborted: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    tdb = await freshDb('sqlite');
    store = await openStore(tdb.target, { mode: 'create' });
    await seedBundled(store);
    await store.advisories.import([XSS_ADVISORY, SCOPED_ADVISORY]);
    app = await buildApp({
      store,
      config: serverConfig({ logLevel: 'silent', port: 0 }),
      clock: systemClock,
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    // launch() gives every browser a fresh temporary user-data-dir of its own.
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await store?.close();
    await tdb?.drop();
  });

  /** A browser context that reports every CSP violation, console error, page error and failed request. */
  async function watchedContext(options: Parameters<Browser['newContext']>[0]): Promise<BrowserContext> {
    const context = await browser.newContext(options);
    await context.exposeBinding('__nswgReportViolation', ({ page }, v: string) => {
      trouble.push({ kind: 'csp', url: page.url(), text: v });
    });
    // Scripts run in the page are strings: the project compiles without the DOM library.
    await context.addInitScript(`document.addEventListener('securitypolicyviolation', (e) => {
      window.__nswgReportViolation(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ': ' + e.sample);
    });`);
    context.on('page', (page) => watch(page));
    return context;
  }

  function watch(page: Page): void {
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning')
        trouble.push({ kind: `console.${m.type()}`, url: page.url(), text: m.text() });
    });
    page.on('pageerror', (e) => trouble.push({ kind: 'pageerror', url: page.url(), text: e.message }));
    page.on('requestfailed', (r) => {
      const text = r.failure()?.errorText ?? '';
      // A sub-resource still loading when the test moves on (the icon, typically) is cancelled by
      // the navigation: that is the browser's doing, not the page's, as long as the resource
      // itself is served. takeTrouble checks that it is.
      if (text === 'net::ERR_ABORTED' && r.resourceType() !== 'document') aborted.push(r.url());
      else trouble.push({ kind: 'requestfailed', url: r.url(), text });
    });
    page.on('dialog', (d) => {
      trouble.push({ kind: 'dialog', url: page.url(), text: d.message() });
      void d.dismiss();
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && r.request().resourceType() !== 'document')
        trouble.push({ kind: `http ${r.status()}`, url: r.url(), text: '' });
    });
  }

  /**
   * Takes what was recorded, leaving the list empty. A request cancelled by a navigation counts
   * only if fetching it again does not give 200.
   */
  const takeTrouble = async () => {
    for (const url of aborted.splice(0, aborted.length)) {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status !== 200)
        trouble.push({ kind: 'requestfailed', url, text: `net::ERR_ABORTED, then ${res.status}` });
    }
    return trouble.splice(0, trouble.length);
  };

  /** A screenshot in test-artifacts/ (the whole page, but only the first screens of a very long one). */
  const shot = async (page: Page, name: string) => {
    const height = await page.evaluate<number>('document.documentElement.scrollHeight');
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: height < 4000 });
  };

  it('notices a CSP violation when there is one (the watch itself works)', async () => {
    const context = await watchedContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.evaluate(
      `document.body.insertAdjacentHTML('beforeend', '<p style="color: red">inline style</p>')`,
    );
    await expect.poll(() => trouble.filter((t) => t.kind === 'csp').length).toBeGreaterThan(0);
    expect(trouble.find((t) => t.kind === 'csp')?.text).toMatch(/^style-src/);
    await takeTrouble();
    await context.close();
  });

  it('searches for a package, opens an advisory, and checks a version on the package page (desktop)', async () => {
    const context = await watchedContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    expect(await page.title()).toContain('Advisories');
    // The stylesheet applied and the script ran, both from files under the CSP.
    expect(
      await page.evaluate(`getComputedStyle(document.querySelector('header.site')).borderBottomStyle`),
    ).toBe('solid');
    await page.keyboard.press('/');
    expect(await page.evaluate('document.activeElement.id')).toBe('q');
    await shot(page, 'home-desktop');

    await page.fill('#q', 'lodash');
    await Promise.all([page.waitForURL(/\/search\?q=lodash$/), page.press('#q', 'Enter')]);
    expect(await page.textContent('h1')).toBe('Search: lodash');
    await shot(page, 'search-desktop');

    const first = page.locator('ul.advisories a.title').first();
    const title = (await first.textContent())!.trim();
    await Promise.all([page.waitForURL(/\/advisories\//), first.click()]);
    expect((await page.textContent('h1'))!.trim()).toBe(title);
    expect(await page.locator('dl.cvss dt').count()).toBeGreaterThan(0);
    // what it is and what to do show first; the vector's explanation is folded until asked for
    expect(await page.locator('#summary').isVisible()).toBe(true);
    expect(await page.locator('dl.cvss').isVisible()).toBe(false);
    await page.click('details.cvss-explained summary');
    expect(await page.locator('dl.cvss').isVisible()).toBe(true);
    await shot(page, 'advisory-desktop');

    await Promise.all([
      page.waitForURL(/\/packages\/lodash$/),
      page.click('p.crumbs a[href="/packages/lodash"]'),
    ]);
    const lodash = await store.advisories.forPackage('lodash');
    for (const version of ['4.17.4', '4.17.21']) {
      await page.fill('#version', version);
      await Promise.all([
        page.waitForURL(new RegExp(`version=${version.replace(/\./g, '\\.')}$`)),
        page.press('#version', 'Enter'),
      ]);
      const affecting = lodash.filter((a) =>
        a.affected.some((x) => x.name === 'lodash' && satisfies(version, x.vulnerable)),
      );
      const result = (await page.textContent('#check-result'))!;
      if (affecting.length)
        expect(result).toContain(`lodash@${version} is affected by ${affecting.length} advisor`);
      else expect(result).toContain(`lodash@${version} is not affected`);
      expect(await page.locator('ul.advisories > li.hit').count()).toBe(affecting.length);
    }
    await shot(page, 'package-desktop');
    await page.fill('#version', 'banana');
    await Promise.all([page.waitForURL(/version=banana$/), page.press('#version', 'Enter')]);
    expect(await page.textContent('#check-result')).toContain('“banana” is not a version npm can read.');
    // The answer to a version that does not parse is a 400 page, which Chromium logs as such: that
    // one line is expected, anything else is not.
    const logged = await takeTrouble();
    expect(logged).toEqual([
      {
        kind: 'console.error',
        url: `${base}/packages/lodash?version=banana`,
        text: expect.stringContaining('status of 400 (Bad Request)'),
      },
    ]);

    await page.goto(`${base}/node`);
    await page.fill('#version', '20.1.0');
    await Promise.all([
      page.waitForURL(/\/node\?version=20\.1\.0&platform=all$/),
      page.press('#version', 'Enter'),
    ]);
    expect(await page.textContent('#check-result')).toContain(
      'Node.js 20.1.0 on any platform is affected by',
    );
    await shot(page, 'node-desktop');

    expect(await takeTrouble()).toEqual([]);
    await context.close();
  });

  it('runs nothing from a stored XSS advisory', async () => {
    const context = await watchedContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    for (const path of [
      `/advisories/${XSS_ADVISORY.id}`,
      `/packages/${encodeURIComponent(XSS_ADVISORY.affected[0]!.name)}?version=0.1.0`,
      '/search?q=alert',
    ]) {
      await page.goto(`${base}${path}`);
      await page.waitForLoadState('load');
      // Hovering and clicking what an attacker would want clicked must not run anything either.
      for (const a of await page.locator('.prose a').all()) await a.hover();
    }
    expect(
      await page.evaluate(
        `document.querySelectorAll('img, iframe, svg, [onerror], [onload], [style]').length`,
      ),
    ).toBe(0);
    await shot(page, 'xss-desktop');
    expect(await takeTrouble()).toEqual([]);
    await context.close();
  });

  it('is readable on a phone: no sideways scrolling, same flow', async () => {
    const context = await watchedContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    const page = await context.newPage();
    const noSideways = () =>
      page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');
    await page.goto(`${base}/`);
    expect(await noSideways()).toBe(true);
    await shot(page, 'home-phone');
    await page.fill('#q', '@nswg-test/widget');
    await Promise.all([page.waitForURL(/\/search\?/), page.press('#q', 'Enter')]);
    await Promise.all([page.waitForURL(/\/packages\/@nswg-test\/widget$/), page.click('.notice a')]);
    await page.fill('#version', '1.4.1');
    await Promise.all([page.waitForURL(/version=1\.4\.1$/), page.press('#version', 'Enter')]);
    expect(await page.textContent('#check-result')).toContain(
      '@nswg-test/widget@1.4.1 is affected by 1 advisory',
    );
    expect(await noSideways()).toBe(true);
    await shot(page, 'package-phone');
    await Promise.all([page.waitForURL(/\/advisories\//), page.click('#check-result a')]);
    expect(await noSideways()).toBe(true);
    await shot(page, 'advisory-phone');
    await page.goto(`${base}/advisories/NSWG-COR-1`);
    expect(await noSideways()).toBe(true);
    await page.goto(`${base}/node?version=22.3.0`);
    expect(await noSideways()).toBe(true);
    await shot(page, 'node-phone');
    expect(await takeTrouble()).toEqual([]);
    await context.close();
  });
});
