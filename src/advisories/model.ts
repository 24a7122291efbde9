import type { OsvRange } from '../versions/index.js';

/** The two families of Working Group advisories, and advisories from other databases (GHSA-…). */
export type AdvisoryKind = 'npm' | 'core';

/** npm's severity words (the npm audit and bulk advisory scale). */
export type Severity = 'info' | 'low' | 'moderate' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'moderate', 'high', 'critical'];

/** What is affected: a package (ecosystem npm) or Node.js itself (ecosystem node). */
export interface Affected {
  ecosystem: 'npm' | 'node';
  /** The npm package name, or "node" for Node.js core. */
  name: string;
  /** The vulnerable range exactly as the source wrote it (npm range syntax). */
  vulnerable: string;
  /** The patched range as written, or null where none is known. */
  patched: string | null;
  /**
   * OSV SEMVER ranges describing exactly the affected versions: for npm packages those of
   * `vulnerable` (what npm audit decides); for core, `vulnerable` minus `patched` (what
   * is-my-node-vulnerable decides).
   */
  ranges: OsvRange[];
  /** Versions listed one by one (OSV `versions`), in addition to the ranges. */
  versions: string[];
  /** Platforms where it applies (core `affectedEnvironments`: all, win32, linux, …); [] = not stated. */
  platforms: string[];
  /** Affected components (e.g. "http", "crypto" for core), where known. */
  components: string[];
}

/** A CVSS assessment: the vector as written (normalized with its `CVSS:x.y/` prefix) and the score. */
export interface Cvss {
  vector: string | null;
  score: number | null;
}

/** A CWE classification: `CWE-79`, with its name when the source gives one. */
export interface Weakness {
  id: string;
  name: string | null;
}

/** OSV reference types. */
export type ReferenceType =
  | 'ADVISORY'
  | 'ARTICLE'
  | 'DETECTION'
  | 'DISCUSSION'
  | 'REPORT'
  | 'FIX'
  | 'INTRODUCED'
  | 'GIT'
  | 'PACKAGE'
  | 'EVIDENCE'
  | 'WEB';

export interface Reference {
  type: ReferenceType;
  url: string;
}

/** OSV credit types. */
export type CreditType =
  | 'FINDER'
  | 'REPORTER'
  | 'ANALYST'
  | 'COORDINATOR'
  | 'REMEDIATION_DEVELOPER'
  | 'REMEDIATION_REVIEWER'
  | 'REMEDIATION_VERIFIER'
  | 'TOOL'
  | 'SPONSOR'
  | 'OTHER';

/** Who found, reported or fixed it: the Working Group's author (name, website, username). */
export interface Credit {
  name: string;
  type: CreditType;
  website: string | null;
  username: string | null;
  /** Other contacts (OSV `contact`: URLs, e-mail addresses). */
  contact: string[];
}

/**
 * How the source file wrote things that the model normalizes, kept so that exporting gives back
 * the same JSON values: a CVSS score of -1, `references: null`, a core `cvss` without its prefix,
 * and the source's key order.
 */
export interface AsWritten {
  cvssScore?: number | null;
  cvssVector?: string | null;
  referencesNull?: boolean;
  recommendationNull?: boolean;
  fieldOrder?: string[];
}

/**
 * The one internal advisory record: a superset of OSV 1.7 that keeps everything of the Working
 * Group's JSON. Dates are ISO 8601 timestamps (UTC).
 */
export interface Advisory {
  /** NSWG-ECO-<n>, NSWG-COR-<n>, or another database's id (GHSA-…). */
  id: string;
  kind: AdvisoryKind;
  modified: string;
  published: string | null;
  created: string | null;
  withdrawn: string | null;
  /** CVE ids and other databases' ids for the same vulnerability. */
  aliases: string[];
  /** OSV `related`. */
  related: string[];
  /** The title (npm `title`, core `description`, OSV `summary`). */
  title: string | null;
  /** Markdown (npm and core `overview`, OSV `details`). */
  details: string | null;
  recommendation: string | null;
  affected: Affected[];
  cvss: Cvss | null;
  /** The severity the source declares in words (core `severity`), when it does. */
  declaredSeverity: string | null;
  weaknesses: Weakness[];
  references: Reference[];
  credits: Credit[];
  coordinatingVendor: string | null;
  /** The source's representation details (see AsWritten). */
  asWritten: AsWritten;
}

const ECO = /^NSWG-ECO-(\d+)$/;
const COR = /^NSWG-COR-(\d+)$/;

/** The Working Group id of an npm advisory number. */
export const npmAdvisoryId = (n: number): string => `NSWG-ECO-${n}`;
/** The Working Group id of a core advisory number. */
export const coreAdvisoryId = (n: number): string => `NSWG-COR-${n}`;

/** The Working Group number and family of an id, or null for other databases' ids. */
export function parseWgId(id: string): { kind: AdvisoryKind; number: number } | null {
  const e = ECO.exec(id);
  if (e) return { kind: 'npm', number: Number(e[1]) };
  const c = COR.exec(id);
  if (c) return { kind: 'core', number: Number(c[1]) };
  return null;
}

/** Normalizes a date or timestamp to an ISO 8601 UTC timestamp; null when it is not one. */
export function toTimestamp(text: string): string | null {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(
      text.trim(),
    );
  if (!m) return null;
  const d = new Date(
    m[4] ? text.trim().replace(' ', 'T') + (m[8] ? '' : 'Z') : `${m[1]}-${m[2]}-${m[3]}T00:00:00Z`,
  );
  if (Number.isNaN(d.getTime())) return null;
  const iso = d.toISOString();
  return m[7] ? iso : iso.replace('.000Z', 'Z');
}
