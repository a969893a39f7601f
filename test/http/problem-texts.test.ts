/**
 * Every problem code the API can answer with (PROBLEMS, which every AppError's code and every field
 * problem's code is typed against) has a text in the pages' Finnish, Swedish and English, that text uses
 * only parameters the server sends, and the Finnish and Swedish texts are not the English one.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { zodIssueProblem } from '../../src/lib/schema-issue.js';
import { PROBLEM_CODES, PROBLEMS, problemText } from '../../src/problems.js';
import { en } from '../../web/src/locales/en.js';
import { fi } from '../../web/src/locales/fi.js';
import { sv } from '../../web/src/locales/sv.js';

const LOCALES = { fi: fi.problems, sv: sv.problems, en: en.problems } as Record<string, Record<string, string>>;

/** The `{name}` parameters of a server template (`{{name}}` is a parameter written in braces). */
function serverParams(template: string): Set<string> {
  return new Set([...template.matchAll(/\{\{?(\w+)\}/g)].map((m) => m[1]!));
}

describe('problem codes', () => {
  it.each(Object.keys(LOCALES))(
    'every code has a text in %s, with only the parameters the server sends',
    (language) => {
      const texts = LOCALES[language]!;
      const missing = PROBLEM_CODES.filter((code) => typeof texts[code] !== 'string' || texts[code]!.trim() === '');
      expect(missing).toEqual([]);
      expect(Object.keys(texts).filter((code) => !(code in PROBLEMS))).toEqual([]);
      for (const code of PROBLEM_CODES) {
        const sent = serverParams(PROBLEMS[code]);
        const used = [...texts[code]!.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!);
        expect(
          used.filter((name) => !sent.has(name)),
          `${language} ${code}`,
        ).toEqual([]);
      }
    },
  );

  it('Finnish and Swedish texts are translations, not the English one', () => {
    const same = PROBLEM_CODES.filter(
      (code) => fi.problems[code] === en.problems[code] || sv.problems[code] === en.problems[code],
    );
    expect(same).toEqual([]);
  });

  it('fills the parameters of the English detail and keeps literal braces', () => {
    expect(problemText('pin-cooldown', { seconds: 42 })).toBe(
      'a PIN was sent a moment ago; a new one can be asked for in 42 seconds',
    );
    expect(problemText('text-variable', { variable: 'x' })).toBe(
      'unknown variable {x}; use {service}, {start}, {end}, {address} or {tenant}',
    );
  });

  it('turns schema issues into codes with their limits', () => {
    const schema = z.object({
      a: z.string(),
      b: z.string().min(12),
      c: z.enum(['x', 'y']),
      d: z.string().email(),
      e: z.number().max(5),
    });
    const parsed = schema.safeParse({ b: 'short', c: 'q', d: 'nope', e: 9 });
    const problems = parsed.error!.issues.map((issue) => zodIssueProblem(issue.path.join('.'), issue));
    expect(problems.map(({ field, code, params }) => ({ field, code, params }))).toEqual([
      { field: 'a', code: 'required', params: undefined },
      { field: 'b', code: 'too-short', params: { minimum: 12 } },
      { field: 'c', code: 'invalid-choice', params: { options: 'x, y' } },
      { field: 'd', code: 'email-invalid', params: undefined },
      { field: 'e', code: 'too-big', params: { maximum: 5 } },
    ]);
    expect(
      zodIssueProblem('a', { code: 'invalid_type', message: 'Invalid input: expected string, received number' }).code,
    ).toBe('invalid');
  });
});
