/**
 * Calendar rules that depend on the local day and hour: "today" in Finland for the 16-year rule, the
 * 16th birthday (29 February counts on 28 February in common years, as Finnish law reckons periods),
 * and quiet hours for planned-work notices. Pure: the time comes in as epoch milliseconds.
 */

export const DEFAULT_TIME_ZONE = 'Europe/Helsinki';

const dayFormats = new Map<string, Intl.DateTimeFormat>();

function partsIn(ms: number, timeZone: string): Record<string, number> {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    dayFormats.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const p of format.formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return parts;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The local calendar day of `ms` in `timeZone`, as `YYYY-MM-DD`. */
export function localDate(ms: number, timeZone = DEFAULT_TIME_ZONE): string {
  const p = partsIn(ms, timeZone);
  return `${pad(p.year!, 4)}-${pad(p.month!)}-${pad(p.day!)}`;
}

const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** The day someone born on `birthDate` (YYYY-MM-DD) turns `years` old. */
export function birthdayOf(birthDate: string, years: number): string {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const year = y + years;
  const day = m === 2 && d === 29 && !isLeapYear(year) ? 28 : d;
  return `${pad(year, 4)}-${pad(m)}-${pad(day)}`;
}

/**
 * The latest birth date (YYYY-MM-DD) of someone who is at least `years` old on `today`: comparing
 * strings against it is the whole age rule, with no date arithmetic per person. On 28 February of a
 * common year it is the 29th, since those born on 29 February turn `years` on the 28th.
 */
export function birthCutoff(today: string, years: number): string {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const year = y - years;
  const day = m === 2 && d === 28 && !isLeapYear(y) && isLeapYear(year) ? 29 : d;
  return `${pad(year, 4)}-${pad(m)}-${pad(day)}`;
}

export interface QuietHours {
  /** Local `HH:MM` when quiet hours begin (e.g. 21:00). */
  start: string;
  /** Local `HH:MM` when they end (e.g. 07:00); may be on the next day. */
  end: string;
  timeZone: string;
}

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + (m || 0);
};

/** Whether `ms` falls inside the quiet hours. */
export function inQuietHours(ms: number, quiet: QuietHours): boolean {
  const p = partsIn(ms, quiet.timeZone);
  const now = p.hour! * 60 + p.minute!;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return false;
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/**
 * The first moment at or after `ms` outside the quiet hours (`ms` itself when it is outside). Walks in
 * local minutes and then corrects once, so a daylight-saving change inside the window is honoured.
 */
export function afterQuietHours(ms: number, quiet: QuietHours | null): number {
  if (!quiet || !inQuietHours(ms, quiet)) return ms;
  const p = partsIn(ms, quiet.timeZone);
  const now = p.hour! * 60 + p.minute!;
  const end = minutesOf(quiet.end);
  const wait = (end - now + 24 * 60) % (24 * 60);
  let candidate = ms - p.second! * 1000 - (ms % 1000) + wait * 60_000;
  // A DST shift makes the wall clock differ from the plan by an hour: move by the difference.
  const q = partsIn(candidate, quiet.timeZone);
  const drift = q.hour! * 60 + q.minute! - end;
  if (drift !== 0) candidate -= (((drift + 12 * 60) % (24 * 60)) - 12 * 60) * 60_000;
  return candidate;
}
