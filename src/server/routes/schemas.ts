import { type TSchema, Type } from '@sinclair/typebox';

/** Any JSON object (OSV's `database_specific` and `ecosystem_specific`). */
const FreeObject = Type.Object({}, { additionalProperties: true });

/** The JSON body of every error answer (see errors.ts). */
export const ErrorSchema = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String({ description: 'stable error code, e.g. E_REQUEST_INVALID' }),
    error: Type.String(),
    message: Type.String({ description: 'what is wrong, for people' }),
    field: Type.Optional(Type.String({ description: 'where in the request, e.g. body.queries.3.version' })),
  },
  { description: 'An error' },
);

/** The usual error answers of a JSON API route. */
export const errorResponses = {
  400: ErrorSchema,
  404: ErrorSchema,
  413: ErrorSchema,
  415: ErrorSchema,
  429: ErrorSchema,
  503: ErrorSchema,
};

const Severity = Type.Object({ type: Type.String(), score: Type.String() });

/** An OSV 1.7 record (https://ossf.github.io/osv-schema/). */
export const OsvRecordSchema = Type.Object(
  {
    schema_version: Type.Optional(Type.String()),
    id: Type.String(),
    modified: Type.String(),
    published: Type.Optional(Type.String()),
    withdrawn: Type.Optional(Type.String()),
    aliases: Type.Optional(Type.Array(Type.String())),
    related: Type.Optional(Type.Array(Type.String())),
    summary: Type.Optional(Type.String()),
    details: Type.Optional(Type.String()),
    severity: Type.Optional(Type.Array(Severity)),
    affected: Type.Optional(
      Type.Array(
        Type.Object({
          package: Type.Optional(
            Type.Object({
              ecosystem: Type.String(),
              name: Type.String(),
              purl: Type.Optional(Type.String()),
            }),
          ),
          severity: Type.Optional(Type.Array(Severity)),
          ranges: Type.Optional(
            Type.Array(
              Type.Object({
                type: Type.String(),
                repo: Type.Optional(Type.String()),
                events: Type.Array(
                  Type.Object({
                    introduced: Type.Optional(Type.String()),
                    fixed: Type.Optional(Type.String()),
                    last_affected: Type.Optional(Type.String()),
                    limit: Type.Optional(Type.String()),
                  }),
                ),
                database_specific: Type.Optional(FreeObject),
              }),
            ),
          ),
          versions: Type.Optional(Type.Array(Type.String())),
          ecosystem_specific: Type.Optional(FreeObject),
          database_specific: Type.Optional(FreeObject),
        }),
      ),
    ),
    references: Type.Optional(Type.Array(Type.Object({ type: Type.String(), url: Type.String() }))),
    credits: Type.Optional(
      Type.Array(
        Type.Object({
          name: Type.String(),
          contact: Type.Optional(Type.Array(Type.String())),
          type: Type.Optional(Type.String()),
        }),
      ),
    ),
    database_specific: Type.Optional(FreeObject),
  },
  { description: 'An OSV 1.7 record' },
);

/** A JSON object whose keys are free (package names, advisory ids) and whose values follow `value`. */
export const Dictionary = <T extends TSchema>(value: T, description?: string) =>
  Type.Record(Type.String(), value, description ? { description } : {});
