import type { Mailer, MailMessage } from '../disclosure/index.js';

/** Where the outbox mailer keeps messages (the store's OutboxStore fits). */
export interface OutboxSink {
  add(m: MailMessage): Promise<void>;
}

/** What the outbox keeps instead of a link that grants access. */
export const WITHHELD =
  '[link withheld: it is never kept at rest. An admin hands over a new one: nswg user link EMAIL, or the Users page]';

/** A message as it may be kept at rest: its secrets (links that grant access) withheld. */
export function withoutSecrets(m: MailMessage): MailMessage {
  let text = m.text;
  for (const s of m.secrets ?? []) if (s) text = text.split(s).join(WITHHELD);
  return { to: m.to, subject: m.subject, text };
}

/**
 * The embedded default when no SMTP server is configured: keeps every message in the outbox table,
 * which admins read, with the links that grant access withheld (a database reader must not be able
 * to take over an account or join a report with them).
 */
export class OutboxMailer implements Mailer {
  constructor(private readonly sink: OutboxSink) {}

  send(m: MailMessage): Promise<void> {
    return this.sink.add(withoutSecrets(m));
  }
}
