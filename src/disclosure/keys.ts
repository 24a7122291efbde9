import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { type ErrorLocation, NswgError } from '../errors.js';

/** The shortest server secret accepted (characters). */
export const MIN_SECRET_LENGTH = 32;

/**
 * The keys the disclosure program derives from the server's one secret (the secret file, never the
 * database): a database writer who lacks the file can neither forge an invitation, a CSRF token or
 * an audit entry, nor read a TOTP secret.
 */
export interface ServerKeys {
  /** Signs maintainer invitations (HMAC-SHA-256). */
  readonly invitations: Buffer;
  /** Keys the pages' CSRF tokens. */
  readonly csrf: Buffer;
  /** Authenticates each audit log entry (HMAC-SHA-256 of its hash). */
  readonly audit: Buffer;
  /** Encrypts secrets kept in the database (TOTP secrets), AES-256-GCM. */
  readonly sealing: Buffer;
  /** A public fingerprint of the secret: tells two instances (or a restart) apart from the same one. */
  readonly fingerprint: string;
}

const derive = (secret: string, label: string): Buffer =>
  Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), `nswg ${label}`, 32));

/** The server secret, checked: E_USAGE (at `where`: the secret file, say) when it is too short. */
export function checkServerSecret(secret: unknown, where: ErrorLocation = { field: 'secret' }): string {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH)
    throw new NswgError('E_USAGE', `the secret must be at least ${MIN_SECRET_LENGTH} characters`, where);
  return secret;
}

/** The keys of a server secret; E_USAGE when the secret is too short. */
export function deriveKeys(secret: string): ServerKeys {
  checkServerSecret(secret);
  return {
    invitations: derive(secret, 'invitations'),
    csrf: derive(secret, 'csrf'),
    audit: derive(secret, 'audit log'),
    sealing: derive(secret, 'sealing'),
    fingerprint: derive(secret, 'fingerprint').toString('hex').slice(0, 16),
  };
}

/** A new random server secret (for a secret file made on first start). */
export const newServerSecret = (): string => randomBytes(48).toString('base64url');

/** HMAC-SHA-256 of `text` with `key`, hex. */
export const hmacHex = (key: Buffer, text: string): string =>
  createHmac('sha256', key).update(text).digest('hex');

const SEALED = /^v1\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]{22})$/;

/** True when `value` is sealed (see seal); anything else is plain text from before sealing. */
export const isSealed = (value: string): boolean => SEALED.test(value);

/**
 * Encrypts a secret for the database with AES-256-GCM: `v1.<iv>.<ciphertext>.<tag>`. `context`
 * (e.g. the user id) is bound as associated data, so a sealed value copied to another row fails.
 */
export function seal(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
  return `v1.${iv.toString('base64url')}.${body.toString('base64url')}.${c.getAuthTag().toString('base64url')}`;
}

/** Decrypts a value made by seal; E_USAGE when it was sealed with another key or altered. */
export function unseal(key: Buffer, sealed: string, context: string): string {
  const m = SEALED.exec(sealed);
  if (!m) throw new NswgError('E_USAGE', 'not a sealed value', { field: 'secret' });
  try {
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(m[1]!, 'base64url'));
    d.setAAD(Buffer.from(context, 'utf8'));
    d.setAuthTag(Buffer.from(m[3]!, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(m[2]!, 'base64url')), d.final()]).toString('utf8');
  } catch {
    throw new NswgError(
      'E_USAGE',
      'a secret in the database cannot be decrypted: the server secret is not the one it was sealed with',
      { field: 'secret' },
    );
  }
}
