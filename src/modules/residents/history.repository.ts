/**
 * A resident's message history: the notices sent to this contact's endpoints in the last 12 months.
 * Dispatch owns the tables (the frozen recipient sets and their deliveries) and answers the query; the
 * residents module sees only this port.
 */
import type { TenantId } from '../../kernel/tenant-id.js';

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
  /** The best of its deliveries on this channel. */
  status: 'delivered' | 'sent' | 'failed';
}

export interface NoticeHistory {
  /** Notices sent to `contactId`'s endpoints since `since` (epoch ms), newest first, one per message and channel. */
  noticesFor(tenantId: TenantId, contactId: string, since: number): Promise<NoticeView[]>;
}
