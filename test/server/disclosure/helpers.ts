import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import type { User } from '../../../src/disclosure/index.js';
import { type Actor, ManualClock, type TeamRole } from '../../../src/disclosure/index.js';
import { OutboxMailer, SmtpMailer } from '../../../src/mail/index.js';
import type { AppDeps, DisclosureOptions } from '../../../src/server/deps.js';
import { disclosureOf } from '../../../src/server/disclosure/index.js';
import { type App, buildApp, type ServerConfig, serverConfig } from '../../../src/server/index.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { seedCveBlock } from '../../helpers/cve.js';
import { freshDb, type TestDb } from '../../helpers/db.js';
import { type Inbox, startInbox } from '../../helpers/smtp.js';

export { type Delivered, type Inbox, startInbox } from '../../helpers/smtp.js';

/** Cheap argon2id for tests. */
export const TEST_ARGON2 = { memoryCost: 1024, timeCost: 1 };
export const SECRET = 'test-secret-for-the-disclosure-server-0123456789';
export const PUBLIC_URL = 'http://nswg.test';
/** A Monday morning, UTC. */
export const START = '2026-01-05T09:00:00.000Z';

/** A server on a fresh database, with a fake clock, real SMTP on loopback, and the scheduler off. */
export interface TestServer {
  app: App;
  store: Store;
  clock: ManualClock;
  inbox: Inbox;
  tdb: TestDb;
  close(): Promise<void>;
}

export async function testServer(
  engine: 'sqlite' | 'postgres',
  opts: {
    disclosure?: DisclosureOptions;
    inbox?: Inbox;
    start?: string;
    publicUrl?: string;
    /** Keep mail in the database's outbox instead of sending it (fast; for tests that read no mail). */
    outbox?: boolean;
    /** How many CVE ids of 2026 the program holds at the start (CVE-2026-9000 on; default 20; 0: none). */
    cveIds?: number;
    /** Configuration besides the tests' defaults (e.g. the metrics token). */
    config?: Partial<ServerConfig>;
    /** The mail queue's counts, for the metrics. */
    mailQueueCounts?: AppDeps['mailQueueCounts'];
  } = {},
): Promise<TestServer> {
  const tdb = await freshDb(engine);
  const clock = new ManualClock(opts.start ?? START);
  const store = await openStore(tdb.target, { mode: 'create', clock, argon2: TEST_ARGON2, secret: SECRET });
  if ((opts.cveIds ?? 20) > 0) await seedCveBlock(store, opts.cveIds ?? 20);
  const inbox = opts.inbox ?? (await startInbox());
  const smtp = new SmtpMailer({ host: '127.0.0.1', port: inbox.port, from: 'nswg <security@nswg.test>' });
  const app = await buildApp({
    store,
    config: serverConfig({
      logLevel: 'silent',
      rateLimit: null,
      publicUrl: opts.publicUrl ?? PUBLIC_URL,
      ...opts.config,
    }),
    ...(opts.mailQueueCounts ? { mailQueueCounts: opts.mailQueueCounts } : {}),
    clock,
    mailer: opts.outbox ? new OutboxMailer(store.outbox) : smtp,
    disclosure: {
      schedulerIntervalMs: null,
      rateLimits: { login: null, signup: null, reset: null, submit: null },
      // the tests' reporters file many reports at once; the limits' own tests turn them on
      intakeLimits: null,
      ...opts.disclosure,
    },
  });
  await app.ready();
  return {
    app,
    store,
    clock,
    inbox,
    tdb,
    async close() {
      await app.close();
      smtp.close();
      if (!opts.inbox) await inbox.close();
      await store.close();
      await tdb.drop();
    },
  };
}

/** The scheduler of a test server (run it after moving the clock). */
export const schedulerOf = (s: TestServer) => disclosureOf(s.app).scheduler;

/** A TOTP code for a secret at the fake clock's time. */
export function totpCode(secret: string, at: Date): string {
  return new TOTP({ issuer: 'nswg', secret: Secret.fromBase32(secret) }).generate({
    timestamp: at.getTime(),
  });
}

/** Who sets the test's team up: the operator, as `nswg user` does. */
export const OPERATOR: Actor = { kind: 'operator', name: 'test@localhost' };
export const ORIGIN = { ip: '198.51.100.7', userAgent: 'test-setup' };

/** A person of the tests: their account, password, TOTP secret (when on). */
export interface Person {
  user: User;
  email: string;
  password: string;
  totpSecret: string | null;
  /** The one-time recovery codes enrolment gave (none without TOTP). */
  recoveryCodes: string[];
}

