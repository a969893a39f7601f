/**
 * The second factor: RFC 6238 TOTP (otpauth; 6 digits, 30 s, SHA-1 as every authenticator app reads it).
 * The secret is stored encrypted (AES-256-GCM under a key derived from AVISO_SECRET), so a copy of the
 * database alone does not yield the operators' second factors.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import * as OTPAuth from 'otpauth';

const keyOf = (serverSecret: string) => createHash('sha256').update(`aviso-totp:${serverSecret}`).digest();

export function sealSecret(serverSecret: string, base32: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(serverSecret), iv);
  const data = Buffer.concat([cipher.update(base32, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join(
    '.',
  );
}

export function openSecret(serverSecret: string, sealed: string): string {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || !data) throw new Error('unknown TOTP secret format');
  const decipher = createDecipheriv('aes-256-gcm', keyOf(serverSecret), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

export const newTotpSecret = (): string => new OTPAuth.Secret({ size: 20 }).base32;

function totpOf(base32: string, label = 'operator', issuer = 'Aviso'): OTPAuth.TOTP {
  return new OTPAuth.TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: OTPAuth.Secret.fromBase32(base32),
  });
}

/** The `otpauth://` URI an authenticator app scans. */
export const totpUri = (base32: string, label: string, issuer: string): string =>
  totpOf(base32, label, issuer).toString();

/**
 * The time step the code belongs to (±1 step of clock drift), or null when wrong. The caller refuses a
 * step already used, so that a code cannot be replayed.
 */
export function totpStep(base32: string, code: string, now: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpOf(base32).validate({ token: code, timestamp: now, window: 1 });
  return delta === null ? null : Math.floor(now / 30_000) + delta;
}

/** The current code (tests, and the CLI's enrolment check). */
export const totpCode = (base32: string, now: number): string => totpOf(base32).generate({ timestamp: now });
