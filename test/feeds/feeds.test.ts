/**
 * Public feeds of published incidents: GeoJSON, CAP 1.2 validated against the OASIS schema with xmllint
 * and read for what it says (msgType and references following the messages, one <info> per language
 * written, a shape for every area), the CAP feed listing each current alert, Atom, and the address
 * check. Never recipients.
 */
import { execFileSync } from 'node:child_process';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { MultiPolygon } from 'geojson';
import { beforeAll, expect, it } from 'vitest';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { distanceKm } from '../../src/modules/feeds/circle.js';
import { describeEachDatabase } from '../app.js';
import { addPerson, addressIds, buildTown, CENTER, square, tokenHeaders } from '../dispatch/fixtures.js';
import { validateCap } from './validators.js';

const tag = (xml: string, name: string) =>
  [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1]!);
const blocks = (xml: string, name: string) =>
  [...xml.matchAll(new RegExp(`<${name}>[\\s\\S]*?</${name}>`, 'g'))].map((m) => m[0]);
const infos = (xml: string) => blocks(xml, 'info');

/** Koulukatu 1–12 (postal code 35800) and Puistokatu 6–9, as the fixtures place them. */
const koulukatu = Array.from({ length: 12 }, (_, i) => ({
  lat: CENTER.lat + (i + 1) * 0.0002,
  lon: CENTER.lon - 0.002,
}));
const puistokatu6to9 = Array.from({ length: 4 }, (_, i) => ({
  lat: CENTER.lat + (i + 6) * 0.0002,
  lon: CENTER.lon + 0.002,
}));

/** CAP polygons ("lat,lon lat,lon …") that together hold every point, and not much more (under 0.5 km across). */
function expectPolygonsAround(polygons: string[], points: Array<{ lat: number; lon: number }>): void {
  expect(polygons.length).toBeGreaterThan(0);
  const rings = polygons.map((p) => p.split(' ').map((pair) => pair.split(',').map(Number).reverse()));
  const shape: MultiPolygon = { type: 'MultiPolygon', coordinates: rings.map((ring) => [ring]) };
  for (const p of points) expect(booleanPointInPolygon([p.lon, p.lat], shape), `${p.lat},${p.lon}`).toBe(true);
  const corners = rings.flat();
  for (const a of corners)
    for (const b of corners)
      expect(distanceKm({ lat: a[1]!, lon: a[0]! }, { lat: b[1]!, lon: b[0]! })).toBeLessThan(0.5);
}

