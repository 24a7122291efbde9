/** The lockfile formats the scanner reads. */
export type LockfileFormat =
  | 'npm-v1'
  | 'npm-v2'
  | 'npm-v3'
  | 'yarn-v1'
  | 'yarn-berry'
  | 'pnpm-v5'
  | 'pnpm-v6'
  | 'pnpm-v9'
  | 'bun'
  | 'node_modules'
  | 'cyclonedx';

/**
 * One installed copy of a package, as a lockfile records it. `name` is the real package (an
 * `npm:` alias is resolved: `"jquery-rc": "npm:jquery@3.0.0-rc1"` is jquery 3.0.0-rc1, installed
 * as `jquery-rc`). The same name and version installed twice (two locations) is one entry per location.
 */
export interface InstalledPackage {
  name: string;
  version: string;
  /** The name it is installed under, when an alias differs from `name`. */
  alias?: string;
  /** Where it sits, e.g. `node_modules/a/node_modules/b` (npm, node_modules) or a lockfile key. */
  location: string;
  /**
   * Dependency paths from the project root to this package: each starts with "root", then (in a
   * monorepo) the workspace's path such as "packages/api", then the chain of package names
   * (install names, aliases included) down to this package. Shortest paths first; at most a few.
   */
  paths: string[][];
  /** Reachable only through devDependencies. */
  dev: boolean;
  /** Reachable only through optionalDependencies. */
  optional: boolean;
  /** Reachable only through devDependencies or optionalDependencies, mixed (npm's devOptional). */
  devOptional: boolean;
  /** Installed as a peer dependency. */
  peer: boolean;
  /** The workspaces (paths relative to the root, e.g. "packages/api") whose dependencies reach it; [] for the root project alone. */
  workspaces: string[];
  /**
   * The copies that depend on this one directly (npm's edges in): their `location`, '' for the root
   * project, the workspace path for a workspace; sorted. The npm report format needs them for
   * npm's "depends on a vulnerable package" entries.
   */
  dependents?: string[];
}

/** What an extractor returns for one lockfile. */
export interface LockfileContents {
  /** The file read (absolute path). */
  file: string;
  format: LockfileFormat;
  /** The root project's name, when the lockfile or package.json says. */
  rootName: string | null;
  /** Workspace paths relative to the root ("packages/api"), sorted. */
  workspaces: string[];
  packages: InstalledPackage[];
}

/** One package folder of an installed tree: where it sits (npm's location) and its package.json. */
export interface InstalledFolder {
  /** npm's location: `node_modules/a/node_modules/b`, `packages/web/node_modules/c`. */
  loc: string;
  file: string;
  text: string;
}

/**
 * What an installed tree holds: the package folders of the root's node_modules and of each
 * workspace's, nested node_modules and scopes included, and the symlinks to the project's own
 * folders (workspaces), by location, with the folder each leads to (relative to the project).
 */
export interface InstalledTree {
  folders: InstalledFolder[];
  links: ReadonlyMap<string, string>;
}
