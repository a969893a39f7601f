/**
 * Coordinate reference systems accepted by imports, reprojected to WGS84 with proj4.
 * Finland's ETRS-TM35FIN (EPSG:3067) and GK zones, Sweden's SWEREF 99 TM (EPSG:3006), Web Mercator.
 */
import { ValidationError } from '../../errors.js';

const DEFINITIONS: Record<string, string> = {
  'EPSG:3067': '+proj=utm +zone=35 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs',
  'EPSG:3006': '+proj=utm +zone=33 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs',
  'EPSG:3879':
    '+proj=tmerc +lat_0=0 +lon_0=25 +k=1 +x_0=25500000 +y_0=0 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs',
  'EPSG:3857':
    '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs',
};

export const SUPPORTED_CRS = ['EPSG:4326', ...Object.keys(DEFINITIONS)] as const;

/** Turns (x, y) in the source CRS into [lon, lat]; identity for WGS84. */
export type Projector = (x: number, y: number) => [number, number];

/** Refuses an unknown CRS (before an import starts anything). */
export function checkCrs(crs: string | undefined): void {
  const code = (crs ?? 'EPSG:4326').toUpperCase();
  if (code !== 'EPSG:4326' && code !== 'WGS84' && !DEFINITIONS[code]) {
    throw new ValidationError('crs', 'crs-unsupported', { crs: String(crs), supported: SUPPORTED_CRS.join(', ') });
  }
}

/**
 * The projector of a CRS. proj4 is loaded only when a file needs it: it is most of the parsing thread's
 * start-up time (~0.15 s of every import) and most files are in WGS84.
 */
export async function loadProjector(crs: string | undefined): Promise<Projector> {
  checkCrs(crs);
  const code = (crs ?? 'EPSG:4326').toUpperCase();
  const definition = DEFINITIONS[code];
  if (!definition) return (x, y) => [x, y];
  const { default: proj4 } = await import('proj4');
  const converter = proj4(definition, 'EPSG:4326');
  return (x, y) => converter.forward([x, y]) as [number, number];
}
