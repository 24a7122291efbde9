export { type AdvisorySource, type AuditOptions, runAudit } from './audit.js';
export type {
  AuditReport,
  DatabaseInfo,
  Finding,
  Fix,
  IgnoredFinding,
  NodeCheck,
  ScannedLockfile,
} from './findings.js';
export { applyIgnores, IGNORE_FILE_NAME, type IgnoreEntry, parseIgnoreFile } from './ignore.js';
export { type Joinable, joinAliased } from './join.js';
export { atOrAbove, fixFor, groupByVersion, matchFindings, type PackageVersion } from './match.js';
export {
  affects,
  EntryMatcher,
  entriesHolding,
  entryHolds,
  firstHolding,
  keyBounds,
  type MatchableAdvisory,
  type MatchableEntry,
  matchable,
  matcherOf,
  matchSpans,
  matchSpansOf,
  spansMayHold,
} from './matcher.js';
export {
  checkNode,
  lineOf,
  PLATFORMS,
  type ReleaseLine,
  type ReleaseSchedule,
} from './node-check.js';
export { type AskedNodeVersion, askedNodeVersion, nodeUpgrade, supportedLines } from './node-line.js';
export { exitCodeOf, OMIT_KINDS, type OmitKind, omitPackages, parseAuditLevel, parseOmit } from './policy.js';
export type { InstalledPackage, LockfileContents, LockfileFormat } from './types.js';
