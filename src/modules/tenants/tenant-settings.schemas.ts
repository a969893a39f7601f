/**
 * The tenant settings an admin reads and changes (`/api/t/{tenant}/settings`): the tenant record (name,
 * languages, services, service area, SMS sender, contact details) and its settings, as one flat object.
 * One zod source for validation (problem+json naming the field) and OpenAPI.
 */
import { isSupportedCountry } from 'libphonenumber-js/max';
import { z } from 'zod';
import { contactInfoSchema, publicTenantSchema, smsSenderSchema } from './tenant.schemas.js';
import { LANGUAGES, PHONE_NUMBER_TYPES, SERVICES } from './tenant.types.js';

const unique = <T>(list: T[]) => new Set(list).size === list.length;
const integer = (min: number, max: number) => z.number().int().min(min).max(max);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time as HH:MM (00:00–23:59)');

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** An https URL (or a path on this server): the pages' CSP loads images only from those. */
const httpsOrPath = (what: string) =>
  z
    .string()
    .trim()
    .max(500)
    // A path starts with one slash: `//host/…` and `/\host/…` are addresses on another host.
    .refine(
      (v) => /^\/(?![/\\])/.test(v) || /^https:\/\/[^\s/]+/.test(v),
      `${what}: an https:// address (or a path on this server)`,
    );

/** One line of text shown as typed (never read as HTML): no line breaks or other control characters. */
const oneLine = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((v) => !/\p{Cc}/u.test(v), { message: 'one line of text', params: { code: 'one-line-text' } });

/** A country libphonenumber-js knows (ISO 3166 alpha-2, upper case). */
const countryCode = z.string().refine((v) => isSupportedCountry(v), 'a country code such as FI or SE');

const origin = z
  .string()
  .max(200)
  .refine((v) => {
    try {
      const url = new URL(v);
      return url.origin === v && (url.protocol === 'https:' || url.hostname === 'localhost');
    } catch {
      return false;
    }
  }, 'an origin such as https://www.example.fi (scheme and host, no path)');

export const settingsPatchSchema = z.strictObject({
  name: z.string().trim().min(1, 'required').max(200).optional(),
  languages: z.array(z.enum(LANGUAGES)).min(1).refine(unique, 'languages must not repeat').optional(),
  services: z.array(z.enum(SERVICES)).min(1).refine(unique, 'services must not repeat').optional(),
  /** GeoJSON Polygon or MultiPolygon; checked geometrically by the service (parseArea). */
  serviceArea: z.unknown().optional(),
  smsSender: smsSenderSchema.optional(),
  contactInfo: contactInfoSchema.optional(),
  pinLength: integer(4, 8).optional(),
  pinTtlMinutes: integer(1, 60).optional(),
  pinsPerEndpointPerHour: integer(1, 100).optional(),
  pinsPerIpPerHour: integer(1, 10_000).optional(),
  pinResendCooldownSeconds: integer(0, 3600).optional(),
  country: countryCode.nullable().optional(),
  phoneCountries: z.array(countryCode).max(50).refine(unique, 'countries must not repeat').optional(),
  phoneNumberTypes: z
    .array(z.enum(PHONE_NUMBER_TYPES))
    .min(1)
    .refine(unique, 'number types must not repeat')
    .optional(),
  pinsPerTenantPerHour: integer(1, 1_000_000).nullable().optional(),
  pinsPerTenantPerDay: integer(1, 10_000_000).nullable().optional(),
  voicePinBudgetPercent: integer(0, 100).optional(),
  voiceRedials: integer(0, 5).optional(),
  voiceRedialMinutes: integer(1, 180).optional(),
  quietHours: z
    .strictObject({
      start: hhmm,
      end: hhmm,
      timeZone: z.string().max(64).refine(isTimeZone, 'an IANA time zone such as Europe/Helsinki'),
    })
    .refine((q) => q.start !== q.end, {
      message: 'the start and the end must differ',
      path: ['end'],
      params: { code: 'quiet-hours-equal' },
    })
    .nullable()
    .optional(),
  householdMode: z.boolean().optional(),
  retentionMonths: integer(1, 120).optional(),
  repliesRetentionMonths: integer(1, 120).optional(),
  inboxRetentionDays: integer(1, 365).optional(),
  auditRetentionYears: integer(1, 30).optional(),
  smsFooter: z.string().max(160).optional(),
  allowLinksInSms: z.boolean().optional(),
  pricePerSegmentCents: z.number().min(0).max(1000).optional(),
  requireTotp: z.boolean().optional(),
  requireApproval: z.boolean().optional(),
  maxAreaVertices: integer(100, 1_000_000).optional(),
  tileUrl: httpsOrPath('tileUrl')
    .refine((v) => ['{z}', '{x}', '{y}'].every((p) => v.includes(p)), 'must hold {z}, {x} and {y}')
    .nullable()
    .optional(),
  tileAttribution: oneLine(200).nullable().optional(),
  brandColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb')
    .optional(),
  logoUrl: httpsOrPath('logoUrl').nullable().optional(),
  embedOrigins: z.array(origin).max(20).refine(unique, 'origins must not repeat').optional(),
  listed: z.boolean().optional(),
});

export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export const settingsViewSchema = publicTenantSchema
  .pick({
    slug: true,
    name: true,
    languages: true,
    services: true,
    serviceArea: true,
    smsSender: true,
    contactInfo: true,
  })
  .extend({
    pinLength: z.number(),
    pinTtlMinutes: z.number(),
    pinsPerEndpointPerHour: z.number(),
    pinsPerIpPerHour: z.number(),
    pinResendCooldownSeconds: z.number(),
    country: z.string().nullable(),
    countryInEffect: z
      .string()
      .describe(
        'the country national numbers are read in: `country`, else the one the service area lies in, else that of the first language',
      ),
    phoneCountries: z.array(z.string()),
    phoneNumberTypes: z.array(z.string()),
    pinsPerTenantPerHour: z.number().nullable().describe('null: sized for the tenant by its addresses'),
    pinsPerTenantPerDay: z.number().nullable().describe('null: sized for the tenant by its addresses'),
    voicePinBudgetPercent: z.number(),
    voiceRedials: z.number().describe('times an unanswered notice call is made again after the first'),
    voiceRedialMinutes: z.number().describe('minutes between an unanswered call and the next'),
    quietHours: z.object({ start: z.string(), end: z.string(), timeZone: z.string() }).nullable(),
    householdMode: z.boolean(),
    retentionMonths: z.number(),
    repliesRetentionMonths: z.number(),
    inboxRetentionDays: z.number(),
    auditRetentionYears: z.number(),
    smsFooter: z.string(),
    allowLinksInSms: z.boolean(),
    pricePerSegmentCents: z.number(),
    requireTotp: z.boolean(),
    requireApproval: z.boolean(),
    maxAreaVertices: z.number(),
    tileUrl: z.string().nullable(),
    tileAttribution: z.string().nullable(),
    brandColor: z.string(),
    logoUrl: z.string().nullable(),
    embedOrigins: z.array(z.string()),
    listed: z.boolean(),
  });

export type SettingsView = z.infer<typeof settingsViewSchema>;
