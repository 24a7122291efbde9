import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One message the loopback SMTP server received, its body decoded. */
export interface Delivered {
  /** The envelope's sender and recipients. */
  from: string;
  to: string[];
  subject: string;
  /** The body, quoted-printable decoded. */
  text: string;
  /** The message as it arrived, headers and all. */
  raw: string;
}

/** A real SMTP server on loopback that keeps what it receives. */
export interface Inbox {
  port: number;
  messages: Delivered[];
  /** The last message to `to` whose subject matches, waiting a little for it. */
  last(to: string, subject: RegExp): Promise<Delivered>;
  /** The first URL in the last such message that starts with `prefix`. */
  link(to: string, subject: RegExp, prefix: string): Promise<string>;
  /**
   * Set to make the server refuse every recipient (`rcpt`) or every message body (`data`) with this
   * SMTP reply code (4xx: try later, 5xx: refused); null (the default) to accept.
   */
  refuse: { stage: 'rcpt' | 'data'; code: number } | null;
  close(): Promise<void>;
}

/** An SMTP refusal as smtp-server answers it. */
const refusal = (code: number) =>
  Object.assign(new Error(code < 500 ? 'mailbox busy, try later' : 'mailbox unavailable'), {
    responseCode: code,
  });

/** Quoted-printable soft breaks and escapes, as nodemailer writes long lines. */
const unQp = (s: string) =>
  s
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)));

/** Starts the server on loopback, on `opts.port` when given (a port a client was told of before). */
export async function startInbox(opts: { port?: number } = {}): Promise<Inbox> {
  const messages: Delivered[] = [];
  const control: { refuse: Inbox['refuse'] } = { refuse: null };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onRcptTo(_address, _session, callback) {
      const r = control.refuse;
      callback(r?.stage === 'rcpt' ? refusal(r.code) : undefined);
    },
    onData(stream, session, callback) {
      const r = control.refuse;
      if (r?.stage === 'data') {
        stream.on('end', () => callback(refusal(r.code)));
        stream.resume();
        return;
      }
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (d: string) => (raw += d));
      stream.on('end', () => {
        const split = raw.indexOf('\r\n\r\n');
        // long header lines arrive folded (RFC 5322): unfold before reading them
        const head = raw.slice(0, split).replace(/\r?\n(?=[ \t])/g, '');
        const subject = /^Subject: (.*)$/im.exec(head)?.[1]?.trim() ?? '';
        const qp = /content-transfer-encoding:\s*quoted-printable/i.test(head);
        const body = raw.slice(split + 4);
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject,
          text: qp ? unQp(body) : body,
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', resolve);
  });
  const port = (server.server.address() as AddressInfo).port;
  const last = async (to: string, subject: RegExp) => {
    for (let i = 0; i < 100; i++) {
      const m = messages.filter((x) => x.to.includes(to) && subject.test(x.subject)).at(-1);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(
      `no message to ${to} matching ${subject}; got: ${messages.map((m) => `${m.to} ${m.subject}`).join('; ')}`,
    );
  };
  return {
    port,
    messages,
    get refuse() {
      return control.refuse;
    },
    set refuse(r) {
      control.refuse = r;
    },
    last,
    async link(to, subject, prefix) {
      const m = await last(to, subject);
      const found = m.text.split(/\s+/).find((w) => w.startsWith(prefix));
      if (!found) throw new Error(`no link ${prefix}… in: ${m.text}`);
      return found;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
