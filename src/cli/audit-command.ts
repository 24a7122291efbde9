import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
import { isReportFormat, REPORT_FORMATS } from '../scan/reporters/formats.js';
import { loadRenderer } from '../scan/reporters/load.js';
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
  if (!isReportFormat(format)) {
    throw new NswgError(
      'E_USAGE',
      `--format must be one of ${REPORT_FORMATS.join(', ')}, not ${JSON.stringify(format)}`,
      { field: '--format' },
    );
  }
  // start loading what the audit will need at once: one wait instead of one after another
  const loading = {
    render: loadRenderer(format),
    // files/'s modules one by one, not its index: the audit reads no advisory files
    extractors: import('../files/lockfiles.js'),
    ignoreFile: import('../files/ignore-file.js'),
    schedule: import('../files/release-schedule.js'),
    target: import('../store/target.js'),
    reader: import('../store/sqlite-reader.js'),
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
    });
    if (opts.output) writeFileSync(opts.output, text);
    else writeStdout(text);
    return report;
  };
  let report: AuditReport;
  if (opts.server) {
    const { serverSource } = await import('./server-source.js');
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
      const [{ openDb }, { storeSource }] = await Promise.all([
        import('./context.js'),
        import('./sources.js'),
      ]);
      const store = await openDb(opts);
      try {
        report = await auditAndWrite(storeSource(store));
      } finally {
        await store.close();
      }
    }
  }
  process.exitCode = exitCodeOf(report);
}
