// Generated advisories for benchmarks: realistic shapes (ranges, CVSS, details) spread over
// many package names, deterministic for a given seed.
import { fromNswgNpm } from '../../dist/advisories/index.js';

/** A small deterministic PRNG (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The i-th generated package name (the first ones are real names used by benchmark projects). */
export function packageName(i, realNames = []) {
  if (i < realNames.length) return realNames[i];
  return i % 7 === 0 ? `@bench-scope-${i % 97}/pkg-${i}` : `bench-pkg-${i}`;
}

const VECTORS = [
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', 7.5],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
  ['CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:L', 1.8],
  [null, null],
];

/**
 * `count` Working Group-shaped npm advisories over `packages` names (ids from `firstId`), as the
 * model's records. Ranges mix the shapes the real data has: `<x`, `>=a <b || >=c <d`, `<=x`, exact.
 */
export function generateAdvisories({ count, packages, firstId = 100000, seed = 1, realNames = [] }) {
  const r = rng(seed);
  const int = (n) => Math.floor(r() * n);
  const out = [];
  for (let k = 0; k < count; k++) {
    const id = firstId + k;
    const name = packageName(k % packages, realNames);
    const major = int(6);
    const minor = int(20);
    const shape = int(4);
    const vulnerable =
      shape === 0
        ? `<${major}.${minor}.${int(10)}`
        : shape === 1
          ? `>=${major}.0.0 <${major}.${minor}.${int(10)} || >=${major + 1}.0.0 <${major + 1}.${int(5)}.0`
          : shape === 2
            ? `<=${major}.${minor}.${int(10)}`
            : `${major}.${minor}.${int(10)}`;
    const [vector, score] = VECTORS[int(VECTORS.length)];
    out.push(
      generatedAdvisory({
        id,
        name,
        vulnerable,
        updated: `2021-${String(1 + int(12)).padStart(2, '0')}-${String(1 + int(28)).padStart(2, '0')}`,
        overview: `${name} before a fix allows an attacker to do something unpleasant.`,
        vector,
        score,
      }),
    );
  }
  return out;
}

/**
 * One generated Working Group-shaped npm advisory, as the model's record: `overview` is repeated
 * three times after "A generated advisory for benchmarking: ".
 */
export function generatedAdvisory({ id, name, vulnerable, updated, overview, vector, score }) {
  return fromNswgNpm({
    id,
    created_at: '2020-01-01',
    updated_at: updated,
    title: `Generated vulnerability ${id} in ${name}`,
    author: { name: 'Bench Author', website: null, username: null },
    module_name: name,
    publish_date: '2020-02-01',
    cves: [`CVE-2099-${id}`],
    vulnerable_versions: vulnerable,
    patched_versions: null,
    overview: `A generated advisory for benchmarking: ${overview} `.repeat(3),
    recommendation: 'Upgrade.',
    references: [`https://example.com/advisories/${id}`],
    cvss_vector: vector,
    cvss_score: score,
    coordinating_vendor: null,
  });
}

/** The median of a list of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A percentile (0-100) of a list of numbers. */
export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
