/**
 * Pipe networks on both databases: the import (topology, snapping, connections, rejections, re-import as
 * a snapshot) and the isolation trace over HTTP on a hand-made network with known answers (fixtures.ts).
 */
import { beforeAll, expect, it } from 'vitest';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { describeEachDatabase } from '../app.js';
import { buildTenant, square } from '../factories.js';
import { addPerson, inboxOf, tokenHeaders } from '../dispatch/fixtures.js';
import { at, CENTRE, collection, EXPLICIT, importHouses, networkFeatures } from './fixtures.js';

const sorted = (ids: string[]) => [...ids].sort();

describeEachDatabase('pipe network', (t) => {
  let tenant: Tenant;
  let auth: Record<string, string>;

  const trace = (body: unknown, service = 'water') =>
    t().app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/network/${service}/trace`,
      headers: auth,
      payload: body as object,
    });
  const traced = async (body: unknown) => {
    const response = await trace(body);
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const valveIds = (body: { valvesToClose: Array<{ id: string }> }) => sorted(body.valvesToClose.map((v) => v.id));
  const addressLabels = async (body: { addresses: { sample: Array<{ id: string }> } }) => {
    const rows = await t()
      .context.db.kysely.selectFrom('addresses')
      .select(['id', 'source_id'])
      .where('tenant_id', '=', tenant.id)
      .execute();
    const source = new Map(rows.map((r) => [r.id, r.source_id]));
    return sorted(body.addresses.sample.map((a) => source.get(a.id)!));
  };

  beforeAll(async () => {
    const { context } = t();
    tenant = await buildTenant(context, { serviceArea: square(CENTRE.lon, CENTRE.lat, 0.1) });
    auth = await tokenHeaders(context, tenant, 'viewer');
    await importHouses(context, tenant);
  });

  it('refuses a file with bad features, naming each with its reason, and stores nothing', async () => {
    const bad = [
      ...networkFeatures(),
      { type: 'Feature', properties: { id: 'NOGEO' }, geometry: null },
      {
        type: 'Feature',
        properties: { id: 'CRS' },
        crs: { type: 'name', properties: { name: 'EPSG:9999' } },
        geometry: {
          type: 'LineString',
          coordinates: [
            [0, 0],
            [1, 1],
          ],
        },
      },
      {
        type: 'Feature',
        properties: { id: 'ZERO' },
        geometry: { type: 'LineString', coordinates: [at(0, 500), at(0, 500)] },
      },
      {
        type: 'Feature',
        properties: { id: 'P1' },
        geometry: { type: 'LineString', coordinates: [at(0, 600), at(10, 600)] },
      },
    ];
    const result = await t().context.networks.importNetwork(tenant, 'water', collection(bad), { now: 1 });
    expect(result).toEqual({
      stored: false,
      rejections: [
        { feature: 21, id: 'NOGEO', reason: 'no geometry' },
        { feature: 22, id: 'CRS', reason: 'unknown CRS EPSG:9999' },
        { feature: 23, id: 'ZERO', reason: 'zero length' },
        { feature: 24, id: 'P1', reason: 'id P1 is used by feature 3 too' },
      ],
    });
    const offPipe = await t().context.networks.importNetwork(
      tenant,
      'water',
      collection([
        ...networkFeatures(),
        {
          type: 'Feature',
          properties: { id: 'VX', state: 'open' },
          geometry: { type: 'Point', coordinates: at(300, 100) },
        },
      ]),
      { now: 1 },
    );
    expect(offPipe).toEqual({
      stored: false,
      rejections: [{ feature: 21, id: 'VX', reason: 'valve not on a pipe (none within 0.5 m)' }],
    });
    expect(await t().context.networks.listNetworks(tenant)).toEqual([]);
    expect((await trace({ at: at(350, 0) })).statusCode).toBe(404);
  });

  it('builds the topology: snapped ends join, a disconnected piece is found, addresses connect explicitly or to the nearest pipe', async () => {
    const result = await t().context.networks.importNetwork(tenant, 'water', collection(networkFeatures()), {
      now: 1,
      explicit: EXPLICIT,
    });
    expect(result.stored).toBe(true);
    if (!result.stored) return;
    expect(result.summary).toMatchObject({ pipes: 10, valves: 8, sources: 2, toleranceMetres: 0.5 });
    // B, C, D, E three ends each, F two (P10 starts 0.3 m away); P11's start is 1 m from P10's end.
    expect(result.summary.topology.joinedEnds).toBe(14);
    expect(result.summary.topology.components).toBe(2);
    expect(result.summary.topology.disconnected).toHaveLength(1);
    expect(result.summary.topology.disconnected[0]!.pipes).toBe(1);
    expect(result.summary.topology.disconnected[0]!.at[0]).toBeCloseTo(at(701, 0)[0], 6);
    expect(result.summary.connections).toEqual({ explicit: 1, inferred: 15, unconnected: 1, unknownPipes: 0 });
  });

  it('draws the network in a box: pipes split at the valves, with their diameter, and the valves', async () => {
    const [w, s] = at(-10, -10);
    const [e, n] = at(810, 310);
    const response = await t().app.inject({
      url: `/api/t/${tenant.slug}/network/water/features?bbox=${w},${s},${e},${n}`,
      headers: auth,
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as {
      truncated: boolean;
      features: Array<{ properties: { kind: string; id: string; diameter?: number; state?: string } }>;
    };
    const pipes = body.features.filter((f) => f.properties.kind === 'pipe');
    expect(pipes).toHaveLength(18);
    expect(pipes[0]!.properties.diameter).toBe(150);
    expect(
      body.features
        .filter((f) => f.properties.kind === 'valve')
        .map((f) => f.properties.id)
        .sort(),
    ).toEqual(['V1', 'V12', 'V2', 'V3', 'V4', 'V5', 'V6', 'V7']);
    expect(body.features.find((f) => f.properties.id === 'V7')!.properties.state).toBe('closed');
    expect(body.truncated).toBe(false);
  });

  it('a loop fed from two sides: the valves either side of the break, the dead end beyond the third one cut off', async () => {
    const body = await traced({ at: at(350, 0) });
    expect(valveIds(body)).toEqual(['V2', 'V3', 'V6']);
    expect(sorted(body.isolatedPipes)).toEqual(['P2', 'P3', 'P6']);
    expect(sorted(body.cutOffPipes)).toEqual(['P10', 'P6']);
    expect(body.addresses.count).toBe(5);
    expect(await addressLabels(body)).toEqual(['h-p10', 'h-p2b', 'h-p3a', 'h-p6a', 'h-p6b']);
    expect(body.breakAt.pipe).toBe('P2');
    expect(body.outline).toMatchObject({ type: 'MultiPolygon' });
    expect(body.warnings).toEqual([]);
  });

  it('a dead end: one valve to close, across a snapped joint', async () => {
    const body = await traced({ at: at(650, 2) });
    expect(valveIds(body)).toEqual(['V6']);
    expect(sorted(body.isolatedPipes)).toEqual(['P10', 'P6']);
    expect(await addressLabels(body)).toEqual(['h-p10', 'h-p6b']);
  });

  it('a normally closed valve stops the walk and is not one to close', async () => {
    const body = await traced({ at: at(400, 150) });
    expect(valveIds(body)).toEqual(['V3', 'V4']);
    expect(sorted(body.isolatedPipes)).toEqual(['P3', 'P4', 'P7']);
    expect(body.cutOffPipes).toEqual([]);
    expect(await addressLabels(body)).toEqual(['h-p3b', 'h-p4a', 'h-p7a']);
  });

  it('a valve that cannot be operated is passed; an explicit connection counts as not inferred', async () => {
    const body = await traced({ at: at(250, 200) });
    expect(valveIds(body)).toEqual(['V1', 'V12', 'V2', 'V4']);
    expect(body.passedValves).toEqual([{ id: 'V5', position: at(200, 100), operable: false, reason: 'inoperable' }]);
    expect(sorted(body.isolatedPipes)).toEqual(['P1', 'P12', 'P2', 'P4', 'P5']);
    // Both sources shut off from the rest of the loop: it loses supply too.
    expect(sorted(body.cutOffPipes)).toEqual(['P10', 'P2', 'P3', 'P4', 'P6', 'P7']);
    const onIsolated = ['h-p4b', 'h-p5a', 'h-p5b', 'h-p2a', 'h-x'];
    const cutOff = ['h-p2b', 'h-p3a', 'h-p3b', 'h-p4a', 'h-p6a', 'h-p6b', 'h-p10', 'h-p7a'];
    expect(body.addresses.count).toBe(onIsolated.length + cutOff.length);
    expect(body.addresses.inferred).toBe(body.addresses.count - 1);
  });

  it('a pipe with no valve up to the source: the source is reported, the other side fed by the second source', async () => {
    const body = await traced({ at: at(50, 0) });
    expect(valveIds(body)).toEqual(['V1']);
    expect(body.sourcesReached).toEqual([{ id: 'S1', position: at(0, 0) }]);
    expect(body.isolatedPipes).toEqual(['P1']);
    expect(body.cutOffPipes).toEqual([]);
    expect(await addressLabels(body)).toEqual(['h-p1']);
  });

  it('re-traces past a valve that failed to close; traces downstream of a valve', async () => {
    const body = await traced({ at: at(650, 0), failedValves: ['V6'] });
    expect(valveIds(body)).toEqual(['V2', 'V3']);
    expect(body.passedValves).toMatchObject([{ id: 'V6', reason: 'failed' }]);
    expect(sorted(body.isolatedPipes)).toEqual(['P10', 'P2', 'P3', 'P6']);
    const downstream = await traced({ downstreamOf: 'V6' });
    expect(valveIds(downstream)).toEqual(['V6']);
    expect(sorted(downstream.isolatedPipes)).toEqual(['P10', 'P6']);
    expect(await addressLabels(downstream)).toEqual(['h-p10', 'h-p6b']);
  });

  it('refuses a break far from any pipe, an unknown valve, a service without a network', async () => {
    expect((await trace({ at: at(1000, 1000) })).json()).toMatchObject({
      code: 'validation',
      errors: [{ field: 'at', code: 'network-no-pipe-near' }],
    });
    expect((await trace({ at: at(350, 0), failedValves: ['NOPE'] })).json()).toMatchObject({
      errors: [{ field: 'failedValves.0', code: 'network-valve-unknown' }],
    });
    expect((await trace({ at: at(350, 0) }, 'sewer')).statusCode).toBe(404);
    expect((await trace({ at: at(350, 0), downstreamOf: 'V6' })).statusCode).toBe(400);
  });

  it('an incident whose area is a trace: the preview counts and the frozen recipients are the traced households', async () => {
    const { context } = t();
    t().clock.set(Date.parse('2025-06-15T10:00:00+03:00'));
    const operator = await tokenHeaders(context, tenant, 'operator');
    const post = (path: string, payload: unknown) =>
      t().app.inject({
        method: 'POST',
        url: `/api/t/${tenant.slug}${path}`,
        headers: operator,
        payload: payload as object,
      });
    const person = (address: string, mobile: string) =>
      addPerson(context, tenant, { endpoints: [{ type: 'mobile', value: mobile }], addresses: [address] });
    await person('h-p2b', '+358401000001');
    await person('h-p3a', '+358401000002');
    await person('h-p6b', '+358401000003');
    await person('h-p2a', '+358401000004'); // the other side of V2: keeps water
    await person('h-p4a', '+358401000005');
    const created = await post('/incidents', {
      service: 'water',
      kind: 'sudden',
      title: 'Putkirikko',
      network: { service: 'water', at: at(350, 0), failedValves: [] },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      network: { service: 'water', at: at(350, 0) },
      selectionGeometry: { type: 'MultiPolygon' },
      geometry: null,
    });
    const id = created.json().id as string;
    const far = await post('/incidents', {
      service: 'water',
      kind: 'sudden',
      title: 'Ohi',
      network: { service: 'water', at: at(1000, 1000), failedValves: [] },
    });
    expect(far.json()).toMatchObject({
      code: 'validation',
      errors: [{ field: 'network.at', code: 'network-no-pipe-near' }],
    });
    const preview = await post(`/incidents/${id}/preview`, {});
    expect(preview.json()).toMatchObject({ frozen: false, addresses: 5, endpoints: { sms: 3, total: 3 } });
    // A failed valve widens the trace: V3 fails, so V4 closes and D's side is cut off too.
    const widened = await t().app.inject({
      method: 'PATCH',
      url: `/api/t/${tenant.slug}/incidents/${id}`,
      headers: operator,
      payload: { network: { service: 'water', at: at(350, 0), failedValves: ['V3'] } },
    });
    expect(widened.statusCode, widened.body).toBe(200);
    expect((await post(`/incidents/${id}/preview`, {})).json()).toMatchObject({ endpoints: { total: 4 } });
    const sent = await post(`/incidents/${id}/messages`, { texts: { fi: 'Vesikatko {address}' } });
    expect(sent.statusCode, sent.body).toBe(201);
    await context.dispatch.runtime.drain();
    expect(await inboxOf(context, sent.json().id)).toEqual([
      'sms +358401000001',
      'sms +358401000002',
      'sms +358401000003',
      'sms +358401000005',
    ]);
    expect((await post(`/incidents/${id}/preview`, {})).json()).toMatchObject({
      frozen: true,
      endpoints: { total: 4 },
    });
  });

  it('a re-import replaces the network whole, and traces see it at once', async () => {
    const result = await t().context.networks.importNetwork(
      tenant,
      'water',
      collection(networkFeatures({ withoutP10: true })),
      { now: 2 },
    );
    expect(result).toMatchObject({ stored: true, revision: 2, summary: { pipes: 9 } });
    expect((await trace({ at: at(650, 40) })).json()).toMatchObject({ errors: [{ code: 'network-no-pipe-near' }] });
    const body = await traced({ at: at(500, 0) });
    expect(body.revision).toBe(2);
    expect(sorted(body.isolatedPipes)).toEqual(['P6']);
  });
});
