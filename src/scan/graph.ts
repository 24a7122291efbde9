import { chainOf } from './extractors/npm-locations.js';
import type { InstalledPackage } from './types.js';

/** The dependency kinds of a package.json, as npm's Arborist names its edges. */
export type DepType = 'prod' | 'dev' | 'optional' | 'peer' | 'peerOptional';

/** Dependency flags, as npm's lockfile records them. */
export interface DepFlags {
  dev: boolean;
  optional: boolean;
  devOptional: boolean;
  peer: boolean;
}

interface GraphNode {
  name: string;
  version: string;
  location: string;
  /** Set for the root ('') and for workspaces (their path): projects, not installed packages. */
  project?: string;
  alias?: string;
  /** The extractor gave the name it is installed under for certain (so `alias` is known without a path). */
  installNameIsCertain?: true;
  flags?: DepFlags;
}

/**
 * The edges of a graph, in flat arrays (a large lockfile has tens of thousands, and an object
 * each, with an array per node, was most of what reading it left to collect): edge `e` goes to
 * node `to[e]` under the name `name[e]`, of kind `type[e]`; a node's edges are a list from
 * `first[node]` through `next[e]` (-1 ends it), in the order they were added.
 */
interface Edges {
  to: number[];
  name: string[];
  type: DepType[];
  next: number[];
  first: number[];
  last: number[];
}

/**
 * The dependency paths found by the search: step `i` reaches `node[i]` through the edge named
 * `label[i]` from step `prev[i]` (-1 for the root's step). Arrays, not objects: the search makes
 * a step per path and package, thousands of them, and an audit reads a few.
 */
interface PathSteps {
  node: Int32Array;
  prev: Int32Array;
  label: string[];
  /** The first MAX_PATHS steps of each node (-1: none), shortest first. */
  byNode: Int32Array;
}

/** The labels from the root to step `i`. */
function pathOf(steps: PathSteps, i: number): string[] {
  const path: string[] = [];
  for (let s = i; s !== -1; s = steps.prev[s]!) path.push(steps.label[s]!);
  return path.reverse();
}

/**
 * Searches the dependency paths of these installed packages at once, through only the part of each
 * lockfile's graph that leads to them: an audit reads the paths of the few packages it reports,
 * and a search of the whole graph costs more than all of theirs. Packages whose paths are known
 * already, or that no extractor here made, are left as they are.
 */
export function preparePaths(packages: Iterable<InstalledPackage>): void {
  const byGraph = new Map<GraphReads, number[]>();
  for (const p of packages) {
    if (!(p instanceof LazyPackage) || !p.pathsPending) continue;
    const list = byGraph.get(p.graph);
    if (list) list.push(p.node);
    else byGraph.set(p.graph, [p.node]);
  }
  for (const [graph, nodes] of byGraph) graph.preparePaths(nodes);
}

/** What a lockfile's packages read from its graph on first use: their paths and dependents. */
interface GraphReads {
  pathsOf(node: number): string[][];
  dependentsOf(node: number): string[];
  /** Searches the paths of these nodes now, and only theirs (see preparePaths). */
  preparePaths(nodes: readonly number[]): void;
}

/**
 * An installed package whose `paths` and `dependents` are built on first read: an audit needs them
 * for a few findings, not for the thousands of packages a lockfile has. (Getters on the class, not
 * per object, keep the objects fast.) Assigning either replaces it.
 */
class LazyPackage implements InstalledPackage {
  alias?: string;
  #paths: string[][] | undefined;
  #dependents: string[] | undefined;

  constructor(
    public name: string,
    public version: string,
    public location: string,
    public dev: boolean,
    public optional: boolean,
    public devOptional: boolean,
    public peer: boolean,
    public workspaces: string[],
    /** The graph this package is in, and its node there (its paths and dependents are read from them). */
    readonly graph: GraphReads,
    readonly node: number,
  ) {}

  /** Whether this package's paths are not known yet (preparePaths). */
  get pathsPending(): boolean {
    return this.#paths === undefined;
  }

  get paths(): string[][] {
    this.#paths ??= this.graph.pathsOf(this.node);
    return this.#paths;
  }

  set paths(value: string[][]) {
    this.#paths = value;
  }

