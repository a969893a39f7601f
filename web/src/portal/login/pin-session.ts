/**
 * The PIN step kept across a reload and the browser's Back and Forward: the step is in the address
 * (`#pin`, a history entry of its own) and what it needs — the number or email, when a new PIN may be
 * asked for, how long the PIN lives — in session storage (this tab only, gone when it closes).
 */
import type { PinRequested } from './LoginStart';

const HASH = '#pin';

interface Stored {
  request: PinRequested;
  /** Epoch ms after which the PIN sent has expired: the step is not brought back after that. */
  expiresAt: number;
}

const keyOf = (slug: string) => `aviso.pin.${slug}`;

function read(slug: string): Stored | null {
  try {
    const stored = JSON.parse(sessionStorage.getItem(keyOf(slug)) ?? 'null') as Stored | null;
    return stored && typeof stored.expiresAt === 'number' && stored.request?.login ? stored : null;
  } catch {
    return null;
  }
}

/** The PIN step to show now: the address says `#pin` and a PIN asked for in this tab has not expired. */
export function restorePinStep(slug: string, now = Date.now()): PinRequested | null {
  if (location.hash !== HASH) return null;
  const stored = read(slug);
  return stored && stored.expiresAt > now ? stored.request : null;
}

/** The request of the PIN last asked for in this tab (for Forward after Back), whatever the address says. */
export function storedPinRequest(slug: string, now = Date.now()): PinRequested | null {
  const stored = read(slug);
  return stored && stored.expiresAt > now ? stored.request : null;
}

/** Remembers the request; a first request is a new history entry (Back returns to the number), a resend replaces it. */
export function savePinStep(slug: string, request: PinRequested, now = Date.now()): void {
  try {
    sessionStorage.setItem(
      keyOf(slug),
      JSON.stringify({ request, expiresAt: now + request.expiresInMinutes * 60_000 } satisfies Stored),
    );
  } catch {
    // No storage (a private mode): the step lasts for this page only.
  }
  const url = `${location.pathname}${location.search}${HASH}`;
  if (location.hash === HASH) history.replaceState(history.state, '', url);
  else history.pushState({ aviso: 'pin' }, '', url);
}

/** Forgets the step (logged in, or another number chosen); the address loses `#pin` without a new entry. */
export function clearPinStep(slug: string): void {
  try {
    sessionStorage.removeItem(keyOf(slug));
  } catch {
    // Nothing stored.
  }
  if (location.hash === HASH) history.replaceState(null, '', `${location.pathname}${location.search}`);
}

export const isPinAddress = () => location.hash === HASH;
