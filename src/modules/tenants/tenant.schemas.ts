import { z } from 'zod';
import { LANGUAGES, SERVICES } from './tenant.types.js';

// Alphanumeric SMS sender ids: at most 11 characters of the GSM basic set that networks pass through.
const SENDER = /^[A-Za-z0-9 .\-_&+]{1,11}$/;

/** The SMS sender id as networks pass it through (shared by new tenants and the settings API). */
export const smsSenderSchema = z.string().regex(SENDER, 'at most 11 characters: letters A–Z, digits, space . - _ & +');

/** A web address the pages link to: https only — never javascript:, data: or the like. */
const webUrl = z.url({ protocol: /^https$/, error: 'an https:// address' }).max(500);

export const contactInfoSchema = z.object({
  phone: z.string().max(40).optional(),
  email: z.email().optional(),
  url: webUrl.optional(),
});

export const slugSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lower-case letters, digits and hyphens, 1–63 characters');

export const tenantInputSchema = z.object({
  slug: slugSchema,
  name: z.string().trim().min(1).max(200),
  languages: z
    .array(z.enum(LANGUAGES))
    .min(1)
    .refine((l) => new Set(l).size === l.length, 'languages must not repeat')
    .default(['fi', 'sv']),
  services: z.array(z.enum(SERVICES)).min(1).default(['water', 'sewer', 'district-heating']),
  /** GeoJSON Polygon or MultiPolygon; validated geometrically by the service. */
  serviceArea: z.unknown(),
  smsSender: smsSenderSchema.optional(),
  contactInfo: contactInfoSchema.default({}),
});

export type TenantInput = z.input<typeof tenantInputSchema>;

export const publicTenantSchema = z.object({
  slug: z.string(),
  name: z.string(),
  languages: z.array(z.enum(LANGUAGES)),
  services: z.array(z.enum(SERVICES)),
  smsSender: z.string(),
  contactInfo: z.object({ phone: z.string().optional(), email: z.string().optional(), url: z.string().optional() }),
  bbox: z.array(z.number()).length(4),
  serviceArea: z.unknown(),
  branding: z.object({
    brandColor: z.string(),
    logoUrl: z.string().nullable(),
    tileUrl: z.string().nullable(),
    tileAttribution: z.string().nullable().describe("the tile provider's credit, plain text"),
    basemapUrl: z.string().nullable(),
  }),
});
