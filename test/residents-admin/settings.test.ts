/**
 * Tenant settings (`/api/t/{tenant}/settings`): read by any role, changed by admins only, every field
 * validated with the field named in the problem+json, the change audited (field names, not values) and
 * in effect at once — the next PIN has the new length, the public profile the new service area.
 */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../app.js';
import { nextPhone } from '../auth/phones.js';
import { buildTown, tokenHeaders } from '../dispatch/fixtures.js';
import { readPin, requestPin } from '../residents/resident-client.js';
import { square } from '../factories.js';

describeEachDatabase('tenant settings', (t) => {
  async function town() {
    const { context } = t();
    const tenant = await buildTown(context);
    return {
      tenant,
      admin: await tokenHeaders(context, tenant, 'admin'),
      operator: await tokenHeaders(context, tenant, 'operator'),
      viewer: await tokenHeaders(context, tenant, 'viewer'),
    };
  }

  it('answers the tenant record and its settings to every role, and lets only admins change them', async () => {
    const { app } = t();
    const { tenant, admin, operator, viewer } = await town();
    const url = `/api/t/${tenant.slug}/settings`;
    const read = await app.inject({ url, headers: viewer });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject({
      slug: tenant.slug,
      name: tenant.name,
      languages: ['fi', 'sv'],
      smsSender: 'MantanVesi',
      pinLength: 6,
      voiceRedials: 2,
      voiceRedialMinutes: 5,
      quietHours: null,
      householdMode: false,
      embedOrigins: [],
    });
    expect(read.json().serviceArea.type).toBe('Polygon');
    for (const headers of [viewer, operator]) {
      const denied = await app.inject({ method: 'PATCH', url, headers, payload: { pinLength: 4 } });
      expect(denied.json()).toMatchObject({ status: 403, code: 'role-needed', params: { role: 'admin' } });
    }
    expect((await app.inject({ method: 'PATCH', url, payload: { pinLength: 4 } })).statusCode).toBe(401);
    expect((await app.inject({ url, headers: viewer })).json().pinLength).toBe(6);
    const changed = await app.inject({
      method: 'PATCH',
      url,
      headers: admin,
      payload: { pinLength: 4, householdMode: true, voiceRedials: 0, voiceRedialMinutes: 15 },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({
      pinLength: 4,
      householdMode: true,
      smsSender: 'MantanVesi',
      voiceRedials: 0,
      voiceRedialMinutes: 15,
    });
  });

  it('names the field of every invalid value', async () => {
    const { app } = t();
    const { tenant, admin } = await town();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ pinLength: 3 }, 'pinLength'],
      [{ pinLength: 9 }, 'pinLength'],
      [{ pinLength: 5.5 }, 'pinLength'],
      [{ smsSender: 'MantanVesiOy' }, 'smsSender'],
      [{ smsSender: 'Mänttä' }, 'smsSender'],
      [{ name: '  ' }, 'name'],
      [{ languages: ['fi', 'de'] }, 'languages.1'],
      [{ languages: ['fi', 'fi'] }, 'languages'],
      [{ languages: [] }, 'languages'],
      [{ services: ['gas'] }, 'services.0'],
      [{ serviceArea: { type: 'Point', coordinates: [24.6, 62.0] } }, 'serviceArea'],
      [{ serviceArea: { type: 'Polygon', coordinates: [] } }, 'serviceArea'],
      [{ serviceArea: { type: 'MultiPolygon', coordinates: [[]] } }, 'serviceArea'],
      [
        {
          serviceArea: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 1],
                [1, 0],
                [0, 1],
                [0, 0],
              ],
            ],
          },
        },
        'serviceArea',
      ],
      [{ contactInfo: { email: 'not-an-email' } }, 'contactInfo.email'],
      [{ contactInfo: { url: 'javascript:alert(1)' } }, 'contactInfo.url'],
      [{ contactInfo: { url: 'data:text/html,<script>alert(1)</script>' } }, 'contactInfo.url'],
      [{ logoUrl: '//evil.example/logo.png' }, 'logoUrl'],
      [{ logoUrl: '/\\evil.example/logo.png' }, 'logoUrl'],
      [{ pinsPerTenantPerHour: 0 }, 'pinsPerTenantPerHour'],
      [{ voicePinBudgetPercent: 101 }, 'voicePinBudgetPercent'],
      [{ voiceRedials: 6 }, 'voiceRedials'],
      [{ voiceRedials: 1.5 }, 'voiceRedials'],
      [{ voiceRedialMinutes: 0 }, 'voiceRedialMinutes'],
      [{ country: 'XX' }, 'country'],
      [{ phoneNumberTypes: ['PREMIUM'] }, 'phoneNumberTypes.0'],
      [{ quietHours: { start: '25:00', end: '07:00', timeZone: 'Europe/Helsinki' } }, 'quietHours.start'],
      [{ quietHours: { start: '21:00', end: '07:00', timeZone: 'Mars/Olympus' } }, 'quietHours.timeZone'],
      [{ quietHours: { start: '21:00', end: '21:00', timeZone: 'Europe/Helsinki' } }, 'quietHours.end'],
      [{ pinsPerEndpointPerHour: 0 }, 'pinsPerEndpointPerHour'],
      [{ pinsPerIpPerHour: -1 }, 'pinsPerIpPerHour'],
      [{ pricePerSegmentCents: -1 }, 'pricePerSegmentCents'],
      [{ requireTotp: 'yes' }, 'requireTotp'],
      [{ requireApproval: 1 }, 'requireApproval'],
      [{ brandColor: 'red' }, 'brandColor'],
      [{ tileUrl: 'http://tiles.example.fi/{z}/{x}/{y}.png' }, 'tileUrl'],
      [{ tileUrl: 'https://tiles.example.fi/tile.png' }, 'tileUrl'],
      [{ tileAttribution: '© Maanmittauslaitos\nrivi 2' }, 'tileAttribution'],
      [{ tileAttribution: 'x'.repeat(201) }, 'tileAttribution'],
      [{ embedOrigins: ['https://www.example.fi/kartta'] }, 'embedOrigins.0'],
      [{ embedOrigins: ['javascript:alert(1)'] }, 'embedOrigins.0'],
    ];
    for (const [payload, field] of cases) {
      const answer = await app.inject({
        method: 'PATCH',
        url: `/api/t/${tenant.slug}/settings`,
        headers: admin,
        payload,
      });
      expect(answer.statusCode, JSON.stringify(payload)).toBe(400);
      expect(answer.headers['content-type']).toContain('application/problem+json');
      expect(answer.json().errors[0].field, JSON.stringify(payload)).toBe(field);
    }
    const twoLines = await app.inject({
      method: 'PATCH',
      url: `/api/t/${tenant.slug}/settings`,
      headers: admin,
      payload: { tileAttribution: 'a\nb' },
    });
    expect(twoLines.json().errors[0]).toMatchObject({ field: 'tileAttribution', code: 'one-line-text' });
    const unknown = await app.inject({
      method: 'PATCH',
      url: `/api/t/${tenant.slug}/settings`,
      headers: admin,
      payload: { slug: 'other' },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().detail).toContain('slug');
    // Nothing of it was stored.
    expect((await app.inject({ url: `/api/t/${tenant.slug}/settings`, headers: admin })).json()).toMatchObject({
      pinLength: 6,
      smsSender: 'MantanVesi',
      quietHours: null,
      brandColor: '#005a8c',
    });
  });

  it('takes effect at once: the next PIN has the new length, the public profile the new area and name', async () => {
    const { app, context } = t();
    const { tenant, admin } = await town();
    const phone = nextPhone();
    const asked = await requestPin(app, tenant.slug, { phone: phone.national }, '10.80.0.1');
    expect(asked.json().pinLength).toBe(6);
    expect(await readPin(app, phone.e164)).toHaveLength(6);

    const area = square(24.75, 62.25, 0.25);
    const patch = {
      name: 'Mäntän Vesi',
      pinLength: 8,
      serviceArea: area,
      quietHours: { start: '21:00', end: '07:00', timeZone: 'Europe/Helsinki' },
      contactInfo: { phone: '03 123 4567', email: 'asiakaspalvelu@mantanvesi.fi' },
      tileUrl: 'https://tiles.example.fi/{z}/{x}/{y}.png',
      // Plain text: the maps show it as typed, never as HTML.
      tileAttribution: '© Maanmittauslaitos <b>& kumppanit</b>',
      embedOrigins: ['https://www.mantanvesi.fi'],
      brandColor: '#aa3300',
    };
    const changed = await app.inject({
      method: 'PATCH',
      url: `/api/t/${tenant.slug}/settings`,
      headers: admin,
      payload: patch,
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ ...patch, serviceArea: area });

    const again = nextPhone();
    const next = await requestPin(app, tenant.slug, { phone: again.national }, '10.80.0.2');
    expect(next.json().pinLength).toBe(8);
    expect(await readPin(app, again.e164)).toMatch(/^\d{8}$/);
    const profile = (await app.inject({ url: `/api/t/${tenant.slug}` })).json();
    expect(profile).toMatchObject({
      name: 'Mäntän Vesi',
      bbox: [24.5, 62, 25, 62.5],
      branding: { brandColor: '#aa3300', tileUrl: patch.tileUrl, tileAttribution: patch.tileAttribution },
    });
    const embed = await app.inject({ url: `/t/${tenant.slug}/embed` });
    expect(String(embed.headers['content-security-policy'] ?? '')).toContain('https://www.mantanvesi.fi');

    const audit = await context.db.kysely
      .selectFrom('audit_log')
      .selectAll()
      .where('tenant_id', '=', tenant.id)
      .where('action', '=', 'tenant.settings')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_type: 'token', subject_type: 'tenant', subject_id: tenant.id });
    expect(JSON.parse(audit[0]!.detail!).fields.sort()).toEqual(Object.keys(patch).sort());
    expect(audit[0]!.detail).not.toContain('asiakaspalvelu');
  });

  it('documents the routes in OpenAPI', async () => {
    const paths = (await t().app.inject({ url: '/api/openapi.json' })).json().paths;
    expect(paths['/api/t/{tenant}/settings'].get.summary).toMatch(/settings/);
    expect(JSON.stringify(paths['/api/t/{tenant}/settings'].patch.requestBody)).toContain('pinLength');
  });
});
