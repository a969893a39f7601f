/**
 * Dates as people write them: `1.2.1980` (Finnish, also `1/2/1980`), `1980-02-01` (Swedish, ISO) or
 * `19800201`, read into the ISO date the API takes. Day before month in the dotted and slashed forms,
 * as in Finland, Sweden and most of Europe.
 */

const pad = (n: string) => n.padStart(2, '0');

/** The ISO date (`1980-02-01`) of what was typed, or the text trimmed when it is no date form we know (the server names it). */
export function isoDateFromInput(value: string): string {
  const text = value.trim();
  const dotted = /^(\d{1,2})\s*[./]\s*(\d{1,2})\s*[./]\s*(\d{4})$/.exec(text);
  if (dotted) return `${dotted[3]}-${pad(dotted[2]!)}-${pad(dotted[1]!)}`;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (iso) return `${iso[1]}-${pad(iso[2]!)}-${pad(iso[3]!)}`;
  if (/^\d{8}$/.test(text)) return `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6)}`;
  return text;
}

/** An ISO date (`1980-02-01`) written in the page's language: `1.2.1980` in Finnish, `1980-02-01` in Swedish. */
export function formatIsoDate(iso: string, language: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return iso;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : language, {
    timeZone: 'UTC',
    dateStyle: 'short',
  }).format(date);
}
