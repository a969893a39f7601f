/**
 * Text for XML documents written with xmlbuilder2, whatever a user typed. XML 1.0 forbids most control
 * characters (NUL, U+0001…, U+FFFE, lone surrogates) even as references: they are dropped. xmlbuilder2
 * escapes `<` and `>` but leaves anything that looks like an entity or character reference as it is
 * (`&e;`, `&#0;`, `&lt;b&gt;`), which breaks the document or turns text into markup downstream: every
 * `&` is escaped here, so that the text arrives as typed.
 */
const NOT_IN_XML_1_0 = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Whether `value` holds a character XML 1.0 cannot hold (a control character, U+FFFE, a lone surrogate). */
export const hasNonXmlCharacters = (value: string): boolean => new RegExp(NOT_IN_XML_1_0.source, 'u').test(value);

export function xmlText(value: string): string {
  return value.replace(NOT_IN_XML_1_0, '').replace(/&/g, '&amp;');
}
