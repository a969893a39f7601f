/**
 * The frozen recipient set of an incident (written once, at its first send) and what is derived from it:
 * the summary a preview shows after freezing, and a resident's notice history. Tenant id first, always.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Engine } from '../../db/engines/engine.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import { bulkInsertShared, type SharedInsertShape } from '../../db/bulk-insert.js';
import { fillAddress } from '../incidents/notice-text.js';
import { recipientAddressLabel, type Recipient } from './recipients.js';
import type { AddressLabels } from './register-index.js';

/** The tenant and the incident are the same for every row of a set: sent once per statement on PostgreSQL. */
const RECIPIENTS: SharedInsertShape = {
  table: 'incident_recipients',
  columns: [
    ['seq', 'integer'],
    ['channel', 'text'],
    ['endpoint', 'text'],
    ['contact_id', 'text'],
    ['language', 'text'],
    ['priority', 'integer'],
    ['address_id', 'text'],
    ['address_label', 'text'],
  ],
  shared: [
    ['tenant_id', 'text'],
    ['incident_id', 'text'],
  ],
};

export interface FrozenSummary {
  recipients: number;
  contacts: number;
  addresses: number;
  byChannel: Record<string, number>;
}

/** A notice in a resident's history (the shape of the residents module's NoticeView). */
export interface ContactNotice {
  id: string;
  /** ISO time the notice was sent. */
  sentAt: string;
  channel: string;
  kind: string;
  service: string;
  /** The text as this recipient got it. */
  text: string;
  /** The affected address(es) of this contact the notice named. */
  address?: string;
  /** The best of its deliveries on this channel: delivered, sent (no receipt yet) or failed. */
  status: 'delivered' | 'sent' | 'failed';
}

const STATUS_RANK = { delivered: 2, sent: 1, failed: 0 } as const;

export function recipientRepository(db: Kysely<Database>, engine: Engine) {
  return {
    /**
     * Writes the set in sending order (seq 0 = first) in place of whatever a send cut short left: one
     * transaction, so the set is there whole or not at all, and on SQLite its rows are committed once
     * instead of once per statement (measured at 13,000 recipients: about a quarter less time).
     */
    async replaceRecipients(
      tenantId: TenantId,
      incidentId: string,
      recipients: readonly Recipient[],
      labels: AddressLabels,
    ): Promise<void> {
      const rows = recipients.map((r, seq) => [
        seq,
        r.channel,
        r.endpoint,
        r.contactId,
        r.language,
        r.priority ? 1 : 0,
        r.addressIds[0] ?? null,
        recipientAddressLabel(r, labels),
      ]);
      await db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('incident_recipients')
          .where('tenant_id', '=', tenantId)
          .where('incident_id', '=', incidentId)
          .execute();
        await bulkInsertShared<Database>(trx, engine, RECIPIENTS, [tenantId, incidentId], rows);
      });
    },

    async deleteRecipients(tenantId: TenantId, incidentId: string): Promise<void> {
      await db
        .deleteFrom('incident_recipients')
        .where('tenant_id', '=', tenantId)
        .where('incident_id', '=', incidentId)
        .execute();
    },

    async countRecipients(tenantId: TenantId, incidentId: string): Promise<number> {
      const row = await db
        .selectFrom('incident_recipients')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('incident_id', '=', incidentId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Counts of a frozen set: per channel, distinct contacts and addresses. */
    async summary(tenantId: TenantId, incidentId: string): Promise<FrozenSummary> {
      const rows = await db
        .selectFrom('incident_recipients')
        .select((eb) => ['channel', eb.fn.countAll<number>().as('n')])
        .where('tenant_id', '=', tenantId)
        .where('incident_id', '=', incidentId)
        .groupBy('channel')
        .execute();
      const distinct = await db
        .selectFrom('incident_recipients')
        .select([
          sql<number>`count(distinct contact_id)`.as('contacts'),
          sql<number>`count(distinct address_id)`.as('addresses'),
        ])
        .where('tenant_id', '=', tenantId)
        .where('incident_id', '=', incidentId)
        .executeTakeFirstOrThrow();
      const byChannel = Object.fromEntries(rows.map((r) => [r.channel, Number(r.n)]));
      return {
        recipients: Object.values(byChannel).reduce((a, b) => a + b, 0),
        contacts: Number(distinct.contacts),
        addresses: Number(distinct.addresses),
        byChannel,
      };
    },

    /**
     * The notices that reached this contact's endpoints since `since` (epoch ms), newest first: one row per
     * delivery that was sent or delivered, with its message's kind and text and the incident's service.
     */
    async listNoticesForContact(tenantId: TenantId, contactId: string, since: number): Promise<ContactNotice[]> {
      const rows = await db
        .selectFrom('incident_recipients as r')
        .innerJoin('messages as m', (j) =>
          j.onRef('m.incident_id', '=', 'r.incident_id').on('m.tenant_id', '=', tenantId),
        )
        .innerJoin('deliveries as d', (j) => j.onRef('d.message_id', '=', 'm.id').onRef('d.seq', '=', 'r.seq'))
        .innerJoin('incidents as i', 'i.id', 'r.incident_id')
        .select([
          'm.id',
          'd.seq',
          'd.sent_at',
          'd.status',
          'm.started_at',
          'r.channel',
          'm.kind',
          'i.service',
          'r.language',
          'm.rendered',
          'r.address_label',
        ])
        .where('r.tenant_id', '=', tenantId)
        .where('r.contact_id', '=', contactId)
        .where('d.status', 'in', ['sent', 'delivered', 'failed', 'expired'])
        .where('m.started_at', '>=', since)
        .orderBy('m.started_at', 'desc')
        .limit(500)
        .execute();
      // One notice per message and channel (two numbers got the same SMS: one line), with its best status.
      const notices = new Map<string, ContactNotice>();
      for (const r of rows) {
        const status = r.status === 'delivered' || r.status === 'sent' ? r.status : 'failed';
        const key = `${r.id}:${r.channel}`;
        const seen = notices.get(key);
        if (seen) {
          if (STATUS_RANK[status] > STATUS_RANK[seen.status]) seen.status = status;
          continue;
        }
        const rendered = JSON.parse(r.rendered) as Record<string, string>;
        notices.set(key, {
          id: key,
          sentAt: new Date(r.sent_at ?? r.started_at ?? 0).toISOString(),
          channel: r.channel,
          kind: r.kind,
          service: r.service,
          text: fillAddress(rendered[r.language] ?? Object.values(rendered)[0] ?? '', r.address_label ?? ''),
          ...(r.address_label ? { address: r.address_label } : {}),
          status,
        });
      }
      return [...notices.values()];
    },
  };
}

export type RecipientRepository = ReturnType<typeof recipientRepository>;
