import type { Advisory, Severity, SourceFreshness } from '../advisories/index.js';

/** How to get rid of a finding. */
export interface Fix {
  /** The lowest version that is no longer affected and not below the installed one; null: no fixed version yet. */
  version: string | null;
  /** The patched range as the advisory writes it, when it has one. */
  patched: string | null;
}

/**
 * One finding: an installed package version that an advisory affects (npm audit's triple
 * name, version, advisory), with everything a report needs. Its lists are read-only: the findings
 * of one installed version share them.
 */
export interface Finding {
  name: string;
  version: string;
  /** The vulnerability's id: of its records (joined by their aliases), the Working Group's, else GitHub's. */
  id: string;
  /** Every other id of the vulnerability: CVE ids, the other records' ids and their aliases. */
  aliases: readonly string[];
  severity: Severity;
  /** The package is malware (scan's isMalicious): remove it; there is no version to upgrade to. */
  malicious: boolean;
  title: string;
  /** Dependency paths that bring it in: ["root", (workspace,) …, name]; shortest first. */
  paths: readonly (readonly string[])[];
  /** Every installed copy is reachable only through devDependencies. */
  dev: boolean;
  /** Every installed copy is reachable only through optionalDependencies. */
  optional: boolean;
  /** The workspaces whose dependencies reach it; [] when only the root project does. */
  workspaces: readonly string[];
  /** Where the copies sit (node_modules/… or lockfile keys). */
  locations: readonly string[];
  /** The names it is installed under, where an `npm:` alias differs from the package name. */
  installedAs: readonly string[];
  fix: Fix;
  /** The vulnerable range that matched (as the advisory writes it). */
  range: string;
  advisory: Advisory;
}

/** A finding left out by the ignore file, with the entry that did it. */
export interface IgnoredFinding {
  finding: Finding;
  reason: string;
  expires: string | null;
}

/** What `nswg check-node` says about a Node.js version. */
export interface NodeCheck {
  version: string;
  platform: string;
  findings: { id: string; aliases: string[]; severity: Severity; title: string; patched: string | null }[];
  endOfLife: boolean;
  /** The release line (e.g. "20.x") and when it ends or ended, from the bundled schedule. */
  line?: { name: string; end: string | null; lts: boolean };
}

/** Where the advisories came from, and how old they are. */
export interface DatabaseInfo {
  name: string;
  source: string | null;
  /** The newest `modified` in the database. */
  newest: string | null;
  advisories: number;
  /** The newest advisory of each source and ecosystem: one date over all of them hides an old part. */
  freshness: SourceFreshness[];
}

/** A lockfile the scan read. */
export interface ScannedLockfile {
  file: string;
  format: string;
}

/** Everything a reporter needs: findings, what was scanned, where the data came from. */
export interface AuditReport {
  /** Sorted by name, version, id. */
  findings: Finding[];
  ignored: IgnoredFinding[];
  /** Ignore entries past their expiry date: they no longer ignore anything. */
  expiredIgnores: { id: string; package: string | null; reason: string; expires: string }[];
  node: NodeCheck | null;
  project: { root: string; name: string | null; lockfiles: ScannedLockfile[]; workspaces: string[] };
  /** Installed packages counted the way npm's metadata does. */
  dependencies: {
    prod: number;
    dev: number;
    optional: number;
    peer: number;
    peerOptional: number;
    total: number;
  };
  database: DatabaseInfo;
  /** Severity at or above which the command fails (exit 1). */
  auditLevel: Severity;
  summary: { total: number; bySeverity: Record<Severity, number>; packages: number };
}
