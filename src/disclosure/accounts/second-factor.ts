import { createHash, randomBytes } from 'node:crypto';

// The second factor: TOTP codes (RFC 6238, 30-second steps, six digits, as every authenticator app
// makes them), each accepted once, and one-time recovery codes for a lost authenticator.

/** The TOTP library, loaded on first use (the audit and the public pages never need it). */
const loadOtpauth = () => import('otpauth');

const PERIOD_MS = 30_000;

/** A new TOTP secret (160 bits, base32) and its otpauth:// URI for an authenticator app's QR code. */
export async function newTotpSecret(account: string): Promise<{ secret: string; uri: string }> {
  const { TOTP, Secret } = await loadOtpauth();
  const secret = new Secret({ size: 20 }).base32;
  const uri = new TOTP({ issuer: 'nswg', label: account, secret: Secret.fromBase32(secret) }).toString();
  return { secret, uri };
}

/**
 * The time step of a correct code at `now` (one step of clock drift either way is allowed), or null
 * when the code is wrong. The caller accepts a step only above the last one used, so a code works once.
 */
export async function totpStep(secret: string, code: string, now: Date): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const { TOTP, Secret } = await loadOtpauth();
  const totp = new TOTP({ issuer: 'nswg', secret: Secret.fromBase32(secret) });
  const delta = totp.validate({ token: code, timestamp: now.getTime(), window: 1 });
  return delta === null ? null : Math.floor(now.getTime() / PERIOD_MS) + delta;
}

const CODE_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** New one-time recovery codes, `xxxxx-xxxxx` (about 49 bits each), shown to the user once. */
export function newRecoveryCodes(count: number): string[] {
  const out: string[] = [];
  // bytes at or above the largest multiple of the alphabet's size are skipped: no letter is likelier
  const limit = 256 - (256 % CODE_ALPHABET.length);
  while (out.length < count) {
    const chars: string[] = [];
    while (chars.length < 10)
      for (const b of randomBytes(16))
        if (b < limit && chars.length < 10) chars.push(CODE_ALPHABET[b % CODE_ALPHABET.length]!);
    const code = `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
    if (!out.includes(code)) out.push(code);
  }
  return out;
}

/** A recovery code as typed, normalized (case, spaces and dashes do not matter), or null when it cannot be one. */
export function normalRecoveryCode(typed: string): string | null {
  const c = typed.toLowerCase().replace(/[\s-]/g, '');
  return /^[a-z0-9]{10}$/.test(c) ? c : null;
}

/** How recovery codes are stored: the SHA-256 of the normalized code. */
export const recoveryCodeHash = (normalized: string): string =>
  createHash('sha256').update(`nswg recovery ${normalized}`).digest('hex');
