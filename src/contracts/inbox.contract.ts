/** The dev inbox on the wire: every message Aviso "sent" while a channel is `inbox`. */
import { z } from 'zod';

export const inboxMessagesSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      tenantId: z.string().nullable(),
      channel: z.enum(['sms', 'email', 'voice', 'push']),
      to: z.string(),
      from: z.string().nullable(),
      subject: z.string().nullable(),
      text: z.string(),
      hasAudio: z.boolean(),
      time: z.string(),
    }),
  ),
});
