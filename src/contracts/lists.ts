/**
 * Value lists the server and the web share as values (the web bundle imports this file, so it imports
 * nothing): one list, one order.
 */

/** Why a contact inside an area gets no notice, in the order the preview lists them. */
export const EXCLUSION_REASONS = [
  'under-16',
  'age-unknown',
  'deactivated',
  'unverified',
  'duplicate',
  'household',
  'no-endpoint',
  'opted-out',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];
