/**
 * The spoken message a voice provider plays in a call: the text and its language carried in a signed,
 * unguessable token in the audio's URL (`{publicUrl}/api/voice/audio?token=…`: a query, as the token outgrows
 * a path parameter), so the provider fetches it from the server without an account and nobody can make the
 * server speak anything else. Rendered by espeak-ng and sox when fetched (speech.ts).
 */
import { createHmac } from 'node:crypto';
import { safeEqual } from '../../lib/crypto.js';

const signature = (secret: string, payload: string): string =>
  createHmac('sha256', secret).update(`voice-audio:${payload}`).digest('base64url').slice(0, 32);

/** The token of a text in a language. */
export function spokenAudioToken(secret: string, text: string, language: string): string {
  const payload = Buffer.from(JSON.stringify({ t: text, l: language })).toString('base64url');
  return `${payload}.${signature(secret, payload)}`;
}

/** The text and language of a token this server signed; null for any other. */
export function readSpokenAudioToken(secret: string, token: string): { text: string; language: string } | null {
  const [payload, given, ...rest] = token.split('.');
  if (!payload || !given || rest.length > 0 || !safeEqual(given, signature(secret, payload))) return null;
  try {
    const { t, l } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { t?: unknown; l?: unknown };
    return typeof t === 'string' && typeof l === 'string' ? { text: t, language: l } : null;
  } catch {
    return null;
  }
}

/** Where the provider fetches the audio of a text. */
export const spokenAudioUrl = (publicUrl: string, secret: string, text: string, language: string): string =>
  `${publicUrl.replace(/\/$/, '')}/api/voice/audio?token=${spokenAudioToken(secret, text, language)}`;
