/**
 * The newest migration's name. Kept apart from the migrations so that the audit's read-only SQLite
 * path can check a database's schema without loading the query builder; migrations/index.ts checks
 * at load time that it names the last migration.
 */
export const SCHEMA_VERSION = '0018_shared_rate_limits';
