/**
 * The one place that picks an engine: by the database URL's scheme (`sqlite:PATH`, else PostgreSQL). Code
 * outside src/db/engines/ imports this file or engine.ts, never an engine's folder (eslint.config.js).
 */
import type { Engine } from './engine.js';
import { postgresEngine } from './postgres/index.js';
import { sqliteEngine } from './sqlite/index.js';

export type { Engine };

export const engineFor = (url: string): Engine => (url.startsWith('sqlite:') ? sqliteEngine : postgresEngine);
