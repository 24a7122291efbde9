import { NswgError } from '../../errors.js';
import { fixedVersionsOf } from '../fixed-versions.js';
import { type Advisory, parseWgId } from '../model.js';
import { wgUrlOf } from './npm-bulk.js';

/** The OpenVEX version this module writes (the `@context` names it). */
export const OPENVEX_CONTEXT = 'https://openvex.dev/ns/v0.2.0';

/** Where a server publishes Node.js core's OpenVEX document, as the Working Group names the file. */
export const OPENVEX_PATH = '/vex/node.openvex.json';
/** The package URL of Node.js, every version (`@v<version>` names one). */
export const NODE_PURL = 'pkg:nodejs/node';

/** OpenVEX 0.2.0's justifications for `not_affected`. */
export const VEX_JUSTIFICATIONS = [
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
] as const;
export type VexJustification = (typeof VEX_JUSTIFICATIONS)[number];

export interface VexVulnerability {
  '@id': string;
  name: string;
  description?: string;
}

export interface VexStatement {
  vulnerability: VexVulnerability;
  products: { '@id': string }[];
  status: 'fixed' | 'not_affected';
  justification?: VexJustification;
  impact_statement?: string;
}

/** An OpenVEX 0.2.0 document, in the shape the Working Group publishes as node.openvex.json. */
export interface OpenVexDocument {
  '@context': string;
  '@id': string;
  author: string;
  role: string;
  timestamp: string;
  version: number;
  statements: VexStatement[];
}

/** One entry of the Working Group's list of dependency CVEs that do not reach Node.js (vuln/deps/index.json). */
export interface DependencyAssessment {
  /** The entry's key in the list ("1", "2", …). */
  key: string;
  cves: string[];
  description: string | null;
  /** Why Node.js is not affected, in words: the statement's impact statement. */
  overview: string | null;
  ref: string | null;
  justification: VexJustification;
}

export interface OpenVexOptions {
  /** The document's `@id`: where it is published. */
  id: string;
  /** The public page of an advisory, the vulnerability's `@id` when it has no CVE. */
  advisoryUrl?: (id: string) => string;
  /**
   * When the dependency list was last changed (its snapshot's date): the document's timestamp is
   * the newest of this and the advisories' modifications.
   */
  listModified?: string | null;
}

const CVE = /^CVE-\d{4}-\d{4,}$/;
const cveUrl = (cve: string) => `https://www.cve.org/CVERecord?id=${cve}`;
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);

/**
 * The list's reason as an OpenVEX justification: the enum value itself, or the same words with
 * spaces or hyphens ("Vulnerable code not present"); null for anything else.
 */
function justificationOf(reason: unknown): VexJustification | null {
  if (typeof reason !== 'string') return null;
  const v = reason
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return (VEX_JUSTIFICATIONS as readonly string[]).includes(v) ? (v as VexJustification) : null;
}

/**
 * Reads the Working Group's dependency list (an object keyed "1", "2", … as vuln/deps/index.json,
 * or an array): every entry needs CVE ids and a reason OpenVEX knows. A bad entry is an
 * E_ADVISORY_INVALID error naming the entry and field.
 */
export function parseDependencyList(json: unknown, file = 'nswg-deps.json'): DependencyAssessment[] {
  const fail = (field: string, message: string): never => {
    throw new NswgError('E_ADVISORY_INVALID', message, { file, field });
  };
  if (json === null || typeof json !== 'object')
    fail('', 'the dependency list must be a JSON object or array');
  const entries = Array.isArray(json)
    ? json.map((v, i) => [String(i), v] as const)
    : Object.entries(json as Record<string, unknown>);
  // the list's own order: numeric keys ascending (Object.entries already does), array order
  return entries.map(([key, raw]) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      fail(key, `entry ${key} is not an object`);
    const e = raw as Record<string, unknown>;
    const cves = e.cve;
    if (!Array.isArray(cves) || !cves.length) fail(`${key}.cve`, `entry ${key} names no CVE id`);
    for (const [i, c] of (cves as unknown[]).entries())
      if (typeof c !== 'string' || !CVE.test(c))
        fail(`${key}.cve[${i}]`, `entry ${key}: ${JSON.stringify(c)} is not a CVE id`);
    const justification = justificationOf(e.reason);
    if (!justification)
      fail(
        `${key}.reason`,
        `entry ${key}: reason ${JSON.stringify(e.reason)} is not an OpenVEX justification (${VEX_JUSTIFICATIONS.join(', ')})`,
      );
    return {
      key,
      cves: cves as string[],
      description: text(e.description),
      overview: text(e.overview),
      ref: text(e.ref),
      justification: justification as VexJustification,
    };
  });
}

