/** Stable error codes; the server maps them to HTTP problems, the CLI to a message and exit code 2. */
export type NswgErrorCode =
  | 'E_USAGE'
  | 'E_REQUEST_INVALID'
  | 'E_NOT_FOUND'
  | 'E_FILE_READ'
  | 'E_FILE_WRITE'
  | 'E_JSON_PARSE'
  | 'E_FORMAT_UNKNOWN'
  | 'E_ADVISORY_INVALID'
  | 'E_RANGE_PARSE'
  | 'E_VERSION_PARSE'
  | 'E_DUPLICATE_ID'
  | 'E_LOCKFILE_PARSE'
  | 'E_LOCKFILE_VERSION'
  | 'E_LOCKFILE_MISSING'
  | 'E_LOCKFILE_MISMATCH'
  | 'E_IGNORE_FILE'
  | 'E_DB'
  | 'E_DB_CONNECT'
  | 'E_REMOTE'
  | 'E_REPORT_INVALID'
  | 'E_RELEASE_INVALID'
  | 'E_ACCOUNT_INVALID'
  | 'E_FORBIDDEN'
  | 'E_TRANSITION'
  | 'E_VOTE'
  | 'E_AUTH'
  | 'E_TOKEN'
  | 'E_ATTACHMENT'
  | 'E_CONFLICT'
  | 'E_LOCKED'
  | 'E_QUOTA'
  | 'E_CVE_INVALID'
  | 'E_BOUNTY_INVALID';

/** Where a problem is: the file, the field inside it (a JSON path or a key) and the line, when known. */
export interface ErrorLocation {
  file?: string;
  field?: string;
  line?: number;
}

/** The one error type for bad input and expected failures: a stable code and where it is about. */
export class NswgError extends Error {
  readonly code: NswgErrorCode;
  readonly file?: string;
  readonly field?: string;
  readonly line?: number;
  /** Further problems found in the same input (validation reports every problem, not just the first). */
  readonly problems: ErrorProblem[];

  constructor(
    code: NswgErrorCode,
    message: string,
    where: ErrorLocation = {},
    problems: ErrorProblem[] = [],
  ) {
    super(message);
    this.name = 'NswgError';
    this.code = code;
    if (where.file !== undefined) this.file = where.file;
    if (where.field !== undefined) this.field = where.field;
    if (where.line !== undefined) this.line = where.line;
    this.problems = problems;
  }

  /** The message with its location in front: `file:line: field: message`. */
  describe(): string {
    return formatProblem(this);
  }

  /** A copy of this error located in `file` (for errors raised before the file was known). */
  inFile(file: string): NswgError {
    if (this.file) return this;
    const where: ErrorLocation = { file };
    if (this.field !== undefined) where.field = this.field;
    if (this.line !== undefined) where.line = this.line;
    return new NswgError(this.code, this.message, where, this.problems);
  }
}

/**
 * `file:line: field: message`, the one way a located problem is printed (an error, each problem of a
 * validation report); `file` as `showFile` presents it (e.g. relative to the working folder).
 */
export function formatProblem(
  p: { file?: string | undefined; line?: number | undefined; field?: string | undefined; message: string },
  showFile: (file: string) => string = (f) => f,
): string {
  const file = p.file ? showFile(p.file) : '';
  const at = file ? `${file}${p.line !== undefined ? `:${p.line}` : ''}: ` : '';
  return `${at}${p.field ? `${p.field}: ` : ''}${p.message}`;
}

/** One problem in a validation report. */
export interface ErrorProblem {
  file?: string;
  line?: number;
  field: string;
  message: string;
}

/** True when `e` is an NswgError (also across module copies). */
export function isNswgError(e: unknown): e is NswgError {
  return e instanceof NswgError || (e instanceof Error && e.name === 'NswgError' && 'code' in e);
}
