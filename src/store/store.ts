import { existsSync } from 'node:fs';
import type { Options as Argon2Options } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import {
  Accounts,
  type Clock,
  deriveKeys,
  isSealed,
  type ServerKeys,
  seal,
  systemClock,
} from '../disclosure/index.js';
import { NswgError } from '../errors.js';
import { AdvisoryStore } from './advisories/store.js';
import {
  connect,
  type DbTarget,
  describeTarget,
  type PoolStats,
  poolStats,
  sqliteFileProblem,
} from './connect.js';
import { AccountsStore } from './disclosure/accounts.js';
import { AuditLog, type SealOutcome } from './disclosure/audit-log.js';
import { MailQueueStore } from './disclosure/mail-queue.js';
import { OutboxStore } from './disclosure/outbox.js';
import { withDisclosure } from './disclosure/schema.js';
import { DisclosureStore } from './disclosure/store.js';
import { MetaStore } from './meta.js';
import { appliedSchemaVersion, isMigrated, migrateToLatest } from './migrations/index.js';
import { RateCounters } from './rate-counters.js';
import type { Database } from './schema.js';

/** An open database: the advisory tables and the metadata, on SQLite or PostgreSQL. */
export interface Store {
  target: DbTarget;
  /** `~/.nswg/nswg.db` or `postgres://user:***@host/db`. */
  name: string;
  db: Kysely<Database>;
  advisories: AdvisoryStore;
  meta: MetaStore;
  /** The disclosure program's reports and everything about them (the DisclosureProgram's repository). */
  reports: DisclosureStore;
  /** Users, sessions, API tokens, roles, notification preferences (the domain's accounts on this database). */
  accounts: Accounts;
  /** The keys of the server secret, once given (openStore's `secret`, or useSecret). */
  readonly keys: ServerKeys | null;
  /**
   * Gives the store the server secret when it was opened without one (a server started without a
   * secret file uses a secret of its own); E_USAGE when the database was set up with another secret.
   */
  useSecret(secret: string): Promise<void>;
  auditLog: AuditLog;
  /**
   * What sealing the audit log found when the store was given the secret (null before): entries
   * written without the key get their MAC then, unless the log is broken, which the shells report.
   */
  readonly auditSealing: SealOutcome | null;
  /** The fingerprint of the secret the database was set up with (null before one was given). */
  secretFingerprint(): Promise<string | null>;
  /** The embedded default's mail. */
  outbox: OutboxStore;
  /** The mail waiting for the SMTP server (or given up), when one is configured. */
  mailQueue: MailQueueStore;
  /** The connection pool's figures on PostgreSQL (null on SQLite), for the server's metrics. */
  pool(): PoolStats | null;
  /** The newest migration the database records (readiness: current when it is SCHEMA_VERSION). */
  schemaVersion(): Promise<string | null>;
  /** What is wrong with the SQLite file under the open connection (deleted, replaced, unreadable), or null. */
  fileProblem(): string | null;
  /**
   * The rate limits' counters shared by every server instance on the database (PostgreSQL); null on
   * SQLite, whose single server process counts in memory.
   */
  rateCounters: RateCounters | null;
  close(): Promise<void>;
}

export interface OpenOptions {
  /**
   * `create`: make the database and its schema when missing (db init, db import, the default file);
   * `existing`: refuse when there is no nswg database there.
   */
  mode: 'create' | 'existing';
  /** The disclosure program's clock (default: the system's). */
  clock?: Clock;
  /** Password hashing cost (default: @node-rs/argon2's argon2id defaults). */
  argon2?: Argon2Options;
  /**
   * The server secret (from the secret file): seals TOTP secrets and authenticates the audit log. A
   * store opened without it reads and writes advisories, and its audit entries carry no MAC.
   */
  secret?: string;
}

const FINGERPRINT_KEY = 'disclosure.key-fingerprint';

/**
 * Checks the secret against the one the database was set up with (its fingerprint, kept in meta),
 * recording it on first use, seals any TOTP secret still in plain text from before sealing, and
 * seals the audit log (see AuditLog.seal).
 */
async function adoptKeys(db: Kysely<Database>, keys: ServerKeys, name: string): Promise<SealOutcome> {
  const meta = new MetaStore(db);
  const known = await meta.get(FINGERPRINT_KEY);
  if (known && known !== keys.fingerprint)
    throw new NswgError(
      'E_USAGE',
      `${name} was set up with another server secret (fingerprint ${known}, given ${keys.fingerprint}): give every instance and command the same secret file`,
      { field: '--secret-file' },
    );
  if (!known) await meta.set(FINGERPRINT_KEY, keys.fingerprint);
  const d = withDisclosure(db);
  const plain = await d
    .selectFrom('users')
    .select(['id', 'totp_secret'])
    .where('totp_secret', 'is not', null)
    .execute();
  for (const u of plain)
    if (u.totp_secret && !isSealed(u.totp_secret))
      await d
        .updateTable('users')
        .set({ totp_secret: seal(keys.sealing, u.totp_secret, u.id) })
        .where('id', '=', u.id)
        .execute();
  return new AuditLog(db, () => keys.audit).seal();
}

/** Opens (and, in `create` mode, creates and migrates) the database at `target`. */
export async function openStore(target: DbTarget, opts: OpenOptions): Promise<Store> {
  const name = describeTarget(target);
  if (
    opts.mode === 'existing' &&
    target.kind === 'sqlite' &&
    target.file !== ':memory:' &&
    !existsSync(target.file)
  ) {
    throw new NswgError(
      'E_DB',
      `there is no database at ${name}: create it with \`nswg db init --db ${name}\``,
      { file: target.file },
    );
  }
  const db = await connect(target);
  try {
    if (opts.mode === 'existing' && !(await isMigrated(db))) {
      throw new NswgError('E_DB', `${name} is not an nswg database: create it with \`nswg db init\``);
    }
    await migrateToLatest(db);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  let keys: ServerKeys | null = null;
  let auditSealing: SealOutcome | null = null;
  if (opts.secret !== undefined) {
    keys = deriveKeys(opts.secret);
    try {
      auditSealing = await adoptKeys(db, keys, name);
    } catch (e) {
      await db.destroy();
      throw e;
    }
  }
  const auditLog = new AuditLog(db, () => keys?.audit ?? null);
  const store: Store = {
    target,
    name,
    db,
    advisories: new AdvisoryStore(db),
    meta: new MetaStore(db),
    reports: new DisclosureStore(db, auditLog, () => keys?.sealing ?? null),
    accounts: new Accounts({
      repo: new AccountsStore(db, auditLog),
      clock: opts.clock ?? systemClock,
      keys: () => keys,
      argon2: opts.argon2 ?? {},
    }),
    get keys() {
      return keys;
    },
    async useSecret(secret: string) {
      const k = deriveKeys(secret);
      auditSealing = await adoptKeys(db, k, name);
      keys = k;
    },
    auditLog,
    get auditSealing() {
      return auditSealing;
    },
    secretFingerprint: () => new MetaStore(db).get(FINGERPRINT_KEY),
    outbox: new OutboxStore(db, opts.clock ?? systemClock, auditLog),
    mailQueue: new MailQueueStore(db, () => keys?.sealing ?? null),
    pool: () => poolStats(db),
    schemaVersion: () => appliedSchemaVersion(db),
    fileProblem: () => sqliteFileProblem(db),
    rateCounters: target.kind === 'postgres' ? new RateCounters(db) : null,
    close: () => db.destroy(),
  };
  return store;
}