/** Working Group core advisories by number, then other databases' ids: the Working Group's file order. */
function byAdvisoryOrder(a: Advisory, b: Advisory): number {
  const x = parseWgId(a.id);
  const y = parseWgId(b.id);
  if (x && y) return x.number - y.number;
  if (x || y) return x ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The OpenVEX document for Node.js: a `fixed` statement per CVE of each published core advisory
 * (its products the versions its patched ranges name, `pkg:nodejs/node@v<version>`), and a
 * `not_affected` statement per CVE of the dependency list (product: every Node.js version). An
 * advisory without a CVE is stated under its own id, `@id` its page. Withdrawn advisories state
 * nothing (but their modification still moves the timestamp: the document changed). Advisories
 * sharing a CVE make one statement; a dependency CVE that an advisory fixes is left to the
 * advisory. The timestamp is the newest modification, so the document is the same until the
 * data changes, and the version is that time in Unix seconds: it only grows. Null when there is
 * nothing to state (OpenVEX wants at least one statement).
 */
export function toOpenVex(
  advisories: Iterable<Advisory>,
  deps: readonly DependencyAssessment[],
  opts: OpenVexOptions,
): OpenVexDocument | null {
  const advisoryUrl = opts.advisoryUrl ?? wgUrlOf;
  const core = [...advisories].filter((a) => a.affected.some((x) => x.ecosystem === 'node'));
  const times = [...core.map((a) => a.modified), ...(opts.listModified ? [opts.listModified] : [])]
    .map((t) => new Date(t))
    .filter((d) => !Number.isNaN(d.getTime()))
    .sort((a, b) => a.getTime() - b.getTime());
  const newest = times.at(-1);

  const fixed = new Map<string, VexStatement>();
  for (const a of core.sort(byAdvisoryOrder)) {
    if (a.withdrawn) continue;
    const versions = a.affected
      .filter((x) => x.ecosystem === 'node')
      .flatMap((x) => fixedVersionsOf(x.patched));
    if (!versions.length) continue; // no fixed release known: nothing this document can state
    const cves = a.aliases.filter((x) => CVE.test(x));
    const names = cves.length ? cves : [a.id];
    const description = text(a.details) ?? text(a.title);
    for (const name of names) {
      let s = fixed.get(name);
      if (!s) {
        s = {
          vulnerability: {
            '@id': CVE.test(name) ? cveUrl(name) : advisoryUrl(a.id),
            name,
            ...(description ? { description } : {}),
          },
          products: [],
          status: 'fixed',
        };
        fixed.set(name, s);
      }
      for (const v of versions) {
        const id = `${NODE_PURL}@v${v}`;
        if (!s.products.some((p) => p['@id'] === id)) s.products.push({ '@id': id });
      }
    }
  }

  const notAffected: VexStatement[] = [];
  const stated = new Set<string>();
  for (const d of deps) {
    const why = d.overview ?? d.description;
    for (const cve of d.cves) {
      if (fixed.has(cve) || stated.has(cve)) continue;
      stated.add(cve);
      notAffected.push({
        vulnerability: { '@id': cveUrl(cve), name: cve, ...(why ? { description: why } : {}) },
        products: [{ '@id': NODE_PURL }],
        status: 'not_affected',
        justification: d.justification,
        ...(why ? { impact_statement: why } : {}),
      });
    }
  }

  const statements = [...fixed.values(), ...notAffected];
  if (!statements.length || !newest) return null;
  return {
    '@context': OPENVEX_CONTEXT,
    '@id': opts.id,
    author: 'Node.js Security WG',
    role: 'Project',
    timestamp: newest.toISOString().replace('.000Z', 'Z'),
    version: Math.max(1, Math.floor(newest.getTime() / 1000)),
    statements,
  };
}
