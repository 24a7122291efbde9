import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer, OutboxMailer, SmtpMailer } from '../../src/mail/index.js';
import { makeWorld, ORIGIN, submit, type World } from '../disclosure/store-setup.js';
import { type Inbox, startInbox } from '../helpers/smtp.js';

const header = (raw: string, name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(raw)?.[1]?.trim();

describe('mail over SMTP (a real server on loopback)', () => {
  let smtp: Inbox;
  let mailer: SmtpMailer;
  let w: World;
  beforeAll(async () => {
    smtp = await startInbox();
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
    await smtp?.close();
  });

  it('delivers a message with its envelope, headers and text', async () => {
    await mailer.send({
      to: 'someone@example.org',
      subject: 'Hello from nswg',
      text: 'Line one.\nLine two: ünïcödé.',
    });
    const m = smtp.messages.at(-1)!;
    expect(m.from).toBe('security@nswg.example');
    expect(m.to).toEqual(['someone@example.org']);
    expect(header(m.raw, 'Subject')).toBe('Hello from nswg');
    expect(header(m.raw, 'To')).toBe('someone@example.org');
    expect(m.raw).toMatch(/Line one\./);
  });

  it('notifies the reporter and the team of state changes, as each chose', async () => {
    const { reporter, triage1, triage2 } = w.users;
    const r = await submit(w, reporter);
    smtp.messages.length = 0;
    await w.program.workflow.transition(triage1, r.id, 'request-info', {}, ORIGIN);
    const subject = `[nswg] ${r.id} is now needs-more-info`;
    const got = smtp.messages
      .filter((m) => header(m.raw, 'Subject') === subject)
      .flatMap((m) => m.to)
      .sort();
    expect(got).toEqual([w.emails.reporter, w.emails.triage1, w.emails.triage2].sort());
    expect(smtp.messages.some((m) => m.to.includes(w.emails.core!))).toBe(false);
    expect(smtp.messages.find((m) => m.to.includes(w.emails.reporter!))!.raw).toContain(
      `https://nswg.example/reports/${r.id}`,
    );

    await w.store.accounts.setNotificationPref(triage2.id, 'state-change', false);
    smtp.messages.length = 0;
    await w.program.workflow.transition(reporter, r.id, 'provide-info', {}, ORIGIN);
    expect(smtp.messages.flatMap((m) => m.to).sort()).toEqual([w.emails.reporter, w.emails.triage1].sort());
  });

  it('sends the maintainer invitation with its single-use link', async () => {
    const { reporter, triage1, triage2, maintainer } = w.users;
    const r = await submit(w, reporter);
    await w.program.workflow.transition(triage1, r.id, 'accept', {}, ORIGIN);
    smtp.messages.length = 0;
    const inv = await w.program.invitations.invite(triage2, r.id, 'maintainer@example.org', ORIGIN);
    const mail = smtp.messages.find((m) => m.to.includes('maintainer@example.org'))!;
    const link = /https:\/\/nswg\.example\/invitations\/(\S+)/.exec(mail.raw.replace(/=\r?\n/g, ''))![1]!;
    expect(link).toBe(inv.token);
    await expect(w.program.invitations.accept(maintainer, link, ORIGIN)).resolves.toMatchObject({ id: r.id });
  });

  it('chooses SMTP when configured and the outbox otherwise', () => {
    expect(
      createMailer({ smtp: { host: '127.0.0.1', port: smtp.port, from: 'x@y.z' } }, { add: async () => {} }),
    ).toBeInstanceOf(SmtpMailer);
    expect(createMailer({}, { add: async () => {} })).toBeInstanceOf(OutboxMailer);
  });
});
