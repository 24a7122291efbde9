import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { ROOT, readJson } from './shared.js';

const require = createRequire(import.meta.url);

/** Three statements of the Working Group's own node.openvex.json, with its header (nodejs/security-wg, MIT). */
export const VEX_EXCERPT = join(ROOT, 'test', 'fixtures', 'openvex', 'node-openvex-excerpt.json');

let compiled: ValidateFunction | null = null;
/** The OpenVEX 0.2.0 schema (draft 2020-12) with Ajv and its formats, `strict: false` (data/schemas). */
function vexSchema(): ValidateFunction {
  if (compiled) return compiled;
  const Ajv = (require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')).default;
  const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;
  // strict: false, and no logger, because the schema's `format: "iri"` is one Ajv does not know
  const ajv = new Ajv({ allErrors: true, strict: false, logger: false });
  addFormats(ajv);
  const validate = ajv.compile(readJson(join(ROOT, 'data', 'schemas', 'openvex-0.2.0-schema.json')));
  compiled = validate;
  return validate;
}

/** The OpenVEX schema's errors for a document (none: []), short enough for a failing assertion to show. */
export function vexSchemaErrors(doc: unknown): string[] {
  const validate = vexSchema();
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
