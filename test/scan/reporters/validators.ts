import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as CDX from '@cyclonedx/cyclonedx-library';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ROOT } from '../../helpers/shared.js';

const require = createRequire(import.meta.url);
type AjvClass = typeof import('ajv').default;
const Ajv = (require('ajv') as typeof import('ajv')).default;
const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;

const DRAFT_04 = 'http://json-schema.org/draft-04/schema#';

function optional<T>(name: string): T | null {
  try {
    return require(name) as T;
  } catch {
    return null;
  }
}

let sarif: { validate: ValidateFunction; how: string } | null = null;

/**
 * The SARIF 2.1.0 schema (draft-04), compiled with `ajv-draft-04` when it is installed; otherwise
 * with Ajv and the draft-04 meta-schema added by hand (the SARIF schema uses no keyword whose
 * meaning changed after draft-04: no boolean exclusiveMinimum/Maximum, and only local `$ref`s).
 */
export function sarifValidator(): { validate: ValidateFunction; how: string } {
  if (sarif) return sarif;
  const schema = JSON.parse(readFileSync(join(ROOT, 'data', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8'));
  const draft04 = optional<{ default: AjvClass }>('ajv-draft-04');
  if (draft04) {
    const ajv = new draft04.default({ allErrors: true, strict: false });
    addFormats(ajv);
    sarif = { validate: ajv.compile(schema), how: 'ajv-draft-04' };
  } else {
    const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
    ajv.addMetaSchema(
      JSON.parse(readFileSync(join(import.meta.dirname, 'json-schema-draft-04.json'), 'utf8')),
      DRAFT_04,
    );
    // draft-04 names a schema with `id` (draft-06 on: `$id`); Ajv 8 refuses it, so it becomes an annotation
    ajv.removeKeyword('id');
    ajv.addKeyword({ keyword: 'id', schemaType: 'string' });
    addFormats(ajv);
    sarif = { validate: ajv.compile(schema), how: 'ajv with the draft-04 meta-schema added' };
  }
  return sarif;
}

/** Ajv's errors as short lines, for a failing assertion to show. */
export function errorLines(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

let cdxFallback: ((json: string) => unknown) | null = null;

interface CdxFiles {
  CDX: { JSON_STRICT_SCHEMA: Record<string, string | undefined> };
  SPDX: { JSON_SCHEMA: string };
  CryptoDefs: { JSON_SCHEMA: string };
  JSF: { JSON_SCHEMA: string };
}

/**
 * Validates a CycloneDX 1.5 JSON document against the library's strict JSON schema: with the
 * library's own `Validation.JsonStrictValidator` when its optional dependencies (ajv, ajv-formats,
 * ajv-formats-draft2019) are installed; otherwise with Ajv set up exactly as that validator sets
 * it up (same schema files, same options, `idn-email` and `iri-reference` formats).
 */
export async function validateCycloneDx(json: string): Promise<{ errors: unknown; how: string }> {
  const validator = new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot5);
  try {
    return { errors: await validator.validate(json), how: 'Validation.JsonStrictValidator' };
  } catch (e) {
    if (!(e instanceof CDX.Validation.MissingOptionalDependencyError)) throw e;
  }
  if (!cdxFallback) {
    // the library's own list of schema files (exported, though not in its type declarations)
    const files = (CDX as unknown as { _Resources: { FILES: CdxFiles } })._Resources.FILES;
    const read = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
    const ajv = new Ajv({
      useDefaults: false,
      strict: false,
      strictSchema: false,
      addUsedSchema: false,
      schemas: {
        'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json': read(files.SPDX.JSON_SCHEMA),
        'http://cyclonedx.org/schema/cryptography-defs.SNAPSHOT.schema.json': read(
          files.CryptoDefs.JSON_SCHEMA,
        ),
        'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json': read(files.JSF.JSON_SCHEMA),
      },
    });
    addFormats(ajv);
    // what ajv-formats-draft2019 adds for the library: idn-email (an e-mail address, Unicode allowed)
    ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
    ajv.addFormat('iri-reference', true);
    const validate = ajv.compile(read(files.CDX.JSON_STRICT_SCHEMA[CDX.Spec.Version.v1dot5]!));
    cdxFallback = (text: string) => (validate(JSON.parse(text)) ? null : validate.errors);
  }
  return {
    errors: cdxFallback(json),
    how: 'ajv configured as JsonStrictValidator (ajv-formats-draft2019 is not installed)',
  };
}
