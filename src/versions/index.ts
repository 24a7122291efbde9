export {
  complement,
  contains,
  difference,
  type Interval,
  intersect,
  intervalHolding,
  leastAtOrAbove,
  nextVersion,
  normalize,
  parseRange,
  toNpmRange,
  union,
  type VersionSet,
} from './intervals.js';
export { fromOsvRanges, type OsvEvent, type OsvRange, toOsvRanges } from './osv-events.js';
export { compareVersions, isValidRange, NPM_SEMVER, parseVersion, satisfies } from './semver-options.js';
