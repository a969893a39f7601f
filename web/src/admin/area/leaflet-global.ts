/** leaflet-geoman extends the global `L`; this module, imported first, provides it. */
import L from 'leaflet';

(globalThis as unknown as { L: typeof L }).L = L;

export default L;
