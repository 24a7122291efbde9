import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  type Advisory,
  fromNswgCore,
  fromNswgNpm,
  fromOsv,
  type NswgCoreJson,
  type NswgNpmJson,
  type OsvRecord,
  SEVERITIES,
  type Severity,
} from '../../../src/advisories/index.js';
import { releaseSchedule } from '../../../src/files/index.js';
import type { AdvisorySource, AuditReport, DatabaseInfo, Finding } from '../../../src/scan/index.js';
import { checkNode, matchFindings, runAudit } from '../../../src/scan/index.js';
import type { InstalledPackage, LockfileContents } from '../../../src/scan/types.js';
import { OSV_SAMPLE } from '../../helpers/osv-folder.js';
import { SHARED, wgCore, wgNpm } from '../../helpers/shared.js';

/** The Working Group's fixtures with known answers. */
export const FIXTURES = join(SHARED, 'fixtures');
/** A fixed clock: every age and timestamp in the tests is computed from it. */
export const NOW = new Date('2026-06-01T12:00:00Z');

let npmById: Map<string, Advisory> | null = null;

/** The bundled npm advisories (data/nswg-npm.json) by id. */
export function npmAdvisories(): Map<string, Advisory> {
  npmById ??= new Map((wgNpm() as unknown as NswgNpmJson[]).map((r) => [`NSWG-ECO-${r.id}`, fromNswgNpm(r)]));
  return npmById;
}

/** One bundled advisory (a fresh copy, so a test may change it). */
export function advisory(id: string): Advisory {
  const a = npmAdvisories().get(id);
  if (!a) throw new Error(`no advisory ${id}`);
  return structuredClone(a);
}

/** The bundled advisories by package name, as an AdvisorySource answers them. */
export function byName(advisories: Iterable<Advisory> = npmAdvisories().values()): Map<string, Advisory[]> {
  const out = new Map<string, Advisory[]>();
  for (const a of advisories) {
    for (const name of new Set(a.affected.filter((x) => x.ecosystem === 'npm').map((x) => x.name))) {
      const list = out.get(name);
      if (list) list.push(a);
      else out.set(name, [a]);
    }
  }
  return out;
}

/** The bundled core advisories. */
export function coreAdvisories(): Advisory[] {
  return (wgCore() as unknown as NswgCoreJson[]).map((c) => fromNswgCore(c, c.id!, '2026-04-08T21:26:49Z'));
}

export const DATABASE: DatabaseInfo = {
  name: 'nswg.sqlite',
  source: 'bundled',
  newest: '2026-05-25T00:00:00Z',
  advisories: 638,
  // npm data a week old (fresh) against NOW; core data two months old
  freshness: [
    { source: 'Working Group', ecosystem: 'npm', newest: '2026-05-25T00:00:00Z', advisories: 467 },
    { source: 'Working Group', ecosystem: 'core', newest: '2026-03-24T00:00:00Z', advisories: 171 },
  ],
};

/** An installed copy, hoisted to `node_modules/<name>` unless `extra.location` says otherwise. */
export function pkg(
  name: string,
  version: string,
  paths: string[][],
  extra: Partial<InstalledPackage> = {},
): InstalledPackage {
  return {
    name,
    version,
    location: `node_modules/${name}`,
    paths,
    dev: false,
    optional: false,
    devOptional: false,
    peer: false,
    workspaces: [],
    ...extra,
  };
}

/** A small project: direct and transitive, dev, optional, workspace, unfixable and null-CVSS findings. */
export function smallPackages(): InstalledPackage[] {
  return [
    pkg('express', '4.4.5', [['root', 'express']]),
    pkg('send', '0.1.0', [['root', 'express', 'send']]),
    pkg('qs', '0.6.6', [['root', 'express', 'qs']]),
    pkg('negotiator', '0.6.1', [['root', 'express', 'negotiator']]),
    pkg(
      'lodash',
      '4.17.4',
      [
        ['root', 'lodash'],
        ['root', 'packages/api', 'lodash'],
      ],
      { dev: true, workspaces: ['packages/api'] },
    ),
    pkg('marked', '0.3.5', [['root', 'packages/web', 'marked']], {
      location: 'packages/web/node_modules/marked',
      workspaces: ['packages/web'],
    }),
    pkg('ldapauth', '2.2.4', [['root', 'ldapauth']], { optional: true }),
    pkg('decamelize', '1.1.1', [['root', 'yargs', 'decamelize']]),
    pkg('yargs', '3.10.0', [['root', 'yargs']]),
  ];
}

