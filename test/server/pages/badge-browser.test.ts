// The badge in headless Chromium: loaded as a document and as an image on the package's policy
// page, it draws at its size with both texts, under the server's CSP, with no error.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp, serverConfig, systemClock } from '../../../src/server/index.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { CHROMIUM, haveChromium, launchChromium } from '../../helpers/browser.js';
import { freshDb, type TestDb } from '../../helpers/db.js';

if (!haveChromium && !process.env.CI)
  console.warn(
    `badge browser test skipped: no Chromium at ${CHROMIUM} (apt-get install or set NSWG_CHROMIUM); in CI it fails`,
  );

describe.skipIf(!haveChromium && !process.env.CI)('the badge in headless Chromium', () => {
  let tdb: TestDb;
  let store: Store;
  let app: App;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    tdb = await freshDb('sqlite');
    store = await openStore(tdb.target, { mode: 'create' });
    const config = serverConfig({ logLevel: 'silent', port: 0 });
    app = await buildApp({ store, config, clock: systemClock });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    // as nswg serve --port 0 does: links name the port picked
    config.publicUrl = base;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await store?.close();
    await tdb?.drop();
  });

  it('draws the SVG at its size, with the label, the message and the link', async () => {
    const page = await browser.newPage();
    const trouble: string[] = [];
    page.on('console', (m) => m.type() === 'error' && trouble.push(m.text()));
    page.on('pageerror', (e) => trouble.push(e.message));
    const res = await page.goto(`${base}/badge/@acme/widget.svg`);
    expect(res?.status()).toBe(200);
    /** What the browser drew: the SVG's box, each text's drawn width, the link. */
    interface Drawn {
      width: number;
      height: number;
      declared: number;
      texts: { text: string; width: number; shadow: boolean }[];
      link: string;
    }
    // evaluated in the page (a string: the tests' types know no DOM)
    const drawn = await page.evaluate<Drawn>(`(() => {
      const svg = document.querySelector('svg');
      const box = svg.getBoundingClientRect();
      const texts = [...svg.querySelectorAll('text')].map((t) => ({
        text: t.textContent,
        width: t.getBBox().width,
        shadow: t.getAttribute('aria-hidden') === 'true',
      }));
      const link = svg.querySelector('a').getAttribute('href');
      return { width: box.width, height: box.height, declared: Number(svg.getAttribute('width')), texts, link };
    })()`);
    expect(drawn.height).toBe(20);
    expect(drawn.width).toBe(drawn.declared);
    expect(drawn.width).toBeGreaterThan(150);
    const shown = drawn.texts.filter((t) => !t.shadow);
    expect(shown.map((t) => t.text)).toEqual(['Security', 'Responsible Disclosure']);
    // each text drawn, at 1/10 of its coordinates, within the badge
    for (const t of shown) {
      expect(t.width / 10, t.text!).toBeGreaterThan(20);
      expect(t.width / 10, t.text!).toBeLessThan(drawn.width);
    }
    expect(drawn.link).toBe(`${base}/policy/@acme/widget`);
    // the link works: it leads to the package's policy page
    // (in a new tab, as shields.io's badges open theirs)
    const [opened] = await Promise.all([page.waitForEvent('popup'), page.click('svg a')]);
    await opened.waitForLoadState();
    expect(opened.url()).toBe(`${base}/policy/@acme/widget`);
    expect(await opened.textContent('h1')).toBe('Security policy of @acme/widget');
    expect(trouble).toEqual([]);
    await page.close();
  });

  it("shows the badge as an image on the package's policy page", async () => {
    const page = await browser.newPage();
    const trouble: string[] = [];
    page.on('console', (m) => m.type() === 'error' && trouble.push(m.text()));
    await page.goto(`${base}/policy/left-pad`);
    const img = page.locator('img[alt="Security: Responsible Disclosure"]');
    await img.waitFor();
    const size = await page.evaluate<{ w: number; h: number; done: boolean }>(
      `(() => { const el = document.querySelector('img[alt^="Security"]'); return { w: el.naturalWidth, h: el.naturalHeight, done: el.complete }; })()`,
    );
    expect(size.done).toBe(true);
    expect(size.h).toBe(20);
    expect(size.w).toBeGreaterThan(150);
    expect(await page.inputValue('#badge-markdown')).toContain(`(${base}/badge/left-pad.svg)`);
    expect(trouble).toEqual([]);
    await page.close();
  });
});
