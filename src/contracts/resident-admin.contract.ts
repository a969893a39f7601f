/** Residents as operators see them on the wire (`/api/t/{tenant}/residents…`). */
import { z } from 'zod';

const source = z.enum(['register', 'self']);

/** A resident's link to an address: its `id` is what the alert switch changes. */
export const residentAddressSchema = z.object({
  id: z.string(),
  addressId: z.string(),
  label: z.string(),
  role: z.enum(['main', 'extra']),
  source,
  active: z.boolean(),
});

export const residentSchema = z.object({
  id: z.string(),
  kind: z.enum(['person', 'company']),
  source,
  /** null when the resident hid the name. */
  name: z.string().nullable(),
  nameHidden: z.boolean(),
  businessId: z.string().nullable(),
  language: z.string().nullable(),
  priority: z.boolean(),
  endpoints: z.array(
    z.object({
      id: z.string(),
      type: z.enum(['mobile', 'landline', 'email', 'push']),
      value: z.string(),
      source,
      verified: z.boolean(),
    }),
  ),
  addresses: z.array(residentAddressSchema),
});

export const residentAddressChangeBody = z.strictObject({ active: z.boolean() });
