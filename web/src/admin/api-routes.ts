/**
 * Which operator routes this server has (from its OpenAPI document), so that the console offers only
 * what works: a server without a residents search or a settings API shows no link to them.
 */
import type { ApiClient } from '../shared/api';

export type Feature = 'residents' | 'settings' | 'import';

const PATHS: Record<Feature, string> = {
  residents: '/api/t/{tenant}/residents',
  settings: '/api/t/{tenant}/settings',
  import: '/api/t/{tenant}/register/imports',
};

export async function loadFeatures(api: ApiClient): Promise<Set<Feature>> {
  try {
    const document = await api.get<{ paths?: Record<string, unknown> }>('/api/openapi.json');
    const paths = new Set(Object.keys(document.paths ?? {}));
    return new Set((Object.keys(PATHS) as Feature[]).filter((f) => paths.has(PATHS[f])));
  } catch {
    return new Set(Object.keys(PATHS) as Feature[]);
  }
}
