/** Zod schemas of the resident routes: one source for validation (problem+json naming the field) and OpenAPI. */
import { ECDH } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import { addressViewSchema } from '../addresses/address.schemas.js';
import { LANGUAGES, SERVICES } from '../tenants/tenant.types.js';

const name = z.string().trim().min(1, 'required').max(100);
const birthDate = z.string().regex(/^\d{4}-?\d{2}-?\d{2}$/, 'a date as YYYY-MM-DD or YYYYMMDD');
const businessId = z.string().max(20);
const language = z.enum(LANGUAGES);
const pin = z.string().regex(/^\d{4,8}$/, '4 to 8 digits');

export const tenantParams = z.object({ tenant: z.string().max(63) });
export const itemParams = tenantParams.extend({ id: z.string().min(1).max(100) });

export const signUpBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('person'),
    firstName: name,
    lastName: name,
    birthDate: birthDate.optional(),
    language: language.optional(),
  }),
  z.strictObject({
    kind: z.literal('company'),
    companyName: name,
    businessId,
    contactPerson: name,
    language: language.optional(),
  }),
]);
export type SignUpInput = z.infer<typeof signUpBody>;

export const contactChangeBody = z.strictObject({
  firstName: name.optional(),
  lastName: name.optional(),
  birthDate: birthDate.nullable().optional(),
  companyName: name.optional(),
  businessId: businessId.optional(),
  contactPerson: name.optional(),
  language: language.optional(),
  nameHidden: z.boolean().optional(),
});
export type ContactChangeInput = z.infer<typeof contactChangeBody>;

export const endpointBody = z.strictObject({
  value: z.string().trim().min(1, 'required').max(254),
  type: z.enum(['mobile', 'landline', 'email']).optional(),
});
export const endpointChangeBody = z
  .strictObject({
    value: z.string().trim().min(1, 'required').max(254).optional(),
    type: z.enum(['mobile', 'landline', 'email']).optional(),
  })
  .refine((b) => b.value !== undefined || b.type !== undefined, {
    message: 'give a new value or type',
    path: ['value'],
    params: { code: 'endpoint-change-empty' },
  });
export const pinBody = z.strictObject({ pin });

/**
 * A push service's address: https on a named host. Aviso posts to it, so neither an IP literal nor a
 * local name: a subscription must not point the server at its own network.
 */
export function isPushServiceUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    url.protocol === 'https:' &&
    !url.username &&
    !url.password &&
    isIP(host) === 0 &&
    host.includes('.') &&
    !/(^|\.)(localhost|local|internal|localdomain)\.?$/.test(host)
  );
}

const base64url = (bytes: Buffer | undefined, length: number): Buffer | undefined =>
  bytes && bytes.length === length ? bytes : undefined;
const decoded = (value: string): Buffer | undefined =>
  /^[A-Za-z0-9_-]+={0,2}$/.test(value) ? Buffer.from(value, 'base64url') : undefined;
/** An uncompressed P-256 point (65 bytes) that is on the curve. */
function isP256Point(value: string): boolean {
  const point = base64url(decoded(value), 65);
  if (!point || point[0] !== 4) return false;
  try {
    ECDH.convertKey(point, 'prime256v1');
    return true;
  } catch {
    return false;
  }
}
const pushKey = { message: 'not a key a browser gives', params: { code: 'push-key' } };

/** A browser's PushSubscription as its `toJSON()` gives it. */
export const pushSubscriptionBody = z.strictObject({
  endpoint: z
    .string()
    .max(2000)
    .refine(isPushServiceUrl, { message: 'an https address of a push service', params: { code: 'push-endpoint' } }),
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({
    p256dh: z.string().max(200).refine(isP256Point, pushKey),
    auth: z
      .string()
      .max(100)
      .refine((v) => base64url(decoded(v), 16) !== undefined, pushKey),
  }),
});

export const addressBody = z.strictObject({
  addressId: z.string().min(1).max(100),
  role: z.enum(['main', 'extra']).optional(),
  label: z.string().trim().max(60).optional(),
});
export const addressChangeBody = z.strictObject({
  role: z.literal('main').optional(),
  label: z.string().trim().max(60).nullable().optional(),
  active: z.boolean().optional(),
});
export const signUpOnceBody = z.strictObject({ tenants: z.array(z.string().max(63)).min(1).max(20) });

// ---- answers ----

export const contactView = z.object({
  id: z.string(),
  kind: z.enum(['person', 'company']),
  source: z.enum(['register', 'self']),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  companyName: z.string().nullable(),
  businessId: z.string().nullable(),
  contactPerson: z.string().nullable(),
  birthDate: z.string().nullable(),
  language: language.nullable(),
  nameHidden: z.boolean(),
});

export const endpointView = z.object({
  id: z.string(),
  type: z.enum(['mobile', 'landline', 'email', 'push']),
  value: z.string(),
  source: z.enum(['register', 'self']),
  verified: z.boolean(),
});

export const myAddressView = z.object({
  id: z.string(),
  addressId: z.string(),
  role: z.enum(['main', 'extra']),
  label: z.string().nullable(),
  source: z.enum(['register', 'self']),
  active: z.boolean(),
  address: addressViewSchema,
});

export const meView = z.object({
  contact: contactView.nullable(),
  known: z.boolean(),
  endpoints: z.array(endpointView),
  addresses: z.array(myAddressView),
  csrfToken: z.string(),
});

export const addedAddressView = z.object({
  address: myAddressView,
  otherTenants: z.array(z.object({ slug: z.string(), name: z.string(), services: z.array(z.enum(SERVICES)) })),
});

export const signUpOnceView = z.object({
  results: z.array(
    z.object({
      slug: z.string(),
      name: z.string().nullable(),
      status: z.enum(['registered', 'already-registered', 'address-not-found', 'not-covering']),
      message: z.string(),
    }),
  ),
});

export const pushSubscriptionView = z.object({
  id: z.string(),
  endpoint: z.string(),
  service: z.string(),
  createdAt: z.string(),
});
export const pushSubscriptionsView = z.object({ items: z.array(pushSubscriptionView) });
/** The VAPID public key (base64url), or null where browser notifications are not offered. */
export const pushKeyView = z.object({ publicKey: z.string().nullable() });

export const historyView = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      sentAt: z.string(),
      channel: z.string(),
      kind: z.string(),
      service: z.string(),
      text: z.string(),
      address: z.string().optional(),
      status: z.enum(['delivered', 'sent', 'failed']),
    }),
  ),
});
