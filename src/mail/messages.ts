import type { MailMessage } from '../disclosure/index.js';

/** The account e-mails the server sends (the disclosure notices are built in src/disclosure/notifications.ts). */
export const accountMessages = {
  /** The link that confirms a new account's address. */
  verifyEmail(to: string, link: string): MailMessage {
    return {
      to,
      secrets: [link],
      subject: '[nswg] Confirm your e-mail address',
      text: `Confirm your e-mail address for the Node.js Security Working Group's disclosure program:\n\n${link}\n\nThe link works once, for 48 hours. If you did not sign up, ignore this message: the account is not usable until it is confirmed, and a new sign-up with your address replaces it.\n`,
    };
  },
  /** The link that sets a new password. */
  passwordReset(to: string, link: string): MailMessage {
    return {
      to,
      secrets: [link],
      subject: '[nswg] Reset your password',
      text: `Someone asked to reset the password of this account. To choose a new password, open:\n\n${link}\n\nThe link works once, for one hour; setting a password ends every session and API token of the account. If it was not you, ignore this message.\n`,
    };
  },
  /** What the owner of a confirmed address is told when someone signs up with it. */
  alreadyRegistered(to: string, loginUrl: string, resetUrl: string): MailMessage {
    return {
      to,
      subject: '[nswg] Someone signed up with your address',
      text: `Someone tried to sign up for the Node.js Security Working Group's disclosure program with this address, which already has an account. Nothing was changed.\n\nIf it was you, log in: ${loginUrl}\nForgot your password? ${resetUrl}\n\nIf it was not you, ignore this message.\n`,
    };
  },
};