export interface ReportSpec {
  packages?: InstalledPackage[];
  advisories?: Map<string, Advisory[]>;
  /** Findings of these ids move to `ignored`. */
  ignore?: { id: string; reason: string; expires: string | null }[];
  expiredIgnores?: AuditReport['expiredIgnores'];
  node?: { version: string; platform: string } | null;
  auditLevel?: Severity;
}

/** An AuditReport as runAudit makes it, from installed packages matched against real advisories. */
export function buildReport(spec: ReportSpec = {}): AuditReport {
  const packages = spec.packages ?? smallPackages();
  const matched = matchFindings(packages, spec.advisories ?? byName());
  const ignored: AuditReport['ignored'] = [];
  const findings: Finding[] = [];
  for (const f of matched) {
    const entry = spec.ignore?.find((i) => i.id === f.id);
    if (entry) ignored.push({ finding: f, reason: entry.reason, expires: entry.expires });
    else findings.push(f);
  }
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) bySeverity[f.severity]++;
  const node = spec.node === undefined ? null : spec.node;
  return {
    findings,
    ignored,
    expiredIgnores: spec.expiredIgnores ?? [],
    node: node ? checkNode(node.version, node.platform, coreAdvisories(), NOW, releaseSchedule()) : null,
    project: {
      root: '/work/project',
      name: 'demo-app',
      lockfiles: [{ file: '/work/project/package-lock.json', format: 'npm-v3' }],
      workspaces: ['packages/api', 'packages/web'],
    },
    dependencies: { prod: 7, dev: 1, optional: 1, peer: 0, peerOptional: 0, total: 9 },
    database: DATABASE,
    auditLevel: spec.auditLevel ?? 'low',
    summary: {
      total: findings.length,
      bySeverity,
      packages: new Set(packages.map((p) => `${p.name}@${p.version}`)).size,
    },
  };
}

/** The bundled database as an AdvisorySource (what `nswg audit` reads without a server). */
export function bundledSource(): AdvisorySource {
  const names = byName();
  return {
    describe: async () => DATABASE,
    forPackages: async (wanted) => new Map(wanted.filter((n) => names.has(n)).map((n) => [n, names.get(n)!])),
    core: async () => coreAdvisories(),
  };
}

/** Audits a lockfile of the shared fixtures as `nswg audit` does (no Node.js check, nothing omitted). */
export async function auditFixture(
  lockfile: string,
): Promise<{ report: AuditReport; lockfiles: LockfileContents[] }> {
  const { extractLockfile } = await import('../../../src/files/index.js');
  const contents = await extractLockfile(lockfile);
  const report = await runAudit(dirname(lockfile), [contents], bundledSource(), {
    omit: new Set(),
    ignore: [],
    auditLevel: 'info',
    node: null,
    today: NOW,
  });
  return { report, lockfiles: [contents] };
}

/** A real published OSV record of the sample (test/fixtures/osv-sample). */
export function sampleAdvisory(id: string): Advisory {
  return fromOsv(JSON.parse(readFileSync(join(OSV_SAMPLE, `${id}.json`), 'utf8')) as OsvRecord);
}

/**
 * Malware and aliases: chalk 5.6.1 is malware (the OpenSSF record MAL-2025-46969 and GitHub's
 * CWE-506 advisory it repeats: one finding, named by GitHub's id); json5 2.2.1 has one flaw in two
 * records (GitHub's GHSA-9c47-m6qq-7p4h and a Working Group record naming its CVE: one finding,
 * named NSWG-ECO-9001, with the CVE and the GHSA as aliases).
 */
export function malwareAndAliasedReport(
  packages: InstalledPackage[] = [
    pkg('chalk', '5.6.1', [['root', 'chalk']]),
    pkg('json5', '2.2.1', [['root', 'json5']]),
  ],
): AuditReport {
  const mal = sampleAdvisory('MAL-2025-46969');
  const malware: Advisory = {
    ...mal,
    id: 'GHSA-2v46-p5h4-248w',
    aliases: [],
    title: 'chalk 5.6.1 was compromised',
    weaknesses: [{ id: 'CWE-506', name: null }],
    cvss: { vector: null, score: 5 },
  };
  const ghsa = sampleAdvisory('GHSA-9c47-m6qq-7p4h');
  const wg: Advisory = {
    ...ghsa,
    id: 'NSWG-ECO-9001',
    aliases: ['CVE-2022-46175'],
    title: 'Prototype Pollution in json5',
  };
  return buildReport({ packages, advisories: byName([mal, malware, ghsa, wg]) });
}

/** The ids malwareAndAliasedReport's json5 finding goes by, besides NSWG-ECO-9001. */
export const JSON5_ALIASES = ['CVE-2022-46175', 'GHSA-9c47-m6qq-7p4h'];
