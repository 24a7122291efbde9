import semver from 'semver';
import { isValidRange } from '../versions/index.js';
import { cvssBaseScore, normalizeCvssVector } from './cvss.js';

/** One finding of the validator: the field it is about, why, and whether it blocks an import. */
export interface Problem {
  field: string;
  message: string;
  level: 'error' | 'warning';
}

type Check = (v: unknown, field: string, out: Problem[]) => void;

const err = (out: Problem[], field: string, message: string) => out.push({ field, message, level: 'error' });
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CVE = /^CVE-\d{4}-\d+/;
const PLATFORMS = new Set([
  'all',
  'osx',
  'darwin',
  'win',
  'win32',
  'linux',
  'smartos',
  'aix',
  'freebsd',
  'openbsd',
  'sunos',
]);

const str: Check = (v, f, out) => {
  if (typeof v !== 'string') err(out, f, `must be a string, not ${describe(v)}`);
};
const strOrNull: Check = (v, f, out) => {
  if (v !== null && typeof v !== 'string') err(out, f, `must be a string or null, not ${describe(v)}`);
};
const date: Check = (v, f, out) => {
  if (typeof v !== 'string' || !DATE.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) {
    err(out, f, `must be a date written YYYY-MM-DD, not ${describe(v)}`);
  }
};
const cves: Check = (v, f, out) => {
  if (!Array.isArray(v)) return err(out, f, `must be an array of CVE ids, not ${describe(v)}`);
  v.forEach((c, i) => {
    if (typeof c !== 'string' || !CVE.test(c))
      err(out, `${f}[${i}]`, `must be a CVE id (CVE-YYYY-NNNN), not ${describe(c)}`);
  });
};
/** A range the Working Group's validator accepts (semver.validRange) and npm can evaluate. */
const range: Check = (v, f, out) => {
  if (typeof v !== 'string') return err(out, f, `must be a version range string, not ${describe(v)}`);
  if (!semver.validRange(v) || !isValidRange(v))
    err(out, f, `is not a valid semver range: ${JSON.stringify(v)}`);
};
const rangeOrNull: Check = (v, f, out) => {
  if (v !== null) range(v, f, out);
};
const title: Check = (v, f, out) => {
  if (typeof v !== 'string') return err(out, f, `must be a string, not ${describe(v)}`);
  if (!v.length) err(out, f, 'must not be empty');
  if (v.length > 150) err(out, f, `must be at most 150 characters (has ${v.length})`);
  if (/\n/.test(v)) err(out, f, 'must be one line');
};
const number: Check = (v, f, out) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) err(out, f, `must be a number, not ${describe(v)}`);
};
const numberOrNull: Check = (v, f, out) => {
  if (v !== null && (typeof v !== 'number' || !Number.isFinite(v)))
    err(out, f, `must be a number or null, not ${describe(v)}`);
};
const urlString: Check = (v, f, out) => {
  if (typeof v !== 'string' || !URL.canParse(v)) err(out, f, `must be a URL, not ${describe(v)}`);
};
const refs: Check = (v, f, out) => {
  if (v === null) return;
  if (!Array.isArray(v)) return err(out, f, `must be an array of URLs or null, not ${describe(v)}`);
  v.forEach((r, i) => {
    urlString(r, `${f}[${i}]`, out);
  });
};
const npmAuthor: Check = (v, f, out) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return err(out, f, `must be an object, not ${describe(v)}`);
  const a = v as Record<string, unknown>;
  str(a.name, `${f}.name`, out);
  if (!('username' in a)) err(out, `${f}.username`, 'is required (a string or null)');
  else strOrNull(a.username, `${f}.username`, out);
  if (!('website' in a)) err(out, `${f}.website`, 'is required (a string or null)');
  else strOrNull(a.website, `${f}.website`, out);
  for (const k of Object.keys(a))
    if (!['name', 'username', 'website'].includes(k)) err(out, `${f}.${k}`, 'is not allowed');
};
const platforms: Check = (v, f, out) => {
  if (!Array.isArray(v) || !v.length) return err(out, f, `must be a non-empty array, not ${describe(v)}`);
  v.forEach((p, i) => {
    if (typeof p !== 'string' || !PLATFORMS.has(p)) {
      err(out, `${f}[${i}]`, `must be one of ${[...PLATFORMS].join(', ')}, not ${describe(p)}`);
    }
  });
};

