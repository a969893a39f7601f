/**
 * Every route of /api/openapi.json, walked with malformed input: path parameters and query strings that
 * are long, empty or hold NUL bytes, and bodies that are of the wrong type, miss fields, hold 1 MB
 * strings, deep nesting, NUL bytes, huge numbers, invalid or enormous GeoJSON. Each answer must come
 * within a bound and be a 4xx problem+json (or a success): never a 5xx, never a hang.
 */
import { beforeAll, expect, it } from 'vitest';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { describeEachDatabase } from '../app.js';
import { buildTown, logIn, type ResidentSession } from '../residents/resident-client.js';

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
};
interface Operation {
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

/** Longest any one request may take before it counts as a hang. */
const ANSWER_WITHIN_MS = 10_000;
const MB_STRING = 'x'.repeat(1024 * 1024);
const deep = (levels: number): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = { a: [value] };
  return value;
};
const ring = (vertices: number) => {
  const points = Array.from({ length: vertices }, (_, i) => [
    24.62 + 0.01 * Math.cos((2 * Math.PI * i) / vertices),
    62.03 + 0.01 * Math.sin((2 * Math.PI * i) / vertices),
  ]);
  return [...points, points[0]];
};
const BAD_GEOJSON: unknown[] = [
  { type: 'Polygon', coordinates: [] },
  { type: 'Polygon', coordinates: [[]] },
  {
    type: 'Polygon',
    coordinates: [
      [
        [1e308, -1e308],
        [NaN, 0],
        [0, 0],
        [1e308, -1e308],
      ],
    ],
  },
  { type: 'Polygon', coordinates: 'x' },
  { type: 'Polygon', coordinates: [[['a', 'b'], [1], [], null]] },
  { type: 'MultiPolygon', coordinates: [[]] },
  { type: 'Point', coordinates: [24.62, 62.03], properties: { radius: 1e308 } },
  { type: 'Feature', geometry: { type: 'Point', coordinates: [24.62, 62.03] }, properties: { radius: -1 } },
  { type: 'Feature', geometry: { type: 'LineString', coordinates: [[24.62, 62.03]] }, properties: { buffer: 1e9 } },
  { type: 'FeatureCollection', features: [null, 1, 'x', { type: 'Feature', geometry: null }] },
  {
    type: 'FeatureCollection',
    features: Array.from({ length: 5000 }, () => ({
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [ring(4)] },
      properties: {},
    })),
  },
  { type: 'GeometryCollection', geometries: [{ type: 'Polygon', coordinates: [ring(3)] }] },
  { type: 'Polygon', coordinates: [ring(100_000)] },
  { network: { service: 'water', at: [1e308, 'x'], failedValves: [null, {}] } },
];
/** Values for one field of a body: wrong types, extremes, NUL bytes, nesting, GeoJSON. */
const BAD_VALUES: unknown[] = [
  null,
  true,
  -1,
  0,
  1e308,
  -1e308,
  2 ** 64,
  1.5,
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  MB_STRING,
  [],
  [null],
  {},
  { '': 1 },
  deep(500),
  '2026-13-45T99:99:99Z',
  '9'.repeat(400),
  '../../etc/passwd',
  '<script>',
  '%00',
];
/** A body sent as this text, not serialised (JSON.stringify would overflow the test's own stack). */
class Raw {
  constructor(readonly text: string) {}
}
const WHOLE_BODIES: unknown[] = [
  null,
  [],
  'text',
  42,
  true,
  {},
  new Raw(`${'{"a":['.repeat(20_000)}1${']}'.repeat(20_000)}`),
  new Raw('{"a":1,"a":2}'),
  new Raw('{"a":"\\ud800"}'),
  { __proto__: { admin: true } },
  Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i])),
];
const PARAM_VALUES = ['x', 'x'.repeat(100), '%00', '%20', '..', '-1', '1e308', encodeURIComponent('ä\u0000')];
const QUERY_VALUES = ['', '%00', 'x'.repeat(10_000), '-1', '1e308', 'NaN', '[]', '%FF'];

/** A plausible value for a schema, so that one bad field is all that is wrong. */
function plausible(schema: Schema | undefined, depth = 0): unknown {
  if (!schema || depth > 4) return 'x';
  if (schema.enum?.length) return schema.enum[0];
  const inner = schema.anyOf ?? schema.oneOf;
  if (inner?.length) return plausible(inner.find((s) => s.type !== 'null') ?? inner[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return 'x';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [plausible(schema.items, depth + 1)];
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, plausible(s, depth + 1)]));
    default:
      return {};
  }
}

