// The disclosure program's mail: SMTP in production, the outbox table by default.
import type { Mailer } from '../disclosure/index.js';
import { OutboxMailer, type OutboxSink } from './outbox.js';
import { type SmtpConfig, SmtpMailer } from './smtp.js';

export {
  type ClaimedMessage,
  type DeliveryLog,
  type DeliveryOptions,
  type DeliveryRun,
  KEEP_SENT_MS,
  MailDelivery,
  type MailQueue,
  mailErrorText,
  QueuedMailer,
} from './delivery.js';
export { accountMessages } from './messages.js';
export { OutboxMailer, type OutboxSink, WITHHELD, withoutSecrets } from './outbox.js';
export { type SmtpConfig, SmtpMailer } from './smtp.js';

/** The mailer a configuration asks for: SMTP when configured, else the outbox. */
export function createMailer(config: { smtp?: SmtpConfig | null }, outbox: OutboxSink): Mailer {
  return config.smtp ? new SmtpMailer(config.smtp) : new OutboxMailer(outbox);
}
