/**
 * The dev inbox: a provider for every channel that stores messages in the database instead of sending
 * them, listed at GET /api/dev/inbox and shown at /dev/inbox. Delivery is immediate. A voice message is
 * stored as its text; its audio is rendered when first played (GET /api/dev/inbox/:id/audio), so that a
 * machine without espeak-ng or sox still takes voice messages and PINs by voice.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import type { ChannelName, ChannelProvider, OutboundMessage, SendResult } from './channel.js';
import { renderSpeech } from './voice/speech.js';

export interface InboxMessageView {
  id: string;
  tenantId: string | null;
  channel: ChannelName;
  to: string;
  from: string | null;
  subject: string | null;
  text: string;
  hasAudio: boolean;
  time: string;
}

export function inboxProvider(db: Kysely<Database>, clock: Clock, channel: ChannelName): ChannelProvider {
  const rowOf = (m: OutboundMessage) => ({
    id: m.id,
    tenant_id: m.tenantId,
    channel,
    to: m.to,
    from: m.from ?? null,
    subject: m.subject ?? null,
    text: m.text,
    audio: null,
    language: m.language ?? null,
    created_at: clock.now(),
  });
  const delivered = (m: OutboundMessage): SendResult => ({
    id: m.id,
    providerId: `inbox-${m.id}`,
    status: 'delivered',
  });
  const send = async (message: OutboundMessage): Promise<SendResult> => {
    // Idempotent by our message id: a dispatch job re-run after a crash must not deliver twice.
    await db
      .insertInto('inbox_messages')
      .values(rowOf(message))
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return delivered(message);
  };
  return {
    name: 'inbox',
    channel,
    maxPerSecond: 100_000,
    // Its rows are keyed by our message id: a message sent again after a crash is stored once.
    idempotent: true,
    send,
    async sendBatch(messages) {
      // 10 columns; stay well under SQLite's parameter limit.
      for (let i = 0; i < messages.length; i += 1000) {
        await db
          .insertInto('inbox_messages')
          .values(messages.slice(i, i + 1000).map((m) => rowOf(m)))
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      }
      return messages.map(delivered);
    },
    // The inbox is a table: it takes messages whenever the database does.
    health: async () => ({ ok: true, detail: 'dev inbox (messages stay in the database)' }),
  };
}

export function inboxRepository(db: Kysely<Database>) {
  return {
    async list(options: { to?: string; tenantId?: string; limit: number }): Promise<InboxMessageView[]> {
      let query = db.selectFrom('inbox_messages').selectAll();
      if (options.to) query = query.where('to', '=', options.to);
      if (options.tenantId) query = query.where('tenant_id', '=', options.tenantId);
      const rows = await query.orderBy('created_at', 'asc').orderBy('id').limit(options.limit).execute();
      return rows.map((r) => ({
        id: r.id,
        tenantId: r.tenant_id,
        channel: r.channel,
        to: r.to,
        from: r.from,
        subject: r.subject,
        text: r.text,
        hasAudio: r.audio !== null || r.channel === 'voice',
        time: new Date(r.created_at).toISOString(),
      }));
    },
    /** The voice message's WAV (base64), rendered and kept on first play; SpeechToolsMissingError without the tools. */
    async audio(id: string): Promise<string | null> {
      const row = await db
        .selectFrom('inbox_messages')
        .select(['audio', 'channel', 'text', 'language'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row || row.audio !== null || row.channel !== 'voice') return row?.audio ?? null;
      const audio = (await renderSpeech(row.text, row.language ?? undefined)).toString('base64');
      await db.updateTable('inbox_messages').set({ audio }).where('id', '=', id).execute();
      return audio;
    },
  };
}
