import { describe, expect, it } from 'vitest';
import { DepGraph, type DepType, preparePaths } from '../../src/scan/graph.js';
import type { InstalledPackage } from '../../src/scan/types.js';
import { flags } from './extractors/helpers.js';

/** A graph from `from -type-> to` lines; "root" is the root, `ws:path` a workspace. */
function graphOf(spec: string): Map<string, InstalledPackage> {
  const g = new DepGraph();
  const ids = new Map<string, number>([['root', g.root]]);
  const id = (n: string): number => {
    let i = ids.get(n);
    if (i === undefined) {
      i = n.startsWith('ws:')
        ? g.addWorkspace(n.slice(3))
        : g.addPackage({ name: n, version: '1.0.0', location: n });
      ids.set(n, i);
    }
    return i;
  };
  for (const line of spec.trim().split('\n')) {
    const [from, type, to] = line.trim().split(/\s+/) as [string, string, string];
    const f = id(from);
    g.addEdge(f, id(to), to.startsWith('ws:') ? to.slice(3) : to, type as 'prod');
  }
  return new Map(g.toPackages().map((p) => [p.name, p]));
}

describe("dependency flags (npm's calc-dep-flags)", () => {
  const g = graphOf(`
    root dev devtool
    devtool prod devhelper
    root optional opt
    opt prod opthelper
    root dev builder
    builder prod shared
    root optional native
    native prod shared
    devtool optional fsevents
    root prod app
    app peer react
    app peer react-dom
    root prod react-dom
    app peerOptional canvas
    app prod loop1
    loop1 prod loop2
    loop2 prod loop1
  `);
  it.each([
    ['app', ''],
    ['devtool', 'dev'],
    ['devhelper', 'dev'],
    ['opt', 'optional'],
    ['opthelper', 'optional'],
    ['shared', 'devOptional'],
    ['fsevents', 'dev,optional'],
    ['react', 'peer'],
    ['react-dom', ''],
    ['canvas', 'optional,peer'],
    ['loop1', ''],
    ['loop2', ''],
  ])('%s: %s', (name, want) => {
    expect(flags(g.get(name)!)).toBe(want);
  });
});

describe('paths', () => {
  it('gives up to three shortest paths, through cycles without hanging', () => {
    const g = graphOf(`
      root prod a
      root prod b
      root prod c
      root prod d
      a prod x
      b prod x
      c prod x
      d prod x
      x prod y
      y prod x
      y prod y
    `);
    expect(g.get('x')!.paths).toEqual([
      ['root', 'a', 'x'],
      ['root', 'b', 'x'],
      ['root', 'c', 'x'],
    ]);
    expect(g.get('y')!.paths).toEqual([
      ['root', 'a', 'x', 'y'],
      ['root', 'b', 'x', 'y'],
      ['root', 'c', 'x', 'y'],
    ]);
  });

  it('keeps at most three paths per package on a dense graph', () => {
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) {
      lines.push(`root prod p${i}`);
      for (let j = 0; j < 300; j += 7) lines.push(`p${i} prod p${j}`);
    }
    const g = graphOf(lines.join('\n'));
    expect(g.get('p294')!.paths).toEqual([
      ['root', 'p294'],
      ['root', 'p0', 'p294'],
      ['root', 'p1', 'p294'],
    ]);
    expect(g.get('p299')!.paths).toEqual([['root', 'p299']]);
  });

  it('names workspaces by their path, and lists the workspaces that reach a package', () => {
    const g = graphOf(`
      root dev tool
      ws:packages/a prod lodash
      ws:packages/b prod ws:packages/a
      ws:packages/b dev ms
    `);
    expect(g.has('packages/a')).toBe(false);
    expect(g.get('lodash')).toMatchObject({
      workspaces: ['packages/a', 'packages/b'],
      paths: [
        ['root', 'packages/a', 'lodash'],
        ['root', 'packages/b', 'packages/a', 'lodash'],
      ],
      dev: false,
    });
    expect(g.get('ms')).toMatchObject({ workspaces: ['packages/b'], dev: true });
    expect(g.get('tool')).toMatchObject({ workspaces: [], dev: true });
  });

  it('an unreachable package keeps no flag that would let --omit drop it', () => {
    const g = new DepGraph();
    g.addPackage({ name: 'stray', version: '1.0.0', location: 'node_modules/a/node_modules/stray' });
    const [p] = g.toPackages();
    expect(p).toMatchObject({
      dev: false,
      optional: false,
      devOptional: false,
      peer: false,
      paths: [['root', 'a', 'stray']],
    });
  });
});

