/** What several browser tests do on the portal: read a PIN from the dev inbox page, look for English on a translated page. */
import { PROBLEMS } from '../../src/problems.js';
import { en } from '../../web/src/locales/en.js';
import { fi } from '../../web/src/locales/fi.js';
import { sv } from '../../web/src/locales/sv.js';
import type { WatchedPage } from './browser.js';

/** The PIN in the newest message the dev inbox page shows for `to`. */
export async function readPinFromInbox(watched: WatchedPage, to: string): Promise<string> {
  const inbox = await watched.context.newPage();
  await inbox.goto('/dev/inbox');
  const device = inbox.locator(`[data-to="${to}"]`);
  await device.waitFor({ timeout: 15_000 });
  const text = (await device.locator('.inbox-message__text').first().textContent()) ?? '';
  await inbox.close();
  const pin = /\b(\d{4,8})\b/.exec(text)?.[1];
  if (!pin) throw new Error(`no PIN in "${text}"`);
  return pin;
}

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): Array<[string, string]> {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [[`${prefix}${key}`, value] as [string, string]] : leaves(value, `${prefix}${key}.`),
  );
}

/** Pieces of text long enough (two words, ten characters) to say a sentence is English, not a name or a unit. */
function sentencePieces(text: string, placeholder: RegExp): string[] {
  return text
    .split(placeholder)
    .map((piece) => piece.trim())
    .filter((piece) => piece.length >= 10 && /\s/.test(piece));
}

/**
 * The English sentences a page might show: the English locale's texts (but those the Finnish or the
 * Swedish locale has word for word too) and the server's English problem texts, cut at their parameters.
 */
export const ENGLISH_SENTENCES: string[] = (() => {
  const others = new Set([...leaves(fi as unknown as Tree), ...leaves(sv as unknown as Tree)].map(([, text]) => text));
  const fromLocale = leaves(en as unknown as Tree).flatMap(([, text]) =>
    others.has(text) ? [] : sentencePieces(text, /\{\{\w+\}\}/),
  );
  const fromServer = Object.values(PROBLEMS).flatMap((text) => sentencePieces(text, /\{\{?\w+\}\}?/));
  return [...new Set([...fromLocale, ...fromServer])];
})();

/** The English sentences in the rendered text of the page (there should be none on a Finnish or Swedish page). */
export async function englishOnPage(watched: WatchedPage): Promise<string[]> {
  const text = await watched.page.locator('body').innerText();
  return ENGLISH_SENTENCES.filter((sentence) => text.includes(sentence));
}