/**
 * The whole-body variants, then each field made bad in turn — on a body with every field plausible and on
 * one with only the required fields (so that a bad optional field is the only thing wrong with it).
 */
function bodies(schema: Schema | undefined): unknown[] {
  const full = plausible(schema);
  const out: unknown[] = [...WHOLE_BODIES, full];
  if (typeof full !== 'object' || full === null || Array.isArray(full)) return out;
  const required = new Set(schema?.required ?? []);
  const minimal = Object.fromEntries(Object.entries(full).filter(([field]) => required.has(field)));
  for (const [field, fieldSchema] of Object.entries(schema?.properties ?? {})) {
    const { [field]: _missing, ...without } = full as Record<string, unknown>;
    out.push(without);
    const typed = Array.isArray(fieldSchema.type) ? fieldSchema.type : [fieldSchema.type];
    const values =
      typed.includes('string') || typed.includes('number') || typed.includes('integer') || typed.includes('boolean')
        ? BAD_VALUES
        : [...BAD_VALUES, ...BAD_GEOJSON];
    for (const value of values) out.push({ ...full, [field]: value }, { ...minimal, [field]: value });
  }
  return out;
}

describeEachDatabase('every route with malformed input', (t) => {
  let tenant: Tenant;
  let operator: string;
  let resident: ResidentSession;

  beforeAll(async () => {
    tenant = await buildTown(t().context);
    operator = (await t().context.operators.createToken(tenant, { name: 'fuzz', role: 'admin' }, null)).token;
    resident = await logIn(t().app, tenant.slug, { phone: '0401234567' }, '+358401234567', '10.77.0.1');
  });

  it(
    'answers every request in time with a 4xx problem+json or a success, never a 5xx',
    { timeout: 600_000 },
    async () => {
      const spec = (await t().app.inject({ url: '/api/openapi.json' })).json() as {
        paths: Record<string, Record<string, Operation>>;
      };
      // Logging out and deleting oneself end the sessions the other routes are called with: those go last.
      const last = (path: string) => (/logout|\/me$|delete/.test(path) ? 1 : 0);
      const paths = Object.keys(spec.paths).sort((a, b) => last(a) - last(b));
      const failures: string[] = [];
      let requests = 0;
      async function send(method: string, url: string, payload: unknown): Promise<void> {
        requests++;
        const timer = new Promise<'hang'>((resolve) => setTimeout(() => resolve('hang'), ANSWER_WITHIN_MS).unref());
        const text = payload instanceof Raw ? payload.text : JSON.stringify(payload);
        const started = performance.now();
        const answer = await Promise.race([
          t().app.inject({
            method: method.toUpperCase() as 'GET',
            url,
            headers: {
              authorization: `Bearer ${operator}`,
              cookie: resident.cookie,
              'x-csrf-token': resident.csrf,
              ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
            },
            remoteAddress: `10.78.${requests % 250}.${Math.floor(requests / 250) % 250}`,
            ...(payload === undefined ? {} : { payload: text }),
          }),
          timer,
        ]);
        // The app runs in this process: a request that blocks the event loop also holds back the timer.
        const took = performance.now() - started;
        const what = `${method.toUpperCase()} ${url.slice(0, 120)} ${payload === undefined ? '' : text.slice(0, 120)}`;
        if (answer === 'hang' || took > ANSWER_WITHIN_MS)
          return void failures.push(`no answer within ${ANSWER_WITHIN_MS} ms: ${what}`);
        if (answer.statusCode >= 500) failures.push(`${answer.statusCode}: ${what} → ${answer.body.slice(0, 200)}`);
        else if (
          answer.statusCode >= 400 &&
          !String(answer.headers['content-type']).includes('application/problem+json')
        )
          failures.push(`${answer.statusCode} not problem+json: ${what}`);
      }
      for (const path of paths) {
        for (const [method, operation] of Object.entries(spec.paths[path]!)) {
          const url = (value: string) => path.replace('{tenant}', tenant.slug).replace(/\{[^}]+\}/g, value);
          const query = (operation.parameters ?? []).filter((p) => p.in === 'query');
          for (const value of PARAM_VALUES) await send(method, url(value), undefined);
          for (const param of query)
            for (const value of QUERY_VALUES) await send(method, `${url('x')}?${param.name}=${value}`, undefined);
          if (method === 'get' || method === 'delete') continue;
          const schema = operation.requestBody?.content?.['application/json']?.schema;
          for (const body of bodies(schema)) await send(method, url('x'), body);
        }
      }
      expect(requests).toBeGreaterThan(1000);
      expect(failures).toEqual([]);
    },
  );
});
