/**
 * Two-way SMS: what residents text back to a tenant's notices. A reply is matched to the last notice
 * sent to that number (its tenant, incident and language). `STOP`, `LOPETA` or `SLUTA` — any case, any
 * accents, optionally followed by the tenant's sender name — opts the number out of that tenant's
 * notices: it is kept in `sms_opt_outs`, apart from the register (an import does not bring it back),
 * left out of every recipient set, confirmed by one SMS and shown to the resident in the portal, who
 * can undo it there. Any other text is kept for the operators of the incident it answers.
 */
import type { Kysely } from 'kysely';
import type { Channels, InboundSms } from '../../channels/channel.js';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { smsSenderOf } from '../tenants/tenant.country.js';
import type { Language, Tenant } from '../tenants/tenant.types.js';

const STOP_WORDS = ['STOP', 'LOPETA', 'SLUTA'];

/** Upper case without accents, spaces or punctuation: `Lopetä!` and `lopeta` are the same word. */
const folded = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

/** Whether `text` asks to stop the tenant's notices: a stop word alone or followed by one of the tenant's names. */
export function isStopRequest(text: string, senderNames: readonly string[]): boolean {
  const words = text.trim().split(/\s+/);
  const first = folded(words[0] ?? '');
  if (!STOP_WORDS.includes(first)) return false;
  const rest = folded(words.slice(1).join(''));
  return rest === '' || senderNames.some((name) => folded(name) === rest);
}

const CONFIRMATION: Record<Language, (tenant: string) => string> = {
  fi: (tenant) => `${tenant}: et saa enää tiedotteita tähän numeroon. Voit perua tämän asukasportaalissa.`,
  sv: (tenant) => `${tenant}: du får inte längre meddelanden till det här numret. Du kan ångra det i invånarportalen.`,
  en: (tenant) => `${tenant}: you will no longer get notices at this number. You can undo this in the resident portal.`,
};

export interface SmsReplyView {
  id: string;
  from: string;
  text: string;
  receivedAt: string;
  messageId: string | null;
}

export interface SmsRepliesDeps {
  db: Kysely<Database>;
  clock: Clock;
  channels: Pick<Channels, 'sms'>;
  findTenant(tenantId: string): Promise<Tenant | undefined>;
}

export function smsReplies(deps: SmsRepliesDeps) {
  const { db } = deps;

  /** The last notice sent by SMS to `number`: its tenant, incident, message and the recipient's language. */
  async function lastNoticeTo(number: string) {
    return db
      .selectFrom('incident_recipients as r')
      .innerJoin('messages as m', (j) =>
        j.onRef('m.tenant_id', '=', 'r.tenant_id').onRef('m.incident_id', '=', 'r.incident_id'),
      )
      .innerJoin('deliveries as d', (j) =>
        j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.message_id', '=', 'm.id').onRef('d.seq', '=', 'r.seq'),
      )
      .select(['r.tenant_id', 'r.incident_id', 'm.id as message_id', 'r.language'])
      .where('r.endpoint', '=', number)
      .where('r.channel', '=', 'sms')
      .where('d.sent_at', 'is not', null)
      .orderBy('d.sent_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async function optOut(tenant: Tenant, number: string, language: string): Promise<void> {
    const inserted = await db
      .insertInto('sms_opt_outs')
      .values({ tenant_id: tenant.id, number, created_at: deps.clock.now() })
      .onConflict((oc) => oc.columns(['tenant_id', 'number']).doNothing())
      .executeTakeFirst();
    // One confirmation: a second STOP finds the number out already and is not answered again.
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return;
    const lang = (language in CONFIRMATION ? language : (tenant.languages[0] ?? 'fi')) as Language;
    await deps.channels.sms.send({
      id: newId(),
      tenantId: tenant.id,
      channel: 'sms',
      to: number,
      from: smsSenderOf(tenant),
      text: CONFIRMATION[lang](tenant.name),
      language: lang,
    });
  }

  return {
    /** Handles one SMS a resident sent; what answers no notice of ours is dropped (false). */
    async receive(sms: InboundSms): Promise<boolean> {
      const notice = await lastNoticeTo(sms.from);
      if (!notice) return false;
      const tenant = await deps.findTenant(notice.tenant_id);
      if (!tenant) return false;
      if (isStopRequest(sms.text, [tenant.smsSender, tenant.name])) {
        await optOut(tenant, sms.from, notice.language);
        return true;
      }
      await db
        .insertInto('sms_replies')
        .values({
          id: newId(),
          tenant_id: tenant.id,
          incident_id: notice.incident_id,
          message_id: notice.message_id,
          from_number: sms.from,
          text: sms.text.slice(0, 2000),
          provider: sms.provider,
          received_at: sms.receivedAt,
        })
        .execute();
      return true;
    },

    /** The replies to an incident, newest first. */
    async repliesTo(tenantId: string, incidentId: string): Promise<SmsReplyView[]> {
      const rows = await db
        .selectFrom('sms_replies')
        .select(['id', 'from_number', 'text', 'received_at', 'message_id'])
        .where('tenant_id', '=', tenantId)
        .where('incident_id', '=', incidentId)
        .orderBy('received_at', 'desc')
        .orderBy('id')
        .limit(1000)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        from: r.from_number,
        text: r.text,
        receivedAt: new Date(Number(r.received_at)).toISOString(),
        messageId: r.message_id,
      }));
    },

    /** Which of `numbers` are opted out of the tenant's notices, with when. */
    async optedOut(tenantId: string, numbers?: readonly string[]): Promise<Array<{ number: string; since: string }>> {
      if (numbers && numbers.length === 0) return [];
      let query = db.selectFrom('sms_opt_outs').select(['number', 'created_at']).where('tenant_id', '=', tenantId);
      if (numbers) query = query.where('number', 'in', [...numbers]);
      const rows = await query.orderBy('number').execute();
      return rows.map((r) => ({ number: r.number, since: new Date(Number(r.created_at)).toISOString() }));
    },

    /** The resident takes the number back: notices go to it again. */
    async undo(tenantId: string, number: string): Promise<boolean> {
      const deleted = await db
        .deleteFrom('sms_opt_outs')
        .where('tenant_id', '=', tenantId)
        .where('number', '=', number)
        .executeTakeFirst();
      return Number(deleted.numDeletedRows) > 0;
    },
  };
}

export type SmsReplies = ReturnType<typeof smsReplies>;

/** The numbers opted out of a tenant's notices, for recipient resolution. */
export async function optedOutNumbers(db: Kysely<Database>, tenantId: string): Promise<ReadonlySet<string>> {
  const rows = await db.selectFrom('sms_opt_outs').select('number').where('tenant_id', '=', tenantId).execute();
  return new Set(rows.map((r) => r.number));
}
