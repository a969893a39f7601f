/**
 * The browser app: one page per area (portal, console, public map, dev inbox), built to web/dist and
 * served by Fastify (src/http/web.routes.ts). Everything is self-hosted: no font, script or style from
 * a third party.
 */
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

const root = new URL('.', import.meta.url).pathname;

export default defineConfig({
  root,
  base: '/',
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      input: {
        portal: `${root}portal.html`,
        admin: `${root}admin.html`,
        map: `${root}map.html`,
        inbox: `${root}inbox.html`,
        landing: `${root}landing.html`,
      },
      output: {
        // Named shared chunks; Leaflet's stays lazy in the portal (loaded with the address map only).
        manualChunks(id) {
          if (/node_modules\/(leaflet|@geoman-io)\//.test(id)) return id.includes('@geoman-io') ? 'geoman' : 'leaflet';
          if (/node_modules\/(preact|i18next)\//.test(id)) return 'vendor';
          if (id.includes('/web/src/locales/')) return 'texts';
          // Shared code, except the map helpers (they import Leaflet, which must stay out of the portal's first load).
          if (id.includes('/web/src/shared/') && !id.includes('/web/src/shared/map/')) return 'shared';
          return undefined;
        },
      },
    },
  },
  worker: { format: 'es' },
});
