// The roles of the API fuzz test and the fixtures they act on: people with sessions, API tokens of
// a narrow and a wide scope, a maintainer invited to one report and not to the others, and a word
// in each report that must never reach anyone who may not read it.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { userActor } from '../../src/disclosure/index.js';
import { disclosureOf } from '../../src/server/disclosure/index.js';
import {
  apiLogin,
  makeUser,
  multipart,
  type Person,
  PNG,
  submission,
  type TestServer,
} from '../server/disclosure/helpers.js';

export const SESSION_ROLES = ['reporter', 'stranger', 'triage', 'admin', 'maintainer'] as const;
/** API tokens: a triage member's read-only one, an admin's of the narrowest scope, and an admin's of every scope. */
export const TOKEN_ROLES = {
  'triage-token-read': { maker: 'triage', scopes: ['reports:read'] },
  'admin-token-narrow': { maker: 'admin', scopes: ['advisories:read'] },
  'admin-token': {
    maker: 'admin',
    scopes: ['reports:read', 'reports:write', 'advisories:read', 'audit:read'],
  },
} as const;
/** Every role, the first five in the order their seeds have always had. */
export const ROLES = [
  'anonymous',
  'reporter',
  'stranger',
  'triage',
  'admin',
  'maintainer',
  ...(Object.keys(TOKEN_ROLES) as (keyof typeof TOKEN_ROLES)[]),
] as const;
export type Role = (typeof ROLES)[number];
export type SessionRole = (typeof SESSION_ROLES)[number];
export type TokenRole = keyof typeof TOKEN_ROLES;
export const isTokenRole = (r: Role): r is TokenRole => r in TOKEN_ROLES;

const ORIGIN = { ip: '203.0.113.9', userAgent: 'fuzz-setup' };

/** A report of the fixtures: its id, its attachment's, and the word only its readers may see. */
export interface FixtureReport {
  id: string;
  attachmentId: string | null;
  marker: string;
}

/** The people, their bearers, and the reports the generator's ids point at. */
export class Fixtures {
  readonly people = {} as Record<SessionRole | 'other', Person>;
  readonly bearer = {} as Record<Role, string | null>;
  /** The reporter's own report; another user's; and another user's the maintainer was invited to. */
  readonly reports = {} as Record<'mine' | 'theirs' | 'invited', FixtureReport>;

  constructor(private readonly s: TestServer) {}

