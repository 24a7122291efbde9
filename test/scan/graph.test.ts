import { describe, expect, it } from 'vitest';
import { DepGraph } from '../../src/scan/graph.js';
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
