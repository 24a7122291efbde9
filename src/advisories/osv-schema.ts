import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Problem } from './validate.js';

// Ajv is required on first use, not imported: most commands never check a record against the schema
const require = createRequire(import.meta.url);

/** The problems of a record against an OSV JSON Schema; [] when it is valid. */
export type OsvSchemaCheck = (record: unknown, prefix?: string) => Problem[];

/**
 * The check of records against an OSV JSON Schema (the official one, draft 2020-12, with formats),
 * compiled on the first record it checks.
 */
export function osvSchemaCheck(schema: object): OsvSchemaCheck {
  let validate: ValidateFunction | null = null;
  return (record, prefix = '') => {
    validate ??= compile(schema);
    if (validate(record)) return [];
    return (validate.errors ?? []).filter(useful).map((e) => ({
      field: `${prefix}${pointerToField(e.instancePath)}` || '(root)',
      message: `${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as string[]).join(', ')})` : ''}`,
      level: 'error' as const,
    }));
  };
}

function compile(schema: object): ValidateFunction {
  const Ajv2020 = (require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')).default;
  const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
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
