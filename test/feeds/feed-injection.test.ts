/**
 * What an operator types cannot break the public feeds or reach their readers as markup: references
 * and characters XML 1.0 forbids in a title, a Host header pointing elsewhere; and what Aviso writes as
 * CSV cannot become a spreadsheet formula.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { csvCell } from '../../src/lib/csv-write.js';
import { atomFeed } from '../../src/modules/feeds/atom.js';
import { reportLine } from '../../src/modules/register/register.report.js';
import { describeEachDatabase } from '../app.js';
import { buildTown, CENTER, square, tokenHeaders } from '../dispatch/fixtures.js';

const XSD = fileURLToPath(new URL('./cap-1.2.xsd', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'aviso-feed-'));

/** xmllint's verdict on the document (with the CAP schema when given): '' when it passes. */
function xmllint(xml: string, schema?: string): string {
  const file = join(dir, `doc-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, xml);
  try {
    execFileSync('xmllint', ['--noout', ...(schema ? ['--schema', schema] : []), file], { stdio: 'pipe' });
    return '';
  } catch (error) {
    return (error as { stderr?: Buffer }).stderr?.toString() ?? 'failed';
  }
}

const HOSTILE = 'Katko &e; &#0; &amp; <b>lihava</b> &lt;b&gt; ]]> "\'';

describeEachDatabase('feeds whatever the title', (t) => {
  it('writes CAP and Atom that xmllint passes, with the title as typed (less what XML cannot hold)', async () => {
    const { app, context } = t();
    const tenant = await buildTown(context);
    const auth = await tokenHeaders(context, tenant);
    const created = await app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/incidents`,
      headers: auth,
      payload: {
        service: 'water',
        kind: 'sudden',
        title: HOSTILE,
        description: HOSTILE,
        area: square(CENTER.lon, CENTER.lat, 0.001),
        published: true,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    // Control characters are refused on the way in (XML cannot hold them, PostgreSQL cannot store NUL);
    // any already stored (written before that rule) are left out of the feeds.
    for (const title of ['a\u0000b', 'a\u0001b', 'a\uFFFEb']) {
      const refused = await app.inject({
        method: 'POST',
        url: `/api/t/${tenant.slug}/incidents`,
        headers: auth,
        payload: { service: 'water', kind: 'sudden', title, postalCodes: ['35800'] },
      });
      // NUL is refused before validation (PostgreSQL cannot store it), the other control characters by the field rule.
      expect(refused.json()).toMatchObject({
        status: 400,
        errors: [
          {
            field: 'title',
            message: expect.stringMatching(/^(control characters are not allowed|must not contain a NUL character)$/),
          },
        ],
      });
    }
    await context.db.kysely
      .updateTable('incidents')
      .set({ description: `${HOSTILE}\u0001\u0008\uFFFE.` })
      .where('id', '=', created.json().id)
      .execute();
    const cap = (await app.inject({ url: `/api/t/${tenant.slug}/public/cap.atom` })).body;
    expect(xmllint(cap)).toBe('');
    const one = (await app.inject({ url: `/api/t/${tenant.slug}/public/incidents/${created.json().id}/cap.xml` })).body;
    expect(xmllint(one, XSD)).toBe('');
    const atom = (await app.inject({ url: `/api/t/${tenant.slug}/public/feed.atom` })).body;
    expect(xmllint(atom)).toBe('');
    // Read back by an XML parser, the text is what was typed: markup-looking text stays text.
    const headline = execFileSync('xmllint', ['--xpath', 'string(//*[local-name()="headline"])', '-'], {
      input: cap,
    }).toString();
    expect(headline.trimEnd()).toBe(HOSTILE);
    const description = execFileSync(
      'xmllint',
      ['--xpath', 'string(//*[local-name()="info"][1]/*[local-name()="description"])', '-'],
      { input: cap },
    ).toString();
    expect(description.trimEnd()).toBe(`${HOSTILE}.`);
  });

  it('links the Atom feed relative to itself, never to the Host a request names', async () => {
    const { app, context } = t();
    const tenant = await buildTown(context);
    const atom = (
      await app.inject({ url: `/api/t/${tenant.slug}/public/feed.atom`, headers: { host: 'evil.example' } })
    ).body;
    expect(atom).not.toContain('evil.example');
    expect(atom).toContain(`href="/api/t/${tenant.slug}/public/feed.atom"`);
    expect(atom).toContain(`href="/t/${tenant.slug}/map"`);
  });
});

describe('feed links and CSV cells', () => {
  it('links from AVISO_PUBLIC_URL when it is set', async () => {
    const tenant = { slug: 'mantta', name: 'Mänttä' } as Parameters<typeof atomFeed>[0];
    const atom = atomFeed(tenant, [], 'https://aviso.example.fi/', Date.UTC(2030, 0, 1));
    expect(atom).toContain('href="https://aviso.example.fi/api/t/mantta/public/feed.atom"');
    expect(atom).toContain('href="https://aviso.example.fi/t/mantta/map"');
  });

  it('neutralises cells a spreadsheet would run as formulas, in every CSV Aviso writes', () => {
    expect(
      ['=1+1', '+358401234567', '-2', '@SUM(A1)', '\tx', '\rx', 'plain', 'a,b', '=HYPERLINK("x")'].map(csvCell),
    ).toEqual([
      "'=1+1",
      "'+358401234567",
      "'-2",
      "'@SUM(A1)",
      "'\tx",
      `"'\rx"`,
      'plain',
      '"a,b"',
      `"'=HYPERLINK(""x"")"`,
    ]);
    expect([csvCell(-2), csvCell(null)]).toEqual(['-2', '']);
    expect(reportLine({ line: 3, outcome: 'rejected', reason: 'bad birth date', candidate: "=cmd|'/c calc'!A1" })).toBe(
      "3,rejected,bad birth date,'=cmd|'/c calc'!A1\n",
    );
  });
});
