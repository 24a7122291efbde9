import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer, OutboxMailer, SmtpMailer } from '../../src/mail/index.js';
import { makeWorld, ORIGIN, submit, type World } from '../disclosure/store-setup.js';

interface Delivered {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on loopback that keeps what it receives. */
async function startServer(): Promise<{ server: SMTPServer; port: number; inbox: Delivered[] }> {
  const inbox: Delivered[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (d: string) => (raw += d));
      stream.on('end', () => {
        inbox.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.server.address() as AddressInfo).port, inbox };
}

const header = (raw: string, name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(raw)?.[1]?.trim();

describe('mail over SMTP (a real server on loopback)', () => {
  let smtp: Awaited<ReturnType<typeof startServer>>;
  let mailer: SmtpMailer;
  let w: World;
  beforeAll(async () => {
    smtp = await startServer();
    mailer = new SmtpMailer({
      host: '127.0.0.1',
      port: smtp.port,
      from: 'Node.js Security WG <security@nswg.example>',
    });
    w = await makeWorld('sqlite', mailer);
  });
  afterAll(async () => {
    mailer?.close();
    await w?.close();
    await new Promise<void>((resolve) => smtp.server.close(() => resolve()));
  });

  it('delivers a message with its envelope, headers and text', async () => {
    await mailer.send({
      to: 'someone@example.org',
      subject: 'Hello from nswg',
      text: 'Line one.\nLine two: ünïcödé.',
    });
    const m = smtp.inbox.at(-1)!;
    expect(m.from).toBe('security@nswg.example');
    expect(m.to).toEqual(['someone@example.org']);
    expect(header(m.raw, 'Subject')).toBe('Hello from nswg');
    expect(header(m.raw, 'To')).toBe('someone@example.org');
    expect(m.raw).toMatch(/Line one\./);
  });

  it('notifies the reporter and the team of state changes, as each chose', async () => {
    const { reporter, triage1, triage2 } = w.users;
    const r = await submit(w, reporter);
    smtp.inbox.length = 0;
    await w.program.transition(triage1, r.id, 'request-info', {}, ORIGIN);
    const subject = `[nswg] ${r.id} is now needs-more-info`;
    const got = smtp.inbox
      .filter((m) => header(m.raw, 'Subject') === subject)
      .flatMap((m) => m.to)
      .sort();
    expect(got).toEqual([w.emails.reporter, w.emails.triage1, w.emails.triage2].sort());
    expect(smtp.inbox.some((m) => m.to.includes(w.emails.core!))).toBe(false);
    expect(smtp.inbox.find((m) => m.to.includes(w.emails.reporter!))!.raw).toContain(
      `https://nswg.example/reports/${r.id}`,
    );

    await w.store.accounts.setNotificationPref(triage2.id, 'state-change', false);
    smtp.inbox.length = 0;
    await w.program.transition(reporter, r.id, 'provide-info', {}, ORIGIN);
    expect(smtp.inbox.flatMap((m) => m.to).sort()).toEqual([w.emails.reporter, w.emails.triage1].sort());
  });

  it('sends the maintainer invitation with its single-use link', async () => {
    const { reporter, triage1, triage2, maintainer } = w.users;
    const r = await submit(w, reporter);
    await w.program.transition(triage1, r.id, 'accept', {}, ORIGIN);
    smtp.inbox.length = 0;
    const inv = await w.program.inviteMaintainer(triage2, r.id, 'maintainer@example.org', ORIGIN);
    const mail = smtp.inbox.find((m) => m.to.includes('maintainer@example.org'))!;
    const link = /https:\/\/nswg\.example\/invitations\/(\S+)/.exec(mail.raw.replace(/=\r?\n/g, ''))![1]!;
    expect(link).toBe(inv.token);
    await expect(w.program.acceptInvitation(maintainer, link, ORIGIN)).resolves.toMatchObject({ id: r.id });
  });

  it('chooses SMTP when configured and the outbox otherwise', () => {
    expect(
      createMailer({ smtp: { host: '127.0.0.1', port: smtp.port, from: 'x@y.z' } }, { add: async () => {} }),
    ).toBeInstanceOf(SmtpMailer);
    expect(createMailer({}, { add: async () => {} })).toBeInstanceOf(OutboxMailer);
  });
});
