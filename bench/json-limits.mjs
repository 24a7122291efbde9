#!/usr/bin/env node
// Benchmark: the pass that counts a JSON body's values and nesting before it is parsed
// (src/server/json-limits.ts), on the largest legitimate body of each route that reads JSON, beside
// JSON.parse of the same body. Prints medians of REPS runs each, interleaved.
// Usage: npm run build && node bench/json-limits.mjs   (env: REPS=101)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkJsonLimits } from '../dist/server/json-limits.js';
import { median } from './lib/generate.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const reps = Number(process.env.REPS ?? 101);
const unlimited = { bytes: Infinity, values: Infinity, depth: Infinity };

// 1000 queries with every field at its maxLength (a purl, a version and a page token)
const largestBatch = JSON.stringify({
  queries: Array.from({ length: 1000 }, () => ({
    package: { purl: `pkg:npm/${'a'.repeat(1016)}` },
    version: `1.0.0-${'b'.repeat(250)}`,
    page_token: 'c'.repeat(1024),
  })),
});
// 1000 queries as a project's audit sends them
const typicalBatch = JSON.stringify({
  queries: Array.from({ length: 1000 }, (_, i) => ({
    package: { name: i % 4 ? `some-package-${i}` : `@scope-${i % 90}/package-${i}`, ecosystem: 'npm' },
    version: `${i % 7}.${i % 20}.${i % 10}`,
  })),
});
// npm's bulk body at its 50,000 names
const bulk = JSON.stringify(
  Object.fromEntries(
    Array.from({ length: 50_000 }, (_, i) => [
      i % 4 ? `some-package-${i}` : `@scope-${i % 90}/package-${i}`,
      i % 4 ? [`${i % 7}.${i % 20}.${i % 10}`] : ['1.2.3', '2.0.0-beta.1'],
    ]),
  ),
);
// an npm 6 dependency tree at its 25,000 nodes, made of a real lockfile's nodes
const lock = JSON.parse(
  readFileSync(
    join(ROOT, 'test/fixtures/working-group/fixtures/vuln-direct-npm-v1/package-lock.json'),
    'utf8',
  ),
);
const sample = Object.values(lock.dependencies).map(({ dependencies: _, ...node }) => node);
const tree = JSON.stringify({
  name: 'big',
  version: '1.0.0',
  requires: {},
  dependencies: Object.fromEntries(
    Array.from({ length: 25_000 }, (_, i) => [`package-${i}`, sample[i % sample.length]]),
  ),
});
// a disclosure report with every text field at its limit
const report = JSON.stringify({
  kind: 'npm',
  packageName: 'p'.repeat(214),
  affectedVersions: '<1.0.0',
  title: 't'.repeat(200),
  description: 'A line of the description, with "quotes" and a \\ backslash.\n'.repeat(800).slice(0, 50_000),
  impact: 'i'.repeat(20_000),
  reproduction: 'const x = require("p");\n'.repeat(2100).slice(0, 50_000),
  patch: '+ a line of a patch\n'.repeat(10_000),
  references: Array.from({ length: 20 }, (_, i) => `https://example.org/${i}`),
  credit: { as: 'name', name: 'Ada' },
});

const bodies = [
  ['/v1/querybatch, 1000 largest queries', largestBatch],
  ['/v1/querybatch, 1000 typical queries', typicalBatch],
  ['npm bulk, 50,000 names', bulk],
  ['npm audits, 25,000 tree nodes', tree],
  ['POST /api/reports, every field at its limit', report],
];

for (const [label, text] of bodies) {
  const bytes = Buffer.from(text);
  const scan = [];
  const parse = [];
  for (let i = 0; i < reps; i++) {
    let t = performance.now();
    checkJsonLimits(bytes, unlimited);
    scan.push(performance.now() - t);
    t = performance.now();
    JSON.parse(bytes.toString('utf8'));
    parse.push(performance.now() - t);
  }
  const s = median(scan);
  const p = median(parse);
  console.log(
    `${label} (${(bytes.length / 1e6).toFixed(2)} MB): count ${s.toFixed(3)} ms, decode + JSON.parse ${p.toFixed(3)} ms (the count is ${((100 * s) / p).toFixed(0)}% of it)`,
  );
}
