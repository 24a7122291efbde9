import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { dataFile } from '../util/data-dir.js';
import type { Problem } from './validate.js';

const require = createRequire(import.meta.url);
let compiled: ValidateFunction | null = null;

/** The official OSV 1.7 JSON Schema, compiled once (Ajv, draft 2020-12, with formats). */
function validator(): ValidateFunction {
  if (compiled) return compiled;
  const Ajv2020 = (require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')).default;
  const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const schema = JSON.parse(readFileSync(dataFile('schemas/osv-schema-1.7.json'), 'utf8'));
  const fn = ajv.compile(schema);
  compiled = fn;
  return fn;
}

/** Problems of an OSV record against the official schema; [] when it is valid. */
export function validateOsvSchema(record: unknown, prefix = ''): Problem[] {
  const validate = validator();
  if (validate(record)) return [];
  return (validate.errors ?? []).filter(useful).map((e) => ({
    field: `${prefix}${pointerToField(e.instancePath)}` || '(root)',
    message: `${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as string[]).join(', ')})` : ''}`,
    level: 'error' as const,
  }));
}

/** Ajv's "must match a schema in oneOf/if" lines repeat what the specific errors already say. */
function useful(e: ErrorObject): boolean {
  return e.keyword !== 'if' && e.keyword !== 'oneOf' && e.keyword !== 'allOf';
}

function pointerToField(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p.replace(/~1/g, '/').replace(/~0/g, '~')}`))
    .join('')
    .replace(/^\./, '');
}