/** Registers a user straight in the store: e-mail confirmed, roles set, TOTP on when asked. */
export async function makeUser(
  s: Pick<TestServer, 'store' | 'clock'>,
  name: string,
  opts: { roles?: TeamRole[]; totp?: boolean; verified?: boolean; handle?: string | null } = {},
): Promise<Person> {
  const email = `${name}@example.org`;
  const password = `${name}-password-123`;
  const signUp = await s.store.accounts.register(
    { email, displayName: name, handle: opts.handle === undefined ? name : opts.handle, password },
    ORIGIN,
  );
  if (signUp.outcome === 'exists') throw new Error(`${email} is registered already`);
  let user = signUp.user;
  if (opts.verified !== false) user = await s.store.accounts.verifyEmail(signUp.verifyToken, ORIGIN);
  if (opts.roles?.length) user = await s.store.accounts.setRoles(OPERATOR, user.id, opts.roles, ORIGIN);
  let totpSecret: string | null = null;
  let recoveryCodes: string[] = [];
  if (opts.totp) {
    totpSecret = (await s.store.accounts.beginTotp(user.id)).secret;
    // a code of the previous time step: the logins that follow use the current one, which is still unused
    const enrolAt = new Date(s.clock.now().getTime() - 30_000);
    recoveryCodes = (await s.store.accounts.enableTotp(user.id, totpCode(totpSecret, enrolAt), ORIGIN))
      .recoveryCodes;
    user = (await s.store.accounts.get(user.id))!;
  }
  return { user, email, password, totpSecret, recoveryCodes };
}

/**
 * The person's next TOTP code: a code works once, so, as a person waits for the next one, the fake
 * clock moves on to the next 30-second step first.
 */
export function nextCode(s: Pick<TestServer, 'clock'>, p: Person): string {
  s.clock.advance(30_000);
  return totpCode(p.totpSecret!, s.clock.now());
}

/** Logs in over the API: the bearer token. */
export async function apiLogin(s: TestServer, p: Person): Promise<string> {
  const res = await s.app.inject({
    method: 'POST',
    url: '/api/login',
    payload: {
      email: p.email,
      password: p.password,
      ...(p.totpSecret ? { code: nextCode(s, p) } : {}),
    },
  });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
  return res.json().token as string;
}

/** An API call with a bearer token. */
export function api(
  s: TestServer,
  token: string | null,
  method: InjectOptions['method'],
  url: string,
  payload?: unknown,
): Promise<LightMyRequestResponse> {
  return s.app.inject({
    method,
    url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'user-agent': 'api-test' },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

/** A browser-like session over inject: cookies kept between requests, CSRF tokens read from pages. */
export class PageSession {
  readonly cookies = new Map<string, string>();
  constructor(private readonly s: TestServer) {}

  private keep(res: LightMyRequestResponse): void {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now()))
        this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const res = await this.s.app.inject({
      method: 'GET',
      url,
      headers: { cookie: this.cookieHeader, 'user-agent': 'page-test' },
    });
    this.keep(res);
    return res;
  }

  /** A CSRF token from a page of this session (its forms all carry one). */
  async csrf(from = '/disclosure/login'): Promise<string> {
    const res = await this.get(from);
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (!m) throw new Error(`no CSRF token on ${from} (${res.statusCode})`);
    return m[1]!;
  }

  /** Posts a form; the CSRF token is fetched first unless given (pass '' to send none). */
  async post(
    url: string,
    form: Record<string, string | string[]>,
    csrf?: string,
  ): Promise<LightMyRequestResponse> {
    const token = csrf ?? (await this.csrf());
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    if (token) body.set('_csrf', token);
    const res = await this.s.app.inject({
      method: 'POST',
      url,
      headers: {
        cookie: this.cookieHeader,
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'page-test',
      },
      payload: body.toString(),
    });
    this.keep(res);
    return res;
  }

  /** Logs in through the login form. */
  async login(p: Person): Promise<LightMyRequestResponse> {
    const res = await this.post('/disclosure/login', {
      email: p.email,
      password: p.password,
      ...(p.totpSecret ? { code: nextCode(this.s, p) } : {}),
    });
    if (res.statusCode !== 303)
      throw new Error(`page login failed: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return res;
  }
}

/** A multipart/form-data body with one file (and optional fields). */
export function multipart(
  file: { name: string; type: string; bytes: Uint8Array },
  fields: Record<string, string> = {},
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----nswgtest${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
    ),
    Buffer.from(file.bytes),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** A valid submission (the Working Group's template). */
export const submission = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  kind: 'npm',
  packageName: 'left-pad-ng',
  affectedVersions: '>=1.0.0 <1.4.2',
  title: 'Prototype pollution in merge()',
  description: 'merge() copies __proto__ keys from its second argument into the target object.',
  impact: 'An attacker controlling JSON input can change Object.prototype for the whole process.',
  reproduction: 'require("left-pad-ng").merge({}, JSON.parse(\'{"__proto__":{"x":1}}\'))',
  patch: null,
  environment: { os: 'Linux', node: '20.11.1', npm: '10.2.4' },
  contactedMaintainer: false,
  openedIssue: false,
  cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
  cwe: 'CWE-1321',
  credit: { as: 'handle', handle: 'finder' },
  references: ['https://github.com/example/left-pad-ng'],
  ...over,
});

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
