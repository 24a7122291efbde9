import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { ROOT, readJson } from './shared.js';

const require = createRequire(import.meta.url);
/** The CSAF 2.0 and CVSS schemas, copied from the shared reference data (test/fixtures/csaf/README.md). */
const DATA = join(ROOT, 'test', 'fixtures', 'csaf');

let compiled: ValidateFunction | null = null;
/** The CSAF 2.0 JSON schema (draft 2020-12) with FIRST's CVSS schemas under their `$ref` URLs. */
function csafSchema(): ValidateFunction {
  if (compiled) return compiled;
  const Ajv = (require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')).default;
  const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  // draft-04's `id` is no keyword to Ajv 8
  ajv.removeKeyword('id');
  for (const [file, url] of [
    ['cvss-v2.0-schema.json', 'https://www.first.org/cvss/cvss-v2.0.json'],
    ['cvss-v3.0-schema.json', 'https://www.first.org/cvss/cvss-v3.0.json'],
    ['cvss-v3.1-schema.json', 'https://www.first.org/cvss/cvss-v3.1.json'],
  ] as const)
    ajv.addSchema(readJson(join(DATA, file)) as object, url, undefined, false);
  const validate = ajv.compile(readJson(join(DATA, 'csaf-2.0-schema.json')) as object);
  compiled = validate;
  return validate;
}

/** The CSAF schema's errors for a document (none: []). */
export function csafSchemaErrors(doc: unknown): string[] {
  const validate = csafSchema();
  if (validate(doc)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: the checks walk any JSON a document may hold
type Json = any;

/** Every product id the product tree defines (branches, full_product_names, relationships). */
function definedIds(doc: Json): string[] {
  const out: string[] = [];
  const walk = (branches: Json[] | undefined) => {
    for (const b of branches ?? []) {
      if (b.product) out.push(b.product.product_id);
      walk(b.branches);
    }
  };
  walk(doc.product_tree?.branches);
  for (const p of doc.product_tree?.full_product_names ?? []) out.push(p.product_id);
  for (const r of doc.product_tree?.relationships ?? []) out.push(r.full_product_name.product_id);
  return out;
}

/** Every product id the vulnerabilities reference. */
function referencedIds(doc: Json): string[] {
  const out: string[] = [];
  for (const v of doc.vulnerabilities ?? []) {
    for (const list of Object.values(v.product_status ?? {})) out.push(...(list as string[]));
    for (const r of v.remediations ?? []) out.push(...(r.product_ids ?? []));
    for (const s of v.scores ?? []) out.push(...s.products);
    for (const t of v.threats ?? []) out.push(...(t.product_ids ?? []));
  }
  return out;
}

/**
 * The CSAF 2.0 mandatory tests (§6.1) that can be checked cheaply, and the profile's own
 * (§6.1.27 for `csaf_security_advisory`): a list of what fails (none: []).
 */
export function csafMandatoryProblems(doc: Json): string[] {
  const problems: string[] = [];
  const defined = definedIds(doc);
  const definedSet = new Set(defined);
  // 6.1.1 missing definition of product id
  for (const id of new Set(referencedIds(doc)))
    if (!definedSet.has(id)) problems.push(`6.1.1: ${id} is referenced but not defined`);
  // 6.1.2 multiple definitions of product id
  if (definedSet.size !== defined.length) problems.push('6.1.2: a product id is defined twice');
  // 6.1.6 contradicting product status: affected and fixed never share a product
  for (const [i, v] of (doc.vulnerabilities ?? []).entries()) {
    const affected = new Set<string>(v.product_status?.known_affected ?? []);
    for (const id of v.product_status?.fixed ?? [])
      if (affected.has(id)) problems.push(`6.1.6: vulnerabilities[${i}] says ${id} is affected and fixed`);
    // 6.1.27.5 and 6.1.27.6: notes and product status in each vulnerability
    if (!v.notes?.length) problems.push(`6.1.27.5: vulnerabilities[${i}] has no notes`);
    if (!v.product_status) problems.push(`6.1.27.6: vulnerabilities[${i}] has no product status`);
  }
  // 6.1.23 multiple use of the same CVE
  const cves = (doc.vulnerabilities ?? []).map((v: Json) => v.cve).filter(Boolean);
  if (new Set(cves).size !== cves.length) problems.push('6.1.23: a CVE is used twice');
  const t = doc.document.tracking;
  const history = [...t.revision_history].sort((a: Json, b: Json) => Number(a.number) - Number(b.number));
  // 6.1.16 latest document version, 6.1.22 multiple definition in revision history
  if (history.at(-1)?.number !== t.version) problems.push('6.1.16: version is not the last revision number');
  if (new Set(history.map((r: Json) => r.number)).size !== history.length)
    problems.push('6.1.22: a revision number is used twice');
  // 6.1.14 sorted revision history: dates ascend with numbers
  for (let i = 1; i < history.length; i++)
    if (Date.parse(history[i].date) < Date.parse(history[i - 1].date))
      problems.push('6.1.14: revision dates do not ascend');
  // dates: initial <= current, the first revision at the initial release, the last at the current
  if (Date.parse(t.initial_release_date) > Date.parse(t.current_release_date))
    problems.push('initial release date after the current one');
  if (history.at(-1)?.date !== t.current_release_date)
    problems.push('the last revision is not at the current release date');
  if (history[0]?.date !== t.initial_release_date)
    problems.push('the first revision is not at the initial release date');
  // 6.1.17 document status draft: version 0 or a prerelease only in drafts
  if (t.status === 'final' && (t.version === '0' || /^0\.|-/.test(t.version)))
    problems.push('6.1.17: a final document with a draft version');
  // 6.1.27.3 and 6.1.27.4: the profile's vulnerabilities and product tree
  if (!doc.vulnerabilities?.length) problems.push('6.1.27.3: no vulnerabilities');
  if (!doc.product_tree) problems.push('6.1.27.4: no product tree');
  return problems;
}
