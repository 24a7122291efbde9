import type { Mailer, MailMessage } from '../disclosure/index.js';

/** Where the outbox mailer keeps messages (the store's OutboxStore fits). */
export interface OutboxSink {
  add(m: MailMessage): Promise<void>;
}

/** The embedded default: keeps every message in the outbox table, which admins read. */
export class OutboxMailer implements Mailer {
  constructor(private readonly sink: OutboxSink) {}

  send(m: MailMessage): Promise<void> {
    return this.sink.add(m);
  }
}
