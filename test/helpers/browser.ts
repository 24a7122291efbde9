import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (NSWG_CHROMIUM names another). */
export const CHROMIUM = process.env.NSWG_CHROMIUM ?? '/usr/bin/chromium';
/** True when Chromium is installed (in CI it must be: the browser tests fail without it). */
export const haveChromium = existsSync(CHROMIUM);

/**
 * Starts headless Chromium for a test, each with a fresh temporary profile; without the background
 * networking flags it would keep trying hosts this closed machine cannot reach.
 */
export function launchChromium(): Promise<Browser> {
  if (!haveChromium)
    throw new Error(
      `Chromium is required in CI and is not at ${CHROMIUM}: install it (apt-get install chromium)`,
    );
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
