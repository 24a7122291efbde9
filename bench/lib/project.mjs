// A generated npm project (package.json + package-lock.json v3) of about N lockfile entries:
// real package names from the Working Group data at vulnerable and safe versions, nested
// duplicates, dev and optional dependencies, and many filler packages. Deterministic.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from './generate.mjs';

/** Writes the project into `dir` and returns the number of lockfile entries (without the root). */
export function writeProject(dir, { entries = 2500, seed = 7, dataFile }) {
  const r = rng(seed);
  const int = (n) => Math.floor(r() * n);
  const advisories = JSON.parse(readFileSync(dataFile, 'utf8'));
  const real = [...new Set(advisories.map((a) => a.module_name))].sort();
  const packages = {
    '': {
      name: 'bench-project',
      version: '1.0.0',
      dependencies: {},
      devDependencies: {},
      optionalDependencies: {},
    },
  };
  const top = [];
  const version = () => `${int(5)}.${int(20)}.${int(10)}`;
  let count = 0;
  const add = (location, name, v, flags) => {
    packages[location] = {
      version: v,
      resolved: `https://registry.example.com/${name}/-/${name.replace(/^@.*\//, '')}-${v}.tgz`,
      license: 'MIT',
      ...flags,
    };
    count++;
  };
  // real names first (a third of them), then filler packages up to `entries`
  for (let i = 0; i < real.length && count < entries; i += 3) {
    const name = real[i];
    const kind = int(10);
    const flags = kind === 0 ? { dev: true } : kind === 1 ? { optional: true } : {};
    add(`node_modules/${name}`, name, version(), flags);
    top.push([name, packages[`node_modules/${name}`].version, kind]);
  }
  let n = 0;
  while (count < entries) {
    const name = n % 11 === 0 ? `@bench/filler-${n}` : `filler-${n}`;
    const v = version();
    add(`node_modules/${name}`, name, v, n % 5 === 0 ? { dev: true } : {});
    top.push([name, v, n % 5 === 0 ? 0 : 2]);
    // some nested copies under earlier packages, as real trees have
    if (n % 9 === 0 && count < entries && top.length > 10) {
      const parent = top[int(top.length - 1)][0];
      const nested = real[int(real.length)];
      add(`node_modules/${parent}/node_modules/${nested}`, nested, version(), {});
      const p = packages[`node_modules/${parent}`];
      p.dependencies = { ...(p.dependencies ?? {}), [nested]: '*' };
    }
    n++;
  }
  // the root depends on a third of the packages directly; the rest hang below them
  const root = packages[''];
  top.forEach(([name, v, kind], i) => {
    if (i % 3 === 0 || i < 40) {
      const section = kind === 0 ? 'devDependencies' : kind === 1 ? 'optionalDependencies' : 'dependencies';
      root[section][name] = v;
    } else {
      // below an earlier package, in a tree a few levels deep as real installs are (the longest
      // dependency paths of the shared fixtures have 5 to 9 names; a package hanging below the one
      // just before it made chains of hundreds)
      const parent = top[Math.floor(i / 3)][0];
      const p = packages[`node_modules/${parent}`];
      p.dependencies = { ...(p.dependencies ?? {}), [name]: `^${v}` };
    }
  });
  mkdirSync(dir, { recursive: true });
  const pkg = {
    name: root.name,
    version: root.version,
    private: true,
    dependencies: root.dependencies,
    devDependencies: root.devDependencies,
    optionalDependencies: root.optionalDependencies,
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(
    join(dir, 'package-lock.json'),
    `${JSON.stringify({ name: root.name, version: root.version, lockfileVersion: 3, requires: true, packages }, null, 2)}\n`,
  );
  return count;
}