  get dependents(): string[] {
    this.#dependents ??= this.graph.dependentsOf(this.node);
    return this.#dependents;
  }

  set dependents(value: string[]) {
    this.#dependents = value;
  }

  /** The plain object (tests, JSON): what callers see through the getters. */
  toJSON(): InstalledPackage {
    const out: InstalledPackage = {
      name: this.name,
      version: this.version,
      location: this.location,
      paths: this.paths,
      dev: this.dev,
      optional: this.optional,
      devOptional: this.devOptional,
      peer: this.peer,
      workspaces: this.workspaces,
      dependents: this.dependents,
    };
    if (this.alias !== undefined) out.alias = this.alias;
    return out;
  }
}

/** The `workspaces` of a package only the root project reaches (shared: nothing changes it). */
const NO_WORKSPACES: string[] = [];

/** At most this many shortest paths per package. */
const MAX_PATHS = 3;

/**
 * The dependency graph of one lockfile: the root project (node 0), its workspaces and the installed
 * packages, with the edges between them. `toPackages()` derives paths, flags and workspaces.
 */
export class DepGraph {
  readonly #nodes: GraphNode[] = [{ name: '', version: '', location: '', project: '' }];
  readonly #edges: Edges = { to: [], name: [], type: [], next: [], first: [-1], last: [-1] };
  readonly #workspaces: number[] = [];
  readonly root = 0;
  readonly #fallbackOf: (location: string) => string[] | null;
  #allFlagged = true;

  /** `fallbackOf(location)`: the names below "root" for a node that no path reaches (default: from npm locations). */
  constructor(fallbackOf?: (location: string) => string[] | null) {
    this.#fallbackOf = fallbackOf ?? ((loc) => (loc.includes('node_modules/') ? chainOf(loc) : null));
  }

  /** Adds an installed package; `flags` when the lockfile records them (npm), else they are computed. */
  addPackage(p: {
    name: string;
    version: string;
    location: string;
    alias?: string | undefined;
    /** `alias` is the install name for certain (its node_modules location says so): no path is searched for it. */
    installNameIsCertain?: boolean;
    flags?: DepFlags | undefined;
  }): number {
    const node: GraphNode = { name: p.name, version: p.version, location: p.location };
    if (p.alias !== undefined && p.alias !== p.name) node.alias = p.alias;
    if (p.alias !== undefined && p.installNameIsCertain) node.installNameIsCertain = true;
    if (p.flags) node.flags = p.flags;
    else this.#allFlagged = false;
    return this.#addNode(node);
  }

