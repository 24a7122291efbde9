import { basename, relative } from 'node:path';
import { type ErrorProblem, NswgError } from '../errors.js';
import { parseJsonOr } from '../util/json-syntax.js';
import { fromNswgCore, fromNswgNpm, isNswgCore, isNswgNpm } from './formats/nswg-json.js';
import { concernsNpm, fromOsv, type OsvRecord } from './formats/osv.js';
import type { Advisory } from './model.js';
import type { OsvSchemaCheck } from './osv-schema.js';
import { type Problem, validateNswgCore, validateNswgNpm } from './validate.js';

/** A problem found in a file, with its level. */
export interface FileProblem extends Problem {
  file: string;
  line?: number;
}

/** One advisory read from a file, with where it came from. */
export interface ReadAdvisory {
  advisory: Advisory;
  file: string;
  format: 'nswg-npm' | 'nswg-core' | 'osv';
}

/** What reading advisory files found: the advisories, every problem, and how many files were read. */
export interface ReadResult {
  advisories: ReadAdvisory[];
  problems: FileProblem[];
  files: number;
  /** OSV records of other ecosystems only, left out (with `otherEcosystems: 'skip'`). */
  skipped: number;
}

export interface ReadJsonOptions {
  /**
   * 'skip': an OSV record naming no npm package (nor Node.js) is counted in `skipped` rather than
   * an error, as in feeds of every ecosystem (the GitHub advisory database).
   */
  otherEcosystems?: 'error' | 'skip';
}

/**
 * One JSON file of advisories as it was read: its text and the `modified` date its core advisories
 * get (their files carry none), or why it could not be read.
 */
export type AdvisoryFile =
  | { file: string; text: string; modified: string }
  | { file: string; unreadable: string };

/** Parses JSON text; a syntax error becomes E_JSON_PARSE naming the file, line and column. */
export function parseJsonFile(text: string, file: string): unknown {
  return parseJsonOr(
    text,
    (why, line) => new NswgError('E_JSON_PARSE', `not valid JSON: ${why}`, line ? { file, line } : { file }),
  );
}

/**
 * Reads advisories from JSON files' text: the Working Group's JSON (npm and core, one per file or a
 * combined array) and OSV records (one per file or an array, checked by `validateOsv`), detected per
 * record. Every problem is collected (file, field, reason); advisories with errors are left out.
 * The files are taken one at a time, so that a large directory is never held in memory at once.
 */
export function readAdvisoryJson(
  files: Iterable<AdvisoryFile>,
  validateOsv: OsvSchemaCheck,
  opts: ReadJsonOptions = {},
): ReadResult {
  const result: ReadResult = { advisories: [], problems: [], files: 0, skipped: 0 };
  for (const got of eachAdvisoryJson(files, validateOsv, opts, result)) result.advisories.push(got);
  return result;
}

/**
 * readAdvisoryJson one advisory at a time, for imports too large to hold at once: yields each
 * advisory read, and counts files, skipped records and problems in `result` (whose `advisories`
 * it leaves alone) as it goes.
 */
export function* eachAdvisoryJson(
  files: Iterable<AdvisoryFile>,
  validateOsv: OsvSchemaCheck,
  opts: ReadJsonOptions,
  result: ReadResult,
): Generator<ReadAdvisory> {
  const problems = result.problems;
  const seen = new Map<string, string>();
  for (const f of files) {
    result.files++;
    const file = f.file;
    if ('unreadable' in f) {
      problems.push({ file, field: '(file)', message: `cannot be read: ${f.unreadable}`, level: 'error' });
      continue;
    }
    let value: unknown;
    try {
      value = parseJsonFile(f.text, file);
    } catch (e) {
      const line = (e as NswgError).line;
      problems.push({
        file,
        field: '',
        message: (e as Error).message,
        level: 'error',
        ...(line ? { line } : {}),
      });
      continue;
    }
    const items = Array.isArray(value) ? value : [value];
    for (const [i, item] of items.entries()) {
      const prefix = Array.isArray(value) ? `[${i}]` : '';
      if (opts.otherEcosystems === 'skip' && isOsvShaped(item) && !concernsNpm(item as OsvRecord)) {
        result.skipped++;
        continue;
      }
      const got = readOne(item, file, prefix, f.modified, validateOsv, problems);
      if (!got) continue;
      const other = seen.get(got.advisory.id);
      if (other !== undefined) {
        problems.push({
          file,
          field: prefix ? `${prefix}.id` : 'id',
          message: `duplicate id ${got.advisory.id} (also in ${other})`,
          level: 'error',
        });
        continue;
      }
      seen.set(got.advisory.id, `${file}${prefix}`);
      yield got;
    }
  }
}

/** Is it shaped as an OSV record (an id and a modification date or schema version)? */
const isOsvShaped = (item: unknown): boolean =>
  typeof item === 'object' &&
  item !== null &&
  'id' in item &&
  ('modified' in item || 'schema_version' in item);

function readOne(
  item: unknown,
  file: string,
  prefix: string,
  coreModified: string,
  validateOsv: OsvSchemaCheck,
  problems: FileProblem[],
): ReadAdvisory | null {
  const report = (list: Problem[]) => {
    for (const p of list) problems.push({ file, ...p });
    return list.some((p) => p.level === 'error');
  };
  const dot = prefix ? `${prefix}.` : '';
  try {
    if (isNswgNpm(item)) {
      if (report(validateNswgNpm(item, prefix))) return null;
      return { advisory: fromNswgNpm(item), file, format: 'nswg-npm' };
    }
    if (isNswgCore(item)) {
      if (report(validateNswgCore(item, prefix))) return null;
      const id =
        typeof item.id === 'number'
          ? item.id
          : Number(/^(\d+)\.json$/.exec(basename(file))?.[1] ?? Number.NaN);
      if (!Number.isInteger(id)) {
        report([
          {
            field: `${dot}id`,
            message: 'a core advisory needs an id: an "id" field or a file named <n>.json',
            level: 'error',
          },
        ]);
        return null;
      }
      return { advisory: fromNswgCore(item, id, coreModified), file, format: 'nswg-core' };
    }
    if (isOsvShaped(item)) {
      if (report(validateOsv(item, dot))) return null;
      return { advisory: fromOsv(item as OsvRecord), file, format: 'osv' };
    }
    report([
      {
        field: prefix || '(root)',
        message: 'is neither a Working Group advisory (npm or core) nor an OSV record',
        level: 'error',
      },
    ]);
    return null;
  } catch (e) {
    if (e instanceof NswgError) {
      report([{ field: `${dot}${e.field ?? ''}` || '(root)', message: e.message, level: 'error' }]);
      return null;
    }
    throw e;
  }
}

/** Throws one E_ADVISORY_INVALID listing every error (for all-or-nothing imports). */
export function assertNoErrors(result: ReadResult, root = process.cwd()): void {
  const errors = result.problems.filter((p) => p.level === 'error');
  if (!errors.length) return;
  const first = errors[0]!;
  const list: ErrorProblem[] = errors.map((p) => ({
    file: p.file,
    field: p.field,
    message: p.message,
    ...(p.line ? { line: p.line } : {}),
  }));
  const more =
    errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  const where: { file: string; field?: string; line?: number } = {
    file: relative(root, first.file) || first.file,
  };
  if (first.field) where.field = first.field;
  if (first.line) where.line = first.line;
  throw new NswgError(
    first.message.startsWith('not valid JSON') ? 'E_JSON_PARSE' : 'E_ADVISORY_INVALID',
    `${first.message}${more}`,
    where,
    list,
  );
}
