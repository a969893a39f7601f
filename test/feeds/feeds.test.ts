/**
 * Public feeds of published incidents: GeoJSON, CAP 1.2 validated against the OASIS schema with xmllint
 * (msgType following the messages), Atom, and the address check. Never recipients.
 */
import { execFileSync } from 'node:child_process';
import { beforeAll, expect, it } from 'vitest';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { describeEachDatabase } from '../app.js';
import { addPerson, addressIds, buildTown, CENTER, square, tokenHeaders } from '../dispatch/fixtures.js';
import { validateCap } from './validators.js';

const tag = (xml: string, name: string) => [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1]!);

describeEachDatabase('public feeds', (t) => {
  let tenant: Tenant;
  let auth: Record<string, string>;
  let incidentId: string;
  const url = (path: string) => `/api/t/${tenant.slug}${path}`;
  const send = async (kind: string) => {
    const response = await t().app.inject({ method: 'POST', url: url(`/incidents/${incidentId}/messages`), headers: auth, payload: { kind, texts: { fi: `${kind}: vesikatko {address}`, sv: `${kind}: vattenavbrott {address}` } } });
    expect(response.statusCode, response.body).toBe(201);
    await t().context.dispatch.runtime.drain();
  };

  beforeAll(async () => {
    tenant = await buildTown(t().context);
    auth = await tokenHeaders(t().context, tenant);
    await addPerson(t().context, tenant, { endpoints: [{ type: 'mobile', value: '+358401777777' }], addresses: ['kk-1'] });
    const created = await t().app.inject({
      method: 'POST', url: url('/incidents'), headers: auth,
      payload: { service: 'water', kind: 'sudden', title: 'Vesijohtovuoto', description: 'Koulukadun vesijohto korjataan.', area: square(CENTER.lon - 0.002, CENTER.lat + 0.0013, 0.0012), postalCodes: ['35800'], published: true, startsAt: '2025-06-15T08:00:00+03:00', endsAt: '2030-06-15T16:00:00+03:00' },
    });
    incidentId = created.json().id;
    await t().app.inject({ method: 'POST', url: url('/incidents'), headers: auth, payload: { service: 'water', kind: 'sudden', title: 'Internal', postalCodes: ['35820'] } });
  });

  it('lists published incidents as GeoJSON, without recipients', async () => {
    await send('alert');
    const response = await t().app.inject({ url: url('/public/incidents.geojson') });
    expect(response.headers['content-type']).toContain('application/geo+json');
    const collection = response.json();
    expect(collection.features).toHaveLength(1);
    expect(collection.features[0]).toMatchObject({
      type: 'Feature',
      geometry: { type: 'MultiPolygon' },
      properties: { id: incidentId, service: 'water', kind: 'sudden', status: 'active', title: 'Vesijohtovuoto', publicText: 'Koulukadun vesijohto korjataan.', lastMessage: 'alert' },
    });
    expect(response.body).not.toContain('+358');
  });

  it('publishes CAP 1.2 that xmllint validates, msgType following the messages', async () => {
    const feed = (await t().app.inject({ url: url('/public/cap.xml') })).body;
    validateCap(feed);
    expect(tag(feed, 'msgType')).toEqual(['Alert']);
    expect(tag(feed, 'category')).toEqual(['Infra', 'Infra']);
    expect(tag(feed, 'language')).toEqual(['fi-FI', 'sv-FI']);
    const polygon = tag(feed, 'polygon')[0]!.split(' ');
    expect(polygon).toHaveLength(5);
    expect(polygon[0]).toBe(polygon[4]);
    expect(polygon[0]).toMatch(/^62\.\d+,24\.\d+$/);
    expect(tag(feed, 'value')).toContain('35800');
    expect(feed).not.toContain('+358');

    await send('update');
    const one = await t().app.inject({ url: url(`/public/incidents/${incidentId}/cap.xml`) });
    expect(one.headers['content-type']).toContain('application/cap+xml');
    validateCap(one.body);
    expect(tag(one.body, 'msgType')).toEqual(['Update']);
    expect(tag(one.body, 'references')[0]).toMatch(new RegExp(`^aviso:${tenant.slug},urn:aviso:${tenant.slug}:message:[\\w-]+,\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+00:00$`));
    expect(tag(one.body, 'description')[0]).toContain('update: vesikatko');

    await send('cancel');
    const cancelled = (await t().app.inject({ url: url(`/public/incidents/${incidentId}/cap.xml`) })).body;
    validateCap(cancelled);
    expect(tag(cancelled, 'msgType')).toEqual(['Cancel']);
    const feedAfter = (await t().app.inject({ url: url('/public/cap.xml') })).body;
    validateCap(feedAfter);
    expect(tag(feedAfter, 'msgType')).toEqual(['Cancel']);
  });

  it('validates an empty CAP feed and an Atom feed linking every alert', async () => {
    const empty = await buildTown(t().context);
    validateCap((await t().app.inject({ url: `/api/t/${empty.slug}/public/cap.xml` })).body);
    const atom = await t().app.inject({ url: url('/public/feed.atom') });
    expect(atom.headers['content-type']).toContain('application/atom+xml');
    expect(atom.body).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(atom.body).toContain(`/public/incidents/${incidentId}/cap.xml`);
    execFileSync('xmllint', ['--noout', '-'], { input: atom.body });
  });

  it('checks an address by id or by text', async () => {
    const reopened = await t().app.inject({ method: 'POST', url: url('/incidents'), headers: auth, payload: { service: 'district-heating', kind: 'planned', title: 'Kaukolämpö', postalCodes: ['35820'], published: true, startsAt: '2030-01-01T08:00:00+02:00' } });
    expect(reopened.statusCode).toBe(201);
    const ids = await addressIds(t().context, tenant);
    const byId = await t().app.inject({ url: url(`/public/check?address=${ids.get('pk-3')}`) });
    expect(byId.json()).toMatchObject({ address: { label: 'Puistokatu 3, 35820 Mänttä' }, affected: true, incidents: [{ title: 'Kaukolämpö', status: 'planned' }] });
    const byText = await t().app.inject({ url: url(`/public/check?address=${encodeURIComponent('Kaukotie 2')}`) });
    expect(byText.json()).toMatchObject({ address: { label: 'Kaukotie 2, 35840 Mänttä' }, affected: false, incidents: [] });
    const none = await t().app.inject({ url: url('/public/check?address=nowhere%20street%20999') });
    expect(none.json()).toMatchObject({ address: null, affected: false });
  });
});