describe('edges read when a search first needs them', () => {
  type Edge = [from: number, to: number, type: DepType];
  const NO_FLAGS = { dev: false, optional: false, devOptional: false, peer: false };

  /**
   * Packages p1…pn (node i is p{i}, the root is node 0) and these edges: added at once, or
   * (`lazy`) each node's when the graph first reads them, the nodes read being recorded.
   */
  function build(n: number, edges: readonly Edge[], opts: { lazy: boolean; flagged: boolean }) {
    const g = new DepGraph();
    for (let i = 1; i <= n; i++)
      g.addPackage({
        name: `p${i}`,
        version: '1.0.0',
        location: `node_modules/p${i}`,
        alias: `p${i}`,
        installNameIsCertain: true,
        flags: opts.flagged ? NO_FLAGS : undefined,
      });
    const read: number[] = [];
    const add = (from: number): void => {
      for (const [f, t, type] of edges) if (f === from) g.addEdge(f, t, `p${t}`, type);
    };
    if (opts.lazy)
      g.readEdgesWhenNeeded((node) => {
        read.push(node);
        add(node);
      });
    else for (let i = 0; i <= n; i++) add(i);
    return { packages: g.toPackages(), read };
  }

  it('finds the paths of the packages asked for without reading the rest of the graph', () => {
    const edges: Edge[] = [];
    for (const p of [1, 2, 3, 4]) edges.push([0, p, 'prod'], [p, 5, 'prod']);
    edges.push([5, 6, 'prod']);
    for (let i = 6; i < 100; i++) edges.push([i, i + 1, 'prod']);
    const lazy = build(100, edges, { lazy: true, flagged: true });
    const eager = build(100, edges, { lazy: false, flagged: true });
    const x = lazy.packages[4]!;
    preparePaths([x]);
    expect(x.paths).toEqual([
      ['root', 'p1', 'p5'],
      ['root', 'p2', 'p5'],
      ['root', 'p3', 'p5'],
    ]);
    // the root and the three packages its paths pass through
    expect(lazy.read.sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
    // a package not prepared is searched for over the whole graph, as before
    expect(lazy.packages[99]!.paths).toEqual(eager.packages[99]!.paths);
    expect(lazy.packages[99]!.paths[0]).toHaveLength(98);
    expect(lazy.packages[4]!.dependents).toEqual([
      'node_modules/p1',
      'node_modules/p2',
      'node_modules/p3',
      'node_modules/p4',
    ]);
  });

  it('gives what a graph with every edge known gives, on random graphs', () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const TYPES: DepType[] = ['prod', 'dev', 'optional', 'peer', 'peerOptional'];
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + rand(25);
      const edges: Edge[] = [];
      for (let k = rand(n * 3); k >= 0; k--) edges.push([rand(n + 1), 1 + rand(n), TYPES[rand(5)]!]);
      const flagged = rand(2) === 0;
      const lazy = build(n, edges, { lazy: true, flagged });
      const eager = build(n, edges, { lazy: false, flagged });
      const view = (p: InstalledPackage): unknown => JSON.parse(JSON.stringify(p));
      // one or two searches for some packages, paths read in between, then every package read
      const some = () => lazy.packages.filter(() => rand(4) === 0);
      preparePaths(some());
      for (const p of lazy.packages)
        if (rand(3) === 0) expect(p.paths).toEqual(eager.packages[lazy.packages.indexOf(p)]!.paths);
      preparePaths(some());
      const order = lazy.packages.map((_, i) => i).sort(() => rand(3) - 1);
      for (const i of order)
        expect(view(lazy.packages[i]!), `trial ${trial}, p${i + 1}`).toEqual(view(eager.packages[i]!));
    }
  });
});
