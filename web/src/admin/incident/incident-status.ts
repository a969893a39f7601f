/** Which tab an incident belongs to: active now, planned (starts later), past, or a draft. */
import type { Incident } from '../admin-api';

export type IncidentTab = 'active' | 'planned' | 'past' | 'draft';

export function toMillis(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * The status people see, the same as the public map's (feed.service publicStatus): an open incident
 * whose start is still ahead is planned, not active.
 */
export function shownStatus(
  incident: Incident,
  now = Date.now(),
): 'draft' | 'planned' | 'active' | 'resolved' | 'cancelled' {
  if (incident.status !== 'active') return incident.status;
  const starts = toMillis(incident.startsAt);
  return starts !== null && starts > now ? 'planned' : 'active';
}

export function incidentTab(incident: Incident, now = Date.now()): IncidentTab {
  if (incident.status === 'draft') return 'draft';
  if (incident.status === 'resolved' || incident.status === 'cancelled') return 'past';
  const starts = toMillis(incident.startsAt);
  return starts !== null && starts > now ? 'planned' : 'active';
}
