import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { NswgError } from '../errors.js';
import {
  type AdvisorySource,
  type AuditReport,
  exitCodeOf,
  IGNORE_FILE_NAME,
  type IgnoreEntry,
  type LockfileContents,
  parseAuditLevel,
  parseOmit,
  runAudit,
} from '../scan/index.js';
import { loadRenderer } from '../scan/reporters/load.js';
import { dbOption, formatOption, runsAndExits } from './command-kit.js';
import type { DbOption } from './context.js';
import { writeStdout } from './output.js';
import { readerSource } from './reader-source.js';
import { VERSION } from './version.js';

export interface AuditCommandOptions extends DbOption {
  format?: string;
  auditLevel?: string;
  omit?: string[];
  ignoreFile?: string;
  server?: string;
  node?: boolean;
  nodeVersion?: string;
  platform?: string;
  output?: string;
  color?: boolean;
}

async function readProject(paths: string[]): Promise<{ root: string; lockfiles: LockfileContents[] }> {
  const { extractLockfile, extractProject } = await import('../files/lockfiles.js');
  const lockfiles: LockfileContents[] = [];
  let root = '';
  for (const p of paths.length ? paths : ['.']) {
    const full = resolve(p);
    if (!existsSync(full))
      throw new NswgError('E_LOCKFILE_MISSING', 'no such file or directory', { file: p });
    if (statSync(full).isDirectory()) {
      lockfiles.push(...(await extractProject(full)));
      root ||= full;
    } else {
      lockfiles.push(await extractLockfile(full));
      root ||= dirname(full);
    }
  }
  return { root, lockfiles };
}

/** `nswg audit`: which installed packages (and which Node.js) the advisories affect. */
export async function audit(paths: string[], opts: AuditCommandOptions): Promise<void> {
  const format = opts.format ?? 'text';
  // start loading what the audit will need at once: one wait instead of one after another (the
  // renderer's loader refuses an unknown format)
  const loading = {
    render: loadRenderer(format),
    // files/'s modules one by one, not its index: the audit reads no advisory files
    extractors: import('../files/lockfiles.js'),
    ignoreFile: import('../files/ignore-file.js'),
    schedule: import('../files/release-schedule.js'),
    target: import('../store/target.js'),
    reader: import('../store/advisories/sqlite-reader.js'),
  };
  for (const p of Object.values(loading)) p.catch(() => {});
  const auditLevel = parseAuditLevel(opts.auditLevel);
  const omit = parseOmit(opts.omit);
  const project = await readProject(paths);
  const ignoreFile = opts.ignoreFile ? resolve(opts.ignoreFile) : join(project.root, IGNORE_FILE_NAME);
  const ignore: IgnoreEntry[] =
    opts.ignoreFile || existsSync(ignoreFile) ? (await loading.ignoreFile).readIgnoreFile(ignoreFile) : [];
  const node =
    opts.node === false
      ? null
      : {
          version: opts.nodeVersion ?? process.version,
          platform: opts.platform ?? process.platform,
          schedule: (await loading.schedule).releaseSchedule(),
        };

  // only the text report has colours; asking whether stdout is a terminal loads the tty module (and
  // with it net and the streams, ~3 ms), which the other formats have no use for
  const color =
    format === 'text' &&
    opts.color !== false &&
    !process.env.NO_COLOR &&
    !opts.output &&
    (await import('node:tty')).isatty(1);
  // audits and writes the report while the source is open: a report may read more of an advisory
  // than matching did (the read-only database's advisories read their full records on first use)
  const advisoryServer = opts.server ?? process.env.NSWG_SERVER;
  const auditAndWrite = async (source: AdvisorySource): Promise<AuditReport> => {
    const report = await runAudit(project.root, project.lockfiles, source, {
      omit,
      ignore,
      auditLevel,
      node,
      today: new Date(),
    });
    const text = (await loading.render)(report, {
      color,
      lockfiles: project.lockfiles,
      omit,
      readLockfile: (f) => {
        try {
          return readFileSync(f, 'utf8');
        } catch {
          return undefined;
        }
      },
      toolVersion: VERSION,
      // the configured server's advisory pages (--server, else $NSWG_SERVER): readable, and its own
      ...(advisoryServer ? { advisoryServer } : {}),
    });
    if (opts.output) writeFileSync(opts.output, text);
    else writeStdout(text);
    return report;
  };
  let report: AuditReport;
  if (opts.server) {
    const { serverSource } = await import('./audit-sources.js');
    report = await auditAndWrite(serverSource(opts.server));
  } else {
    // the store's modules are imported one by one here, not through its index: an audit of an
    // existing SQLite database needs only the read-only path, and loading the rest costs ~50 ms
    const { resolveDbTarget } = await loading.target;
    const target = resolveDbTarget(opts.db);
    const reader =
      target.kind === 'sqlite' ? await (await loading.reader).openSqliteReader(target.file) : null;
    if (reader) {
      try {
        report = await auditAndWrite(readerSource(reader));
      } finally {
        reader.close();
      }
    } else {
      report = await (await import('./audit-sources.js')).withStoreSource(opts, auditAndWrite);
    }
  }
  process.exitCode = exitCodeOf(report);
}

/** Defines `nswg audit`: its arguments and options, next to its code. */
export function define(c: Command): void {
  c.description(
    'check a project (lockfiles, node_modules or an SBOM) and the Node.js running it against the advisories',
  )
    .argument('[paths...]', 'project directories or lockfiles (default: the current directory)')
    .addOption(
      formatOption(['text', 'json', 'npm', 'sarif', 'markdown', 'cyclonedx'], 'text', 'report format'),
    )
    .addOption(
      new Option('--audit-level <level>', 'exit 1 only for findings at or above this severity').choices([
        'info',
        'low',
        'moderate',
        'high',
        'critical',
      ]),
    )
    .option('--omit <kinds...>', 'leave out dev, optional and/or peer dependencies')
    .option('--ignore-file <file>', 'ignore file (default: .nswg-ignore.json in the project)')
    .option('--server <url>', "use an nswg server's API instead of the local database")
    .option('--node-version <version>', 'check this Node.js version instead of the running one')
    .option('--platform <platform>', 'linux, win32, darwin, … (default: this machine)')
    .option('--no-node', 'do not check the Node.js version')
    .option('--output <file>', 'write the report to a file')
    .option('--no-color', 'no colours in the text report')
    .addOption(dbOption())
    .action(runsAndExits(audit));
}
