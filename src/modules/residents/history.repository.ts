/**
 * A resident's message history: the notices sent to this contact's endpoints in the last 12 months.
 * The route and its shape exist now; the delivery tables come with the dispatch issue.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { TenantId } from '../../lib/tenant-id.js';

export interface NoticeView {
  id: string;
  /** ISO time the notice was sent. */
  sentAt: string;
  channel: string;
  /** alert, update, all-clear, cancel */
  kind: string;
  service: string;
  text: string;
  /** The affected address of this contact, as a label, when the notice named one. */
  address?: string;
}

export function historyRepository(_db: Kysely<Database>) {
  return {
    /**
     * Notices sent to `contactId`'s endpoints since `since` (epoch ms), newest first.
     * TODO(issue 4, dispatch): select from the delivery/recipient tables once migration 003 creates them —
     * the deliveries whose endpoint belongs to this contact (tenant id first), joined to their message and
     * incident for kind, service and text. Until then nothing has been sent, so the answer is empty.
     */
    async noticesFor(_tenantId: TenantId, _contactId: string, _since: number): Promise<NoticeView[]> {
      return [];
    },
  };
}

export type HistoryRepository = ReturnType<typeof historyRepository>;
