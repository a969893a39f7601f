/** Distinct valid Finnish mobile numbers for tests (040 + 7 digits), so that per-number limits never collide. */
let next = 2_000_000 + Math.floor(Math.random() * 1_000_000);

export function nextPhone(): { national: string; e164: string } {
  const digits = String(next++);
  return { national: `040${digits}`, e164: `+35840${digits}` };
}
