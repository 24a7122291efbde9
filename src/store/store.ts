import { existsSync } from 'node:fs';
import type { Options as Argon2Options } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import { type Clock, systemClock } from '../disclosure/index.js';
import { NswgError } from '../errors.js';
import { AdvisoryStore } from './advisory-store.js';
import { AuditLog } from './audit-log.js';
import { connect, type DbTarget, describeTarget } from './connect.js';
import { AccountStore } from './disclosure-accounts.js';
import { OutboxStore } from './disclosure-outbox.js';
import { DisclosureStore } from './disclosure-store.js';
import { MetaStore } from './meta.js';
import { isMigrated, migrateToLatest } from './migrations.js';
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
  /** Users, sessions, API tokens, roles, notification preferences. */
  accounts: AccountStore;
  auditLog: AuditLog;
  /** The embedded default's mail. */
  outbox: OutboxStore;
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
  return {
    target,
    name,
    db,
    advisories: new AdvisoryStore(db),
    meta: new MetaStore(db),
    reports: new DisclosureStore(db),
    accounts: new AccountStore(db, opts.clock ?? systemClock, opts.argon2 ?? {}),
    auditLog: new AuditLog(db),
    outbox: new OutboxStore(db, opts.clock ?? systemClock),
    close: () => db.destroy(),
  };
}
