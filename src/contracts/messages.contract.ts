/** Messages on the wire: the preview of who an incident reaches, sending, a message with its delivery counts, SMS replies. */
import { z } from 'zod';
import { LANGUAGES } from '../modules/tenants/tenant.types.js';

export const MESSAGE_KINDS = ['alert', 'update', 'all-clear', 'cancel'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** The operator's text per tenant language. */
export const messageTextsSchema = z.object(
  Object.fromEntries(LANGUAGES.map((l) => [l, z.string().max(2000).optional()])) as Record<
    (typeof LANGUAGES)[number],
    z.ZodOptional<z.ZodString>
  >,
);

export const previewBody = z
  .object({ texts: messageTextsSchema.optional(), kind: z.enum(MESSAGE_KINDS).optional() })
  .optional();
export const sendBody = z.object({
  texts: messageTextsSchema.optional(),
  kind: z.enum(MESSAGE_KINDS).optional(),
  sendAt: z.union([z.string().max(40), z.number().int()]).optional(),
});

const countsSchema = {
  queued: z.number(),
  sent: z.number(),
  delivered: z.number(),
  failed: z.number(),
  expired: z.number(),
  total: z.number(),
};
export const messageSchema = z.object({
  id: z.string(),
  incidentId: z.string(),
  kind: z.enum(MESSAGE_KINDS),
  status: z.string(),
  texts: z.record(z.string(), z.string()),
  rendered: z.record(z.string(), z.string()),
  warnings: z.array(z.string()),
  sendAt: z.string(),
  requestedAt: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  approvedBy: z.string().nullable(),
  ...countsSchema,
  acknowledged: z.number().describe('calls the person called confirmed by pressing 1 (among delivered)'),
  providers: z.array(
    z.object({
      provider: z.string(),
      queued: z.number().optional(),
      sent: z.number().optional(),
      delivered: z.number().optional(),
      failed: z.number().optional(),
      expired: z.number().optional(),
    }),
  ),
  failovers: z.array(z.object({ reason: z.string(), count: z.number() })),
  outcome: z
    .enum(['sent', 'partly-failed', 'failed'])
    .nullable()
    .describe('how the send ended once every delivery was tried; null before'),
  failures: z
    .array(z.object({ reason: z.string(), count: z.number() }))
    .describe('why deliveries failed or expired, the most frequent first'),
});

export const previewSchema = z.object({
  frozen: z.boolean(),
  addresses: z.number(),
  contacts: z.number(),
  endpoints: z.object({ sms: z.number(), voice: z.number(), email: z.number(), push: z.number(), total: z.number() }),
  excluded: z.record(z.string(), z.number()),
  sample: z.array(z.object({ id: z.string(), label: z.string() })),
  sms: z.record(z.string(), z.object({ encoding: z.string(), segments: z.number(), characters: z.number() })),
  warnings: z.array(z.string()),
  cost: z.object({ cents: z.number(), currency: z.string(), segments: z.number() }),
});

/** SMS residents sent back to an incident's notices. */
export const smsRepliesSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      from: z.string(),
      text: z.string(),
      receivedAt: z.string(),
      messageId: z.string().nullable(),
    }),
  ),
});

/** A resident's numbers that answered STOP. */
export const smsOptOutsSchema = z.object({ items: z.array(z.object({ number: z.string(), since: z.string() })) });
