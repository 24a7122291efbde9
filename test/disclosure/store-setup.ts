import {
  type Actor,
  DisclosureProgram,
  type IntakeLimits,
  type Mailer,
  ManualClock,
  type ProgramDeps,
  Scheduler,
  type TeamRole,
} from '../../src/disclosure/index.js';
import { releaseSchedule } from '../../src/files/index.js';
import { OutboxMailer } from '../../src/mail/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { seedCveBlock } from '../helpers/cve.js';
import { freshDb, type TestDb } from '../helpers/db.js';
import { validInput } from './fixtures.js';

/** Cheap argon2id for tests (production keeps the library's defaults). */
export const TEST_ARGON2 = { memoryCost: 1024, timeCost: 1 };
export const ORIGIN = { ip: '203.0.113.9', userAgent: 'vitest' };
export const LINKS = {
  report: (id: string) => `https://nswg.example/reports/${id}`,
  invitation: (t: string) => `https://nswg.example/invitations/${t}`,
  credits: () => `https://nswg.example/credits`,
  cveRequest: (id: string) => `https://nswg.example/cve-requests/${id}`,
  release: (id: string) => `https://nswg.example/releases/${id}`,
};
export const SECRET = 'test-secret-test-secret-test-secret-0123';
/** The announcement list the worlds' security releases are mailed to. */
export const ANNOUNCEMENT_LIST = 'nodejs-sec@lists.example.org';
/** A Monday morning. */
export const START = '2026-01-05T09:00:00.000Z';

/** A fresh database with the program, the scheduler and a cast of users with their roles. */
export interface World {
  tdb: TestDb;
  store: Store;
  clock: ManualClock;
  program: DisclosureProgram;
  /** What the program was made with (to make another with a port changed). */
  deps: ProgramDeps;
  scheduler: Scheduler;
  users: Record<
    'reporter' | 'triage1' | 'triage2' | 'core' | 'admin' | 'maintainer' | 'stranger',
    Actor & { kind: 'user' }
  >;
  emails: Record<string, string>;
  close(): Promise<void>;
}

/**
 * `cveIds`: how many CVE ids of 2026 the world starts with (CVE-2026-9000 on; default 20, as the
 * program's blocks would hold), so that publications take theirs; 0 for none.
 */
export async function makeWorld(
  engine: 'sqlite' | 'postgres',
  mailer?: Mailer,
  opts: { cveIds?: number; intakeLimits?: IntakeLimits | null } = {},
): Promise<World> {
  const tdb = await freshDb(engine);
  const clock = new ManualClock(START);
  const store = await openStore(tdb.target, { mode: 'create', clock, argon2: TEST_ARGON2, secret: SECRET });
  if ((opts.cveIds ?? 20) > 0) await seedCveBlock(store, opts.cveIds ?? 20);
  const deps: ProgramDeps = {
    repo: store.reports,
    advisories: store.advisories,
    auditLog: store.auditLog,
    outbox: store.outbox,
    mailer: mailer ?? new OutboxMailer(store.outbox),
    clock,
    links: LINKS,
    keys: store.keys!,
    // the worlds' reporter files many reports at once; the limits' own tests turn them on
    intakeLimits: opts.intakeLimits === undefined ? null : opts.intakeLimits,
    releases: { schedule: releaseSchedule(), announcementList: ANNOUNCEMENT_LIST },
  };
  const cast: [keyof World['users'], TeamRole[]][] = [
    ['reporter', []],
    ['triage1', ['triage']],
    ['triage2', ['triage']],
    ['core', ['core-security']],
    ['admin', ['admin']],
    ['maintainer', []],
    ['stranger', []],
  ];
  const operator: Actor = { kind: 'operator', name: 'test@localhost' };
  const users = {} as World['users'];
  const emails: Record<string, string> = {};
  for (const [name, roles] of cast) {
    const email = `${name}@example.org`;
    const made = await store.accounts.createAccount(
      operator,
      { email, displayName: name, handle: name, password: `${name}-password-123`, roles },
      ORIGIN,
    );
    // the program's actor of a user with two factors, whose roles are in effect
    users[name] = { kind: 'user', id: made.user.id, roles: [...made.user.roles] };
    emails[name] = email;
  }
  return {
    tdb,
    store,
    clock,
    program: new DisclosureProgram(deps),
    deps,
    scheduler: new Scheduler(deps, `test-${engine}`),
    users,
    emails,
    close: async () => {
      await store.close();
      await tdb.drop();
    },
  };
}

/** Submits a valid report as `actor`: the report. */
export const submit = async (w: World, actor: Actor, over: Record<string, unknown> = {}) =>
  (await w.program.reports.submit(actor, validInput(over), ORIGIN)).report;
