import nodemailer, { type Transporter } from 'nodemailer';
import type { Mailer, MailMessage } from '../disclosure/index.js';

/** How to reach the SMTP server (nodemailer's options, the usual subset). */
export interface SmtpConfig {
  host: string;
  port: number;
  /** TLS from the start (port 465); otherwise STARTTLS is used when the server offers it. */
  secure?: boolean;
  auth?: { user: string; pass: string };
  /** The sender, e.g. "Node.js Security WG <security@example.org>". */
  from: string;
  /** Refuse servers without STARTTLS (production); tests on loopback turn it off. */
  requireTls?: boolean;
  /** Accept self-signed certificates (tests only). */
  allowSelfSigned?: boolean;
}

/** Sends mail through an SMTP server with nodemailer: the production mailer. */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(private readonly config: SmtpConfig) {
    this.transport = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure ?? false,
      requireTLS: config.requireTls ?? false,
      ...(config.auth ? { auth: config.auth } : {}),
      ...(config.allowSelfSigned ? { tls: { rejectUnauthorized: false } } : {}),
      // bounded, so that a server that stops answering fails the attempt (and the queue retries it)
      // well within the claim a delivering server holds on the message
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
    });
  }

  async send(m: MailMessage): Promise<void> {
    await this.transport.sendMail({ from: this.config.from, to: m.to, subject: m.subject, text: m.text });
  }

  /** Closes pooled connections. */
  close(): void {
    this.transport.close();
  }
}
