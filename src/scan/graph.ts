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
  /** Searches the paths of these nodes now, no further than theirs need (see preparePaths). */
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
 * A search for paths (#shortestPaths): its steps, how many reached each node, and whether it went
 * through the whole graph. A node's paths are known from it when the search was whole, or when
 * MAX_PATHS steps reached the node (no later step would have been kept).
 */
interface PathSearch {
  steps: PathSteps;
  count: Uint8Array;
  whole: boolean;
}

/** Are a node's paths known from this search? */
function knows(search: PathSearch, node: number): boolean {
  return search.whole || search.count[node]! >= MAX_PATHS;
}

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
  /** The nodes whose edges are still to be read, and what reads them (readEdgesWhenNeeded); null: all are known. */
  #unread: Uint8Array | null = null;
  #readEdges: ((node: number) => void) | null = null;

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

  /**
   * Leaves the edges of the nodes added so far to be read when a search first passes through
   * them: `read(node)` adds a node's edges with addEdge, in order, after any it already has. An
   * audit needs the paths of the few packages it reports, and those are found through a small
   * part of a large lockfile's graph: its edges need not all be resolved.
   */
  readEdgesWhenNeeded(read: (node: number) => void): void {
    this.#unread = new Uint8Array(this.#nodes.length).fill(1);
    this.#readEdges = read;
  }

  /** The first of a node's edges (-1: none), once they are read. */
  #firstEdge(node: number): number {
    const unread = this.#unread;
    if (unread !== null && unread[node] === 1) {
      unread[node] = 0;
      this.#readEdges!(node);
    }
    return this.#edges.first[node]!;
  }

  /** Reads the edges of every node still to be read; what read them is then let go. */
  #readAllEdges(): void {
    if (this.#unread === null) return;
    for (let i = 0; i < this.#nodes.length; i++) this.#firstEdge(i);
    this.#unread = null;
    this.#readEdges = null;
  }

  /** The workspace paths added, sorted. */
  workspacePaths(): string[] {
    return this.#workspaces.map((w) => this.#nodes[w]!.project!).sort();
  }

  /** The installed packages with their paths, dependency flags and workspaces. */
  toPackages(): InstalledPackage[] {
    const flags = this.#allFlagged ? [] : this.#computeFlags();
    // the search for paths runs when a path is first read (or an install name is needed from it),
    // over the whole graph, or only as far as the packages preparePaths was given need
    let found: PathSteps | null = null;
    const steps = (): PathSteps => {
      found ??= this.#shortestPaths(null).steps;
      return found;
    };
    let partial: { search: PathSearch; targets: readonly number[] } | null = null;
    let dependents: string[][] | null = null;
    const graph: GraphReads = {
      preparePaths: (targets) => {
        if (found) return;
        const prior = partial;
        if (prior && targets.every((t) => knows(prior.search, t))) return;
        const all = prior ? [...prior.targets, ...targets] : targets;
        const search = this.#shortestPaths(all);
        if (search.whole) found = search.steps;
        else partial = { search, targets: all };
      },
      pathsOf: (i) => {
        const all = found ?? (partial && knows(partial.search, i) ? partial.search.steps : steps());
        const paths: string[][] = [];
        for (let k = i * MAX_PATHS; k < (i + 1) * MAX_PATHS && all.byNode[k] !== -1; k++)
          paths.push(pathOf(all, all.byNode[k]!));
        if (paths.length) return paths;
        const n = this.#nodes[i]!;
        return [['root', ...(this.#fallbackOf(n.location) ?? [n.alias ?? n.name])]];
      },
      dependentsOf: (i) => {
        if (!dependents) {
          this.#readAllEdges();
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
      for (let e = this.#firstEdge(node); e !== -1; e = edges.next[e]!) {
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
   * Up to MAX_PATHS shortest paths per node, breadth first, never through a node twice. With
   * `targets`, the search stops once MAX_PATHS steps have reached each of them: it is the start of
   * the whole search, step for step, so what it found for a node that many steps reached is what
   * the whole search finds (no later step would be kept), and the steps queued when it stopped are
   * recorded for their nodes without going on from them (no edge of theirs is read).
   */
  #shortestPaths(targets: readonly number[] | null): PathSearch {
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
    // the targets still reached by fewer than MAX_PATHS steps
    const wanted = targets && new Uint8Array(nodes.length);
    let open = 0;
    if (wanted)
      for (const t of targets!)
        if (!wanted[t]) {
          wanted[t] = 1;
          open++;
        }
    steps.node[0] = 0;
    steps.prev[0] = -1;
    steps.label.push('root');
    const record = (at: number): void => {
      let k = steps.node[at]! * MAX_PATHS;
      while (steps.byNode[k] !== -1) k++;
      steps.byNode[k] = at;
    };
    // the steps in the order they were queued are the breadth-first order: the queue is the array
    let queued = 1;
    let at = 0;
    for (; at < queued && (wanted === null || open > 0); at++) {
      const from = steps.node[at]!;
      if (at !== 0) record(at);
      for (let e = this.#firstEdge(from); e !== -1; e = edges.next[e]!) {
        const to = edges.to[e]!;
        if (to === 0 || count[to]! >= MAX_PATHS) continue;
        // a path never passes a node twice; a node no step has reached yet cannot be on this one
        let cycle = false;
        if (count[to]! > 0)
          for (let s = at; s !== -1 && !cycle; s = steps.prev[s]!) cycle = steps.node[s] === to;
        if (cycle) continue;
        if (++count[to]! === MAX_PATHS && wanted?.[to]) open--;
        steps.node[queued] = to;
        steps.prev[queued] = at;
        steps.label.push(nodes[to]!.project ?? edges.name[e]!);
        queued++;
      }
    }
    const whole = at === queued;
    for (; at < queued; at++) if (at !== 0) record(at);
    return { steps, count, whole };
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
        for (let e = this.#firstEdge(node); e !== -1; e = edges.next[e]!) {
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