  /** Makes the people, logs them in, files the reports and invites the maintainer to one of them. */
  async setUp(): Promise<void> {
    const { s, people } = this;
    people.reporter = await makeUser(s, 'reporter');
    people.stranger = await makeUser(s, 'stranger');
    people.triage = await makeUser(s, 'triage', { roles: ['triage'], totp: true });
    people.admin = await makeUser(s, 'admin', { roles: ['admin'], totp: true });
    people.maintainer = await makeUser(s, 'maintainer');
    people.other = await makeUser(s, 'other');
    for (const r of ROLES) await this.login(r);
    const otherToken = await apiLogin(s, people.other);
    this.reports.mine = await this.file(this.bearer.reporter!, true);
    this.reports.theirs = await this.file(otherToken, false);
    this.reports.invited = await this.file(otherToken, true);
    const accepted = await this.as('triage', 'POST', `/api/reports/${this.reports.invited.id}/transitions`, {
      transition: 'accept',
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(await this.inviteMaintainer()).toBe(true);
    // the maintainer reads the report they were invited to, and no other
    const read = async (r: FixtureReport) =>
      (await this.as('maintainer', 'GET', `/api/reports/${r.id}`)).statusCode;
    expect(await read(this.reports.invited)).toBe(200);
    expect(await read(this.reports.theirs)).toBe(404);
  }

  /** A new session (or, for a token role, a new token made from its maker's session). */
  async login(role: Role): Promise<void> {
    if (role === 'anonymous') this.bearer[role] = null;
    else if (isTokenRole(role)) {
      const { maker, scopes } = TOKEN_ROLES[role];
      let res = await this.as(maker, 'POST', '/api/tokens', { name: role, scopes });
      if (res.statusCode === 401) {
        await this.login(maker);
        res = await this.as(maker, 'POST', '/api/tokens', { name: role, scopes });
      }
      expect(res.statusCode, res.body).toBe(201);
      this.bearer[role] = res.json().token as string;
    } else this.bearer[role] = await apiLogin(this.s, this.people[role]);
  }

  /** A request as `role`. */
  as(role: Role, method: 'GET' | 'POST', url: string, payload?: object) {
    return this.s.app.inject({
      method,
      url,
      headers: this.bearer[role] ? { authorization: `Bearer ${this.bearer[role]}` } : {},
      ...(payload ? { payload } : {}),
    });
  }

  /** Files a report over the API, with a word of its own in its title and description (and a file). */
  private async file(token: string, withFile: boolean): Promise<FixtureReport> {
    const marker = `zq${randomBytes(6).toString('hex')}`;
    const res = await this.s.app.inject({
      method: 'POST',
      url: '/api/reports',
      headers: { authorization: `Bearer ${token}` },
      payload: submission({
        title: `Prototype pollution in merge() ${marker}`,
        description: `merge() copies __proto__ keys from its second argument into the target ${marker}.`,
      }),
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().report.id as string;
    if (!withFile) return { id, attachmentId: null, marker };
    const m = multipart({ name: 'poc.png', type: 'image/png', bytes: PNG });
    const att = await this.s.app.inject({
      method: 'POST',
      url: `/api/reports/${id}/attachments`,
      headers: { authorization: `Bearer ${token}`, ...m.headers },
      payload: m.payload,
    });
    expect(att.statusCode, att.body).toBeLessThan(300);
    return { id, attachmentId: (att.json().id ?? att.json().attachment?.id) as string, marker };
  }

  /** True while the maintainer is one of the invited report's maintainers. */
  async maintainerInvited(): Promise<boolean> {
    const rows = await sql<{ n: number }>`select count(*) as n from report_maintainers
      where report_id = ${this.reports.invited.id} and user_id = ${this.people.maintainer.user.id}`.execute(
      this.s.store.db,
    );
    return Number(rows.rows[0]?.n ?? 0) > 0;
  }

  /**
   * Invites the maintainer to the invited report as the program does (the triage team's invitation,
   * accepted over the API); false when the report no longer takes maintainers (the fuzzing moved it on).
   */
  async inviteMaintainer(): Promise<boolean> {
    const { program } = disclosureOf(this.s.app);
    const triage = userActor(this.people.triage.user.id, ['triage']);
    let token: string;
    try {
      token = (
        await program.invitations.invite(
          triage,
          this.reports.invited.id,
          this.people.maintainer.email,
          ORIGIN,
        )
      ).token;
    } catch {
      return false;
    }
    const res = await this.as('maintainer', 'POST', '/api/invitations/accept', { token });
    if (res.statusCode === 401) {
      await this.login('maintainer');
      return this.inviteMaintainer();
    }
    return res.statusCode === 200;
  }

  /** The ids of reports and attachments of the fixtures that `role` may not read. */
  foreignTo(role: Role): Set<string> {
    const { mine, theirs, invited } = this.reports;
    const readable: FixtureReport[] =
      role === 'triage' || role === 'admin' || role === 'triage-token-read' || role === 'admin-token'
        ? [mine, theirs, invited]
        : role === 'reporter'
          ? [mine]
          : role === 'maintainer'
            ? [invited]
            : [];
    const out = new Set<string>();
    for (const r of [mine, theirs, invited])
      if (!readable.includes(r)) for (const id of [r.id, r.attachmentId]) if (id) out.add(id);
    return out;
  }

  /** The fixture report an id (of it or its attachment) or a marker belongs to. */
  reportOf(idOrMarker: string): FixtureReport | undefined {
    return Object.values(this.reports).find(
      (r) => r.id === idOrMarker || r.attachmentId === idOrMarker || r.marker === idOrMarker,
    );
  }

  /** True once a report is published: then its words are everyone's. */
  async published(r: FixtureReport): Promise<boolean> {
    const rows = await sql<{ state: string }>`select state from reports where id = ${r.id}`.execute(
      this.s.store.db,
    );
    return rows.rows[0]?.state === 'published';
  }
}
