export { BUNDLED_DATA, bundledMeta, seedBundled } from './advisories/seed.js';
export {
  type AdvisoryStats,
  AdvisoryStore,
  type ImportOptions,
  type ImportSummary,
  type SearchOptions,
} from './advisories/store.js';
export { type BackupSummary, backupDatabase, databaseSummary, restoreDatabase } from './backup/index.js';
export {
  connect,
  type DbTarget,
  defaultDbFile,
  describeTarget,
  type PoolStats,
  resolveDbTarget,
} from './connect.js';
export { AccountsStore } from './disclosure/accounts.js';
export { AuditLog, lockDisclosure, type SealOutcome } from './disclosure/audit-log.js';
export { type ClaimedMail, MailQueueStore } from './disclosure/mail-queue.js';
export { type OutboxMessage, OutboxStore } from './disclosure/outbox.js';
export type { DisclosureDb, DisclosureTables } from './disclosure/schema.js';
export { DisclosureStore } from './disclosure/store.js';
export { MetaStore } from './meta.js';
export { appliedSchemaVersion, isMigrated, migrateToLatest, SCHEMA_VERSION } from './migrations/index.js';
export { type RateCount, RateCounters } from './rate-counters.js';
export type { Database } from './schema.js';
export { type OpenOptions, openStore, type Store } from './store.js';