interface Field {
  check: Check;
  required: boolean;
}
const req = (check: Check): Field => ({ check, required: true });
const opt = (check: Check): Field => ({ check, required: false });

const NPM_FIELDS: Record<string, Field> = {
  id: req(number),
  cves: req(cves),
  created_at: req(date),
  updated_at: req(date),
  title: req(title),
  author: opt(npmAuthor),
  module_name: req(str),
  publish_date: req(date),
  vulnerable_versions: req(range),
  patched_versions: req(rangeOrNull),
  overview: req(str),
  recommendation: req(strOrNull),
  references: req(refs),
  cvss_vector: req(strOrNull),
  cvss_score: req(numberOrNull),
  coordinating_vendor: req(strOrNull),
};

const CORE_FIELDS: Record<string, Field> = {
  id: opt(number),
  cve: req(cves),
  ref: opt(urlString),
  vulnerable: req(range),
  patched: opt(range),
  description: opt(str),
  overview: opt(str),
  author: opt(str),
  reported_by: opt(str),
  publish_date: opt(date),
  type: opt(str),
  cvss_score: opt(number),
  cvss: opt(str),
  affectedEnvironments: req(platforms),
  severity: opt(str),
};

function checkFields(v: unknown, fields: Record<string, Field>, prefix: string): Problem[] {
  const out: Problem[] = [];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    err(out, prefix || '(root)', `must be a JSON object, not ${describe(v)}`);
    return out;
  }
  const o = v as Record<string, unknown>;
  const at = (k: string) => (prefix ? `${prefix}.${k}` : k);
  for (const [k, f] of Object.entries(fields)) {
    if (!(k in o)) {
      if (f.required) err(out, at(k), 'is required');
      continue;
    }
    f.check(o[k], at(k), out);
  }
  for (const k of Object.keys(o)) if (!(k in fields)) err(out, at(k), 'is not a field of this format');
  return out;
}

function cvssWarnings(vector: unknown, score: unknown, vField: string, sField: string): Problem[] {
  if (typeof vector !== 'string') return [];
  const base = cvssBaseScore(normalizeCvssVector(vector));
  // The Working Group's own data has one (NSWG-ECO-504, `I:U/A:U`); its validator accepts it, so
  // this is a warning: the advisory stays usable, and OSV export leaves the vector out of `severity`.
  if (base === null)
    return [
      {
        field: vField,
        message: `is not a valid, complete CVSS vector: ${JSON.stringify(vector)}`,
        level: 'warning',
      },
    ];
  if (typeof score === 'number' && score >= 0 && score !== base) {
    return [
      { field: sField, message: `${score} differs from the vector's base score ${base}`, level: 'warning' },
    ];
  }
  return [];
}

/** Validates a Working Group npm advisory file the way its `tools/vuln_valid` does, and more. */
export function validateNswgNpm(v: unknown, prefix = ''): Problem[] {
  const out = checkFields(v, NPM_FIELDS, prefix);
  if (!out.length) {
    const o = v as Record<string, unknown>;
    const at = (k: string) => (prefix ? `${prefix}.${k}` : k);
    out.push(...cvssWarnings(o.cvss_vector, o.cvss_score, at('cvss_vector'), at('cvss_score')));
    if (typeof o.cvss_score === 'number' && o.cvss_score < 0 && o.cvss_score !== -1) {
      err(out, at('cvss_score'), `must be between 0 and 10 (or -1 for none), not ${o.cvss_score}`);
    }
    if (typeof o.cvss_score === 'number' && o.cvss_score > 10)
      err(out, at('cvss_score'), `must be at most 10, not ${o.cvss_score}`);
    if (!Number.isInteger(o.id) || (o.id as number) < 1)
      err(out, at('id'), `must be a positive integer, not ${o.id}`);
  }
  return out;
}

/** Validates a Working Group core advisory file the way its `tools/vuln_valid` does, and more. */
export function validateNswgCore(v: unknown, prefix = ''): Problem[] {
  const out = checkFields(v, CORE_FIELDS, prefix);
  if (!out.length) {
    const o = v as Record<string, unknown>;
    const at = (k: string) => (prefix ? `${prefix}.${k}` : k);
    out.push(...cvssWarnings(o.cvss, o.cvss_score, at('cvss'), at('cvss_score')));
  }
  return out;
}

/** A short description of a JSON value's type for messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length > 40 ? `"${v.slice(0, 40)}…"` : JSON.stringify(v);
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}
