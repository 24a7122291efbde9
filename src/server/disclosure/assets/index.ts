import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { type Asset, asset, serveAssets } from '../../assets.js';
import { CVSS_FORM_JS } from './cvss-form-js.js';
import { DISCLOSURE_CSS } from './disclosure-css.js';

const JS = 'text/javascript; charset=utf-8';
let built: { css: Asset; cvssForm: Asset; cvssLib: Asset } | null = null;

/**
 * The program's stylesheet and scripts: the CVSS library's browser build (the one the server scores
 * with, read from its package once) and the small calculator script that uses it.
 */
export function disclosureAssets(): { css: Asset; cvssForm: Asset; cvssLib: Asset } {
  if (!built) {
    const lib = createRequire(import.meta.url).resolve('ae-cvss-calculator');
    built = {
      css: asset('disclosure', 'css', 'text/css; charset=utf-8', DISCLOSURE_CSS),
      cvssForm: asset('cvss-form', 'js', JS, CVSS_FORM_JS),
      cvssLib: asset('cvss-lib', 'js', JS, readFileSync(lib)),
    };
  }
  return built;
}

/** Serves them under content-hashed names, cached for a year. */
export function disclosureAssetRoutes(app: FastifyInstance): void {
  serveAssets(app, Object.values(disclosureAssets()));
}
