/** The feature scanner of network imports: every feature whole, whatever the chunks, strings and other members. */
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { GeoJsonShapeError, readFeatures } from '../../src/modules/network/geojson-features.js';

const collection = {
  type: 'FeatureCollection',
  crs: { type: 'name', properties: { name: 'x{"[' } },
  features: Array.from({ length: 300 }, (_, i) => ({
    type: 'Feature',
    properties: { id: `a"}{[${i}`, q: '\\"', name: 'Äänekoski ✓' },
    geometry: {
      type: 'LineString',
      coordinates: [
        [i, 1],
        [2, 3],
      ],
    },
  })),
  bbox: [1, 2, 3, 4],
};

async function read(chunks: Buffer[]): Promise<unknown[]> {
  const features: unknown[] = [];
  for await (const f of readFeatures(Readable.from(chunks))) features.push(f);
  return features;
}

it('reads every feature whole, whatever the chunk boundaries (mid-string, mid-escape, mid-character)', async () => {
  const bytes = Buffer.from(JSON.stringify(collection));
  for (const size of [1, 2, 7, 64, 65_536]) {
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
    expect(await read(chunks)).toEqual(collection.features);
  }
});

it('refuses a file that ends inside the collection', async () => {
  await expect(read([Buffer.from(JSON.stringify(collection).slice(0, -5))])).rejects.toBeInstanceOf(GeoJsonShapeError);
});
