import type { MailMessage } from '../disclosure/index.js';

/** The account e-mails the server sends (the disclosure notices are built in src/disclosure/notifications.ts). */
export const accountMessages = {
  /** The link that confirms a new account's address. */
  verifyEmail(to: string, link: string): MailMessage {
    return {
      to,
      subject: '[nswg] Confirm your e-mail address',
      text: `Confirm your e-mail address for the Node.js Security Working Group's disclosure program:\n\n${link}\n\nThe link works once, for 48 hours. If you did not register, ignore this message.\n`,
    };
  },
  /** The link that sets a new password. */
  passwordReset(to: string, link: string): MailMessage {
    return {
      to,
      subject: '[nswg] Reset your password',
      text: `Someone asked to reset the password of this account. To choose a new password, open:\n\n${link}\n\nThe link works once, for one hour. If it was not you, ignore this message.\n`,
    };
  },
};