describeEachDatabase('public feeds', (t) => {
  let tenant: Tenant;
  let auth: Record<string, string>;
  let incidentId: string;
  /** The incident's own alert, from its publication until its first message. */
  let publishedAlert: string;
  const url = (path: string) => `/api/t/${tenant.slug}${path}`;
  const alertOf = async (id: string) => (await t().app.inject({ url: url(`/public/incidents/${id}/cap.xml`) })).body;
  const send = async (
    kind: string,
    texts: Record<string, string> = { fi: `${kind}: vesikatko {address}`, sv: `${kind}: vattenavbrott {address}` },
    incident = incidentId,
  ) => {
    const response = await t().app.inject({
      method: 'POST',
      url: url(`/incidents/${incident}/messages`),
      headers: auth,
      payload: { kind, texts },
    });
    expect(response.statusCode, response.body).toBe(201);
    await t().context.dispatch.runtime.drain();
  };

  beforeAll(async () => {
    tenant = await buildTown(t().context);
    auth = await tokenHeaders(t().context, tenant);
    await addPerson(t().context, tenant, {
      endpoints: [{ type: 'mobile', value: '+358401777777' }],
      addresses: ['kk-1'],
    });
    const created = await t().app.inject({
      method: 'POST',
      url: url('/incidents'),
      headers: auth,
      payload: {
        service: 'water',
        kind: 'sudden',
        title: 'Vesijohtovuoto',
        description: 'Koulukadun vesijohto korjataan.',
        area: square(CENTER.lon - 0.002, CENTER.lat + 0.0013, 0.0012),
        postalCodes: ['35800'],
        published: true,
        startsAt: '2025-06-15T08:00:00+03:00',
        endsAt: '2030-06-15T16:00:00+03:00',
      },
    });
    incidentId = created.json().id;
    publishedAlert = await alertOf(incidentId);
    await t().app.inject({
      method: 'POST',
      url: url('/incidents'),
      headers: auth,
      payload: { service: 'water', kind: 'sudden', title: 'Internal', postalCodes: ['35820'] },
    });
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
      properties: {
        id: incidentId,
        service: 'water',
        kind: 'sudden',
        status: 'active',
        title: 'Vesijohtovuoto',
        publicText: 'Koulukadun vesijohto korjataan.',
        lastMessage: 'alert',
      },
    });
    expect(response.body).not.toContain('+358');
  });

  it("publishes each incident's current alert as CAP 1.2 that xmllint validates: msgType, references to every earlier alert, areas with shapes", async () => {
    validateCap(publishedAlert);
    expect(tag(publishedAlert, 'msgType')).toEqual(['Alert']);
    expect(tag(publishedAlert, 'references')).toEqual([]);
    const publishedTriple = `aviso:${tenant.slug},${tag(publishedAlert, 'identifier')[0]},${tag(publishedAlert, 'sent')[0]}`;
    // The first message's alert follows the incident's own, published before it.
    const first = await alertOf(incidentId);
    validateCap(first);
    expect(tag(first, 'msgType')).toEqual(['Update']);
    expect(tag(first, 'references')).toEqual([publishedTriple]);
    expect(tag(first, 'category')).toEqual(['Infra', 'Infra']);
    expect(tag(first, 'language')).toEqual(['fi-FI', 'sv-FI']);
    const polygon = tag(first, 'polygon')[0]!.split(' ');
    expect(polygon).toHaveLength(5);
    expect(polygon[0]).toBe(polygon[4]);
    expect(polygon[0]).toMatch(/^62\.\d+,24\.\d+$/);
    expect(first).not.toContain('+358');
    // Every area has a shape: the postal code is the shape of its addresses (Koulukatu 1–12) with its geocode.
    for (const info of infos(first)) {
      const areas = blocks(info, 'area');
      expect(areas).toHaveLength(2);
      for (const area of areas) expect(tag(area, 'polygon').length + tag(area, 'circle').length).toBeGreaterThan(0);
      expect(tag(areas[1]!, 'value')).toEqual(['35800']);
      expectPolygonsAround(tag(areas[1]!, 'polygon'), koulukatu);
    }
    const firstTriple = `aviso:${tenant.slug},${tag(first, 'identifier')[0]},${tag(first, 'sent')[0]}`;

    await send('update');
    const update = await t().app.inject({ url: url(`/public/incidents/${incidentId}/cap.xml`) });
    expect(update.headers['content-type']).toContain('application/cap+xml');
    validateCap(update.body);
    expect(tag(update.body, 'msgType')).toEqual(['Update']);
    expect(tag(update.body, 'references')[0]!.split(' ')).toEqual([publishedTriple, firstTriple]);
    expect(tag(update.body, 'description')[0]).toContain('update: vesikatko');
    const updateTriple = `aviso:${tenant.slug},${tag(update.body, 'identifier')[0]},${tag(update.body, 'sent')[0]}`;

    // A cancel written in Finnish only: no Swedish block holding the Finnish text; it references both earlier alerts.
    await send('cancel', { fi: 'Peruttu: katkoa ei tule.' });
    const cancel = await alertOf(incidentId);
    validateCap(cancel);
    expect(tag(cancel, 'msgType')).toEqual(['Cancel']);
    expect(tag(cancel, 'references')[0]!.split(' ')).toEqual([publishedTriple, firstTriple, updateTriple]);
    expect(tag(cancel, 'language')).toEqual(['fi-FI']);
    expect(tag(cancel, 'description')).toEqual(['Peruttu: katkoa ei tule.']);
  });

  it('lists the current alerts in the CAP feed, each with its own identifier, msgType and references, streets as the shape of their houses', async () => {
    const created = await t().app.inject({
      method: 'POST',
      url: url('/incidents'),
      headers: auth,
      payload: {
        service: 'water',
        kind: 'planned',
        title: 'Puistokadun työ',
        streets: [{ street: 'Puistokatu', from: 6, to: 9 }],
        published: true,
        startsAt: '2030-06-15T08:00:00+03:00',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const streetIncident = created.json().id as string;
    await send(
      'alert',
      { fi: 'Työ: vesikatko {address}', sv: 'Arbete: vattenavbrott {address}', en: 'Works: water outage at {address}' },
      streetIncident,
    );

    const response = await t().app.inject({ url: url('/public/cap.atom') });
    expect(response.headers['content-type']).toContain('application/atom+xml');
    execFileSync('xmllint', ['--noout', '-'], { input: response.body });
    const entries = blocks(response.body, 'entry');
    expect(entries).toHaveLength(2);
    const byIncident = new Map(entries.map((entry) => [tag(entry, 'incidents')[0]!.split(':').at(-1)!, entry]));
    const cancelled = byIncident.get(incidentId)!;
    const active = byIncident.get(streetIncident)!;
    for (const entry of entries) {
      const alert = /<alert xmlns="urn:oasis:names:tc:emergency:cap:1\.2">[\s\S]*<\/alert>/.exec(entry)![0];
      validateCap(`<?xml version="1.0" encoding="UTF-8"?>\n${alert}`);
      // The entry is the alert: its id the identifier, and it links the alert's own document.
      expect(tag(entry, 'id')[0]).toBe(tag(alert, 'identifier')[0]);
      expect(entry).toMatch(
        /<link rel="alternate" type="application\/cap\+xml" href="[^"]+\/incidents\/[\w-]+\/cap\.xml"\/>/,
      );
    }
    expect(tag(cancelled, 'msgType')).toEqual(['Cancel']);
    expect(tag(cancelled, 'references')[0]!.split(' ')).toHaveLength(3);
    expect(tag(active, 'msgType')).toEqual(['Update']);
    expect(tag(active, 'references')).toEqual([
      expect.stringMatching(new RegExp(`^aviso:${tenant.slug},urn:aviso:${tenant.slug}:incident:${streetIncident},`)),
    ]);
    expect(tag(active, 'language')).toEqual(['fi-FI', 'sv-FI']);
    for (const info of infos(active)) {
      const [area] = blocks(info, 'area');
      expect(tag(area!, 'circle')).toEqual([]);
      expectPolygonsAround(tag(area!, 'polygon'), puistokatu6to9);
    }
    expect(tag(active, 'description')[1]).toContain('Arbete: vattenavbrott');
    // The old address of the aggregate points to the feed.
    const moved = await t().app.inject({ url: url('/public/cap.xml') });
    expect(moved.statusCode).toBe(301);
    expect(moved.headers.location).toBe(`/api/t/${tenant.slug}/public/cap.atom`);
  });

  it('closes an incident cancelled without a cancel message with a Cancel alert of its own that references its alerts', async () => {
    const created = await t().app.inject({
      method: 'POST',
      url: url('/incidents'),
      headers: auth,
      payload: { service: 'sewer', kind: 'sudden', title: 'Viemäritukos', postalCodes: ['35840'], published: true },
    });
    const id = created.json().id as string;
    const published = await alertOf(id);
    await send('alert', { fi: 'Viemäritukos {address}', sv: 'Avloppsstopp {address}' }, id);
    const alert = await alertOf(id);
    const cancelled = await t().app.inject({
      method: 'PATCH',
      url: url(`/incidents/${id}`),
      headers: auth,
      payload: { status: 'cancelled' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const closing = await alertOf(id);
    validateCap(closing);
    expect(tag(closing, 'msgType')).toEqual(['Cancel']);
    expect(tag(closing, 'identifier')).toEqual([`urn:aviso:${tenant.slug}:incident:${id}:cancelled`]);
    expect(tag(closing, 'references')[0]!.split(' ')).toEqual(
      [published, alert].map((a) => `aviso:${tenant.slug},${tag(a, 'identifier')[0]},${tag(a, 'sent')[0]}`),
    );
    // It says so in each language, rather than repeating the alert it closes.
    expect(tag(closing, 'language')).toEqual(['fi-FI', 'sv-FI']);
    expect(tag(closing, 'description')).toEqual([
      'Peruttu: Viemäritukos (35840).',
      'Inställt: Avloppsavbrott (35840).',
    ]);
    // The postal code 35840 (Kaukotie, 2 km east) has its shape and its geocode, in each language's block.
    expect(tag(closing, 'value')).toEqual(['35840', '35840']);
    expect(tag(closing, 'polygon').length).toBeGreaterThan(0);
  });

  /** `sender,identifier,sent` of an alert, as a later alert references it. */
  const tripleOf = (alert: string) => `aviso:${tenant.slug},${tag(alert, 'identifier')[0]},${tag(alert, 'sent')[0]}`;
  const publish = async (title: string) => {
    const created = await t().app.inject({
      method: 'POST',
      url: url('/incidents'),
      headers: auth,
      payload: { service: 'sewer', kind: 'sudden', title, postalCodes: ['35840'], published: true },
    });
    expect(created.statusCode, created.body).toBe(201);
    return created.json().id as string;
  };
  const setStatus = async (id: string, status: 'cancelled' | 'resolved') => {
    const patched = await t().app.inject({
      method: 'PATCH',
      url: url(`/incidents/${id}`),
      headers: auth,
      payload: { status },
    });
    expect(patched.statusCode, patched.body).toBe(200);
  };

  it("continues the chain of an incident published before its first message: every later alert an Update or Cancel referencing all earlier ones, the incident's own first", async () => {
    const id = await publish('Viemärin huolto');
    const published = await alertOf(id);
    validateCap(published);
    expect(tag(published, 'identifier')).toEqual([`urn:aviso:${tenant.slug}:incident:${id}`]);
    expect(tag(published, 'msgType')).toEqual(['Alert']);
    expect(tag(published, 'references')).toEqual([]);
    // A second later, so that the first send (which touches the incident) could not keep that alert's time by chance.
    await new Promise((resolve) => setTimeout(resolve, 1100));

    await send('alert', { fi: 'Viemärikatko {address}', sv: 'Avloppsavbrott {address}' }, id);
    const first = await alertOf(id);
    validateCap(first);
    expect(tag(first, 'identifier')[0]).toMatch(new RegExp(`^urn:aviso:${tenant.slug}:message:`));
    expect(tag(first, 'msgType')).toEqual(['Update']);
    expect(tag(first, 'references')).toEqual([tripleOf(published)]);

    await send('update', { fi: 'Viemärikatko jatkuu {address}' }, id);
    const update = await alertOf(id);
    validateCap(update);
    expect(tag(update, 'msgType')).toEqual(['Update']);
    expect(tag(update, 'references')[0]!.split(' ')).toEqual([tripleOf(published), tripleOf(first)]);

    // Resolved without an all-clear: a closing Update that says it is over, in every language of the tenant.
    await setStatus(id, 'resolved');
    const closing = await alertOf(id);
    validateCap(closing);
    expect(tag(closing, 'identifier')).toEqual([`urn:aviso:${tenant.slug}:incident:${id}:resolved`]);
    expect(tag(closing, 'msgType')).toEqual(['Update']);
    expect(tag(closing, 'references')[0]!.split(' ')).toEqual([tripleOf(published), tripleOf(first), tripleOf(update)]);
    expect(tag(closing, 'language')).toEqual(['fi-FI', 'sv-FI']);
    const [fi, sv] = tag(closing, 'description');
    expect(fi).toBe('Päättynyt: Viemärin huolto (35840).');
    expect(sv).toBe('Avslutat: Avloppsavbrott (35840).');
    expect(fi).not.toContain('jatkuu');
  });

  it('cancels an incident cancelled before any message with a Cancel that references its alert and says so in each language', async () => {
    const id = await publish('Viemärin tarkastus');
    const published = await alertOf(id);
    expect(tag(published, 'msgType')).toEqual(['Alert']);
    await setStatus(id, 'cancelled');
    const closing = await alertOf(id);
    validateCap(closing);
    expect(tag(closing, 'identifier')).toEqual([`urn:aviso:${tenant.slug}:incident:${id}:cancelled`]);
    expect(tag(closing, 'msgType')).toEqual(['Cancel']);
    expect(tag(closing, 'references')).toEqual([tripleOf(published)]);
    expect(tag(closing, 'language')).toEqual(['fi-FI', 'sv-FI']);
    const [fi, sv] = tag(closing, 'description');
    expect(fi).toBe('Peruttu: Viemärin tarkastus (35840).');
    expect(sv).toBe('Inställt: Avloppsavbrott (35840).');
    // The feed's entry for it is that Cancel too.
    const feed = (await t().app.inject({ url: url('/public/cap.atom') })).body;
    const entry = blocks(feed, 'entry').find((e) => tag(e, 'id')[0] === tag(closing, 'identifier')[0])!;
    expect(tag(entry, 'msgType')).toEqual(['Cancel']);
  });

  it('falls back to a circle around the addresses of each postal code and of the streets for an incident saved without a stored shape', async () => {
    const created = await t().app.inject({
      method: 'POST',
      url: url('/incidents'),
      headers: auth,
      payload: {
        service: 'water',
        kind: 'planned',
        title: 'Vanha häiriö',
        streets: [{ street: 'Puistokatu', from: 6, to: 9 }],
        postalCodes: ['35840'],
        published: true,
        startsAt: '2030-06-15T08:00:00+03:00',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    // As an incident saved before shapes were stored.
    await t()
      .context.db.kysely.updateTable('incidents')
      .set({ selection_geometry: null })
      .where('id', '=', id)
      .execute();
    const alert = await alertOf(id);
    validateCap(alert);
    const [info] = infos(alert);
    const areas = blocks(info!, 'area');
    expect(areas).toHaveLength(2);
    for (const area of areas) expect(tag(area, 'polygon')).toEqual([]);
    const circleOf = (area: string) => {
      const [centre, radius] = tag(area, 'circle')[0]!.split(' ');
      const [lat, lon] = centre!.split(',').map(Number);
      return { lat: lat!, lon: lon!, radiusKm: Number(radius) };
    };
    const [postal, streets] = areas;
    expect(tag(postal!, 'areaDesc')).toEqual(['Postinumeroalue 35840']);
    expect(tag(postal!, 'value')).toEqual(['35840']);
    const postalCircle = circleOf(postal!);
    expect(postalCircle.radiusKm).toBeGreaterThan(0);
    expect(tag(streets!, 'geocode')).toEqual([]);
    // The streets' circle holds Puistokatu 6–9 and is not much larger than they are.
    const streetCircle = circleOf(streets!);
    for (const p of puistokatu6to9)
      expect(distanceKm(streetCircle, p)).toBeLessThanOrEqual(streetCircle.radiusKm + 0.01);
    expect(streetCircle.radiusKm).toBeLessThan(0.5);
    const cancelled = await t().app.inject({
      method: 'PATCH',
      url: url(`/incidents/${id}`),
      headers: auth,
      payload: { status: 'cancelled' },
    });
    expect(cancelled.statusCode).toBe(200);
  });

  it('validates an empty CAP feed and an Atom feed linking every alert', async () => {
    const empty = await buildTown(t().context);
    const feed = (await t().app.inject({ url: `/api/t/${empty.slug}/public/cap.atom` })).body;
    execFileSync('xmllint', ['--noout', '-'], { input: feed });
    expect(blocks(feed, 'entry')).toEqual([]);
    const atom = await t().app.inject({ url: url('/public/feed.atom') });
    expect(atom.headers['content-type']).toContain('application/atom+xml');
    expect(atom.body).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(atom.body).toContain(`/public/incidents/${incidentId}/cap.xml`);
    execFileSync('xmllint', ['--noout', '-'], { input: atom.body });
  });

  it('checks an address by id or by text', async () => {
    const reopened = await t().app.inject({
      method: 'POST',
      url: url('/incidents'),
      headers: auth,
      payload: {
        service: 'district-heating',
        kind: 'planned',
        title: 'Kaukolämpö',
        postalCodes: ['35820'],
        published: true,
        startsAt: '2030-01-01T08:00:00+02:00',
      },
    });
    expect(reopened.statusCode).toBe(201);
    const ids = await addressIds(t().context, tenant);
    const byId = await t().app.inject({ url: url(`/public/check?address=${ids.get('pk-3')}`) });
    expect(byId.json()).toMatchObject({
      address: { label: 'Puistokatu 3, 35820 Mänttä' },
      affected: true,
      incidents: [{ title: 'Kaukolämpö', status: 'planned' }],
    });
    const byText = await t().app.inject({ url: url(`/public/check?address=${encodeURIComponent('Kaukotie 2')}`) });
    expect(byText.json()).toMatchObject({
      address: { label: 'Kaukotie 2, 35840 Mänttä' },
      affected: false,
      incidents: [],
    });
    const none = await t().app.inject({ url: url('/public/check?address=nowhere%20street%20999') });
    expect(none.json()).toMatchObject({ address: null, affected: false });
  });
});