  /** Adds a node, with its (empty) list of edges. */
  #addNode(node: GraphNode): number {
    this.#edges.first.push(-1);
    this.#edges.last.push(-1);
    return this.#nodes.push(node) - 1;
  }

  /** Adds a workspace (its path relative to the root, e.g. "packages/api"), which the root reaches. */
  addWorkspace(path: string): number {
    const id = this.#addNode({ name: path, version: '', location: path, project: path });
    this.#workspaces.push(id);
    this.addEdge(this.root, id, path, 'prod');
    return id;
  }

  /** Records that `from` depends on `to`, installed under `name`. */
  addEdge(from: number, to: number, name: string, type: DepType): void {
    const g = this.#edges;
    const e = g.to.push(to) - 1;
    g.name.push(name);
    g.type.push(type);
    g.next.push(-1);
    if (g.last[from] === -1) g.first[from] = e;
    else g.next[g.last[from]!] = e;
    g.last[from] = e;
  }

  /** The workspace paths added, sorted. */
  workspacePaths(): string[] {
    return this.#workspaces.map((w) => this.#nodes[w]!.project!).sort();
  }

  /** The installed packages with their paths, dependency flags and workspaces. */
  toPackages(): InstalledPackage[] {
    const flags = this.#allFlagged ? [] : this.#computeFlags();
    // the search for paths runs when a path is first read (or an install name is needed from it),
    // over the whole graph, or over the part that leads to the packages preparePaths was given
    let found: PathSteps | null = null;
    const steps = (): PathSteps => {
      found ??= this.#shortestPaths(null);
      return found;
    };
    let partial: { steps: PathSteps; within: Uint8Array } | null = null;
    let dependents: string[][] | null = null;
    const graph: GraphReads = {
      preparePaths: (targets) => {
        if (found) return;
        const within = this.#ancestors(targets);
        if (partial) for (let i = 0; i < within.length; i++) within[i] ||= partial.within[i]!;
        partial = { steps: this.#shortestPaths(within), within };
      },
      pathsOf: (i) => {
        const all = partial?.within[i] ? partial.steps : steps();
        const paths: string[][] = [];
        for (let k = i * MAX_PATHS; k < (i + 1) * MAX_PATHS && all.byNode[k] !== -1; k++)
          paths.push(pathOf(all, all.byNode[k]!));
        if (paths.length) return paths;
        const n = this.#nodes[i]!;
        return [['root', ...(this.#fallbackOf(n.location) ?? [n.alias ?? n.name])]];
      },
      dependentsOf: (i) => {
        if (!dependents) {
          const sets: Set<string>[] = this.#nodes.map(() => new Set<string>());
          const { to, next, first } = this.#edges;
          this.#nodes.forEach((n, i) => {
            for (let e = first[i]!; e !== -1; e = next[e]!) sets[to[e]!]!.add(n.project ?? n.location);
          });
          dependents = sets.map((x) => [...x].sort());
        }
        return dependents[i]!;
      },
    };
    const reach = this.#workspaceReach();
    const out: InstalledPackage[] = [];
    this.#nodes.forEach((n, i) => {
      if (n.project !== undefined) return;
      // the install name: given by the extractor, else the name of the first path's last edge
      let alias = n.alias;
      if (alias === undefined && !n.installNameIsCertain) {
        const all = steps();
        const first = all.byNode[i * MAX_PATHS]!;
        if (first !== -1 && all.label[first] !== n.name) alias = all.label[first];
      }
      const f = n.flags ?? flags[i]!;
      const pkg = new LazyPackage(
        n.name,
        n.version,
        n.location,
        f.dev,
        f.optional,
        f.devOptional,
        f.peer,
        reach[i] ?? NO_WORKSPACES,
        graph,
        i,
      );
      if (alias !== undefined) pkg.alias = alias;
      out.push(pkg);
    });
    return out;
  }

  /** npm's calc-dep-flags: every flag starts set and is cleared along edges from the root. */
  #computeFlags(): DepFlags[] {
    const n = this.#nodes.length;
    const dev = new Uint8Array(n).fill(1);
    const opt = new Uint8Array(n).fill(1);
    const devOpt = new Uint8Array(n).fill(1);
    const peer = new Uint8Array(n).fill(1);
    const seen = new Uint8Array(n);
    dev[0] = opt[0] = devOpt[0] = peer[0] = 0;
    const queue = [0];
    const edges = this.#edges;
    for (let node = queue.pop(); node !== undefined; node = queue.pop()) {
      seen[node] = 1;
      for (let e = edges.first[node]!; e !== -1; e = edges.next[e]!) {
        const to = edges.to[e]!;
        const type = edges.type[e]!;
        const eDev = type === 'dev';
        const eOpt = type === 'optional' || type === 'peerOptional';
        const ePeer = type === 'peer' || type === 'peerOptional';
        let changed = !seen[to];
        if (dev[to] && !dev[node] && !eDev) {
          dev[to] = 0;
          changed = true;
        }
        if (opt[to] && !opt[node] && !eOpt) {
          opt[to] = 0;
          changed = true;
        }
        // devOptional is the overlap of the dev and optional trees (see npm's calc-dep-flags).
        if (devOpt[to] && !devOpt[node] && !dev[node] && !opt[node] && !eDev && !eOpt) {
          devOpt[to] = 0;
          changed = true;
        }
        if (peer[to] && !peer[node] && !ePeer) {
          peer[to] = 0;
          changed = true;
        }
        if (changed) {
          seen[to] = 1;
          queue.push(to);
        }
      }
    }
    const out: DepFlags[] = [];
    for (let i = 0; i < n; i++) {
      // Unreachable from the root: nothing explains it, so nothing may be omitted for it.
      if (!seen[i]) out.push({ dev: false, optional: false, devOptional: false, peer: false });
      else
        out.push({
          dev: !!dev[i],
          optional: !!opt[i],
          devOptional: !!devOpt[i] && !dev[i] && !opt[i],
          peer: !!peer[i],
        });
    }
    return out;
  }

  /**
   * The nodes with a path to any of `targets`, and the targets: the only nodes a search for their
   * paths needs to pass through.
   */
  #ancestors(targets: readonly number[]): Uint8Array {
    const nodes = this.#nodes;
    // the reversed edges in two typed arrays: node i's sources are from[start[i]] … from[start[i + 1] - 1]
    const { to, next, first } = this.#edges;
    const start = new Int32Array(nodes.length + 1);
    for (let i = 0; i < nodes.length; i++)
      for (let e = first[i]!; e !== -1; e = next[e]!) start[to[e]! + 1]!++;
    for (let i = 0; i < nodes.length; i++) start[i + 1]! += start[i]!;
    const from = new Int32Array(start[nodes.length]!);
    const filled = start.slice(0, nodes.length);
    for (let i = 0; i < nodes.length; i++)
      for (let e = first[i]!; e !== -1; e = next[e]!) from[filled[to[e]!]!++] = i;
    const within = new Uint8Array(nodes.length);
    const stack = [...targets];
    for (const t of targets) within[t] = 1;
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      for (let k = start[node]!; k < start[node + 1]!; k++) {
        const source = from[k]!;
        if (within[source]) continue;
        within[source] = 1;
        stack.push(source);
      }
    }
    return within;
  }

  /**
   * Up to MAX_PATHS shortest paths per node, breadth first, never through a node twice. With
   * `within`, only through the nodes it marks: their paths are the same as a whole search finds,
   * since a path to such a node passes only through such nodes, and leaving the others out
   * changes neither the order nor the count of the steps that reach them.
   */
  #shortestPaths(within: Uint8Array | null): PathSteps {
    const nodes = this.#nodes;
    const edges = this.#edges;
    // each node is reached by at most MAX_PATHS steps (no node is queued past that), plus the root's
    const size = nodes.length * MAX_PATHS + 1;
    const steps: PathSteps = {
      node: new Int32Array(size),
      prev: new Int32Array(size),
      label: [],
      byNode: new Int32Array(nodes.length * MAX_PATHS).fill(-1),
    };
    const count = new Uint8Array(nodes.length);
    steps.node[0] = 0;
    steps.prev[0] = -1;
    steps.label.push('root');
    // the steps in the order they were queued are the breadth-first order: the queue is the array
    let queued = 1;
    for (let at = 0; at < queued; at++) {
      const from = steps.node[at]!;
      if (at !== 0) {
        let k = from * MAX_PATHS;
        while (steps.byNode[k] !== -1) k++;
        steps.byNode[k] = at;
      }
      for (let e = edges.first[from]!; e !== -1; e = edges.next[e]!) {
        const to = edges.to[e]!;
        if (to === 0 || count[to]! >= MAX_PATHS || (within && !within[to])) continue;
        // a path never passes a node twice; a node no step has reached yet cannot be on this one
        let cycle = false;
        if (count[to]! > 0)
          for (let s = at; s !== -1 && !cycle; s = steps.prev[s]!) cycle = steps.node[s] === to;
        if (cycle) continue;
        count[to]!++;
        steps.node[queued] = to;
        steps.prev[queued] = at;
        steps.label.push(nodes[to]!.project ?? edges.name[e]!);
        queued++;
      }
    }
    return steps;
  }

  /** For each node, the workspaces whose dependency trees reach it. */
  #workspaceReach(): (string[] | undefined)[] {
    const reach: (string[] | undefined)[] = new Array(this.#nodes.length);
    const edges = this.#edges;
    const mark = new Int32Array(this.#nodes.length).fill(-1);
    for (const ws of [...this.#workspaces].sort((a, b) =>
      this.#nodes[a]!.project! < this.#nodes[b]!.project! ? -1 : 1,
    )) {
      const path = this.#nodes[ws]!.project!;
      const stack = [ws];
      mark[ws] = ws;
      for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
        for (let e = edges.first[node]!; e !== -1; e = edges.next[e]!) {
          const to = edges.to[e]!;
          if (mark[to] === ws || to === 0) continue;
          mark[to] = ws;
          stack.push(to);
          const r = reach[to];
          if (r) r.push(path);
          else reach[to] = [path];
        }
      }
    }
    return reach;
  }
}
