import type { Area, BBox } from '../../lib/geo.js';
import type { TenantId } from '../../kernel/tenant-id.js';

export const LANGUAGES = ['fi', 'sv', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const SERVICES = ['water', 'sewer', 'district-heating', 'electricity', 'waste', 'other'] as const;
export type Service = (typeof SERVICES)[number];

/** The number types of libphonenumber-js (`getType()`) a tenant may allow. */
export const PHONE_NUMBER_TYPES = [
  'MOBILE',
  'FIXED_LINE',
  'FIXED_LINE_OR_MOBILE',
  'VOIP',
  'TOLL_FREE',
  'PREMIUM_RATE',
  'SHARED_COST',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
] as const;
export type PhoneNumberType = (typeof PHONE_NUMBER_TYPES)[number];

/** Tenant settings; every field has a default so that older rows read as complete settings. */
export interface TenantSettings {
  pinLength: number;
  pinTtlMinutes: number;
  pinsPerEndpointPerHour: number;
  pinsPerIpPerHour: number;
  pinResendCooldownSeconds: number;
  /** The tenant's country (ISO 3166 alpha-2) for national numbers; null = from its first language (fi → FI, sv → SE). */
  country: string | null;
  /** Countries whose numbers residents may use (ISO alpha-2); empty = the tenant's country only. */
  phoneCountries: string[];
  /** libphonenumber-js number types residents may use; premium, shared-cost, personal and the like are left out. */
  phoneNumberTypes: PhoneNumberType[];
  /**
   * PINs by SMS or voice (login and verification together) the tenant sends per hour, per day; null = sized
   * for the tenant by its addresses (`sizedPinBudget`).
   */
  pinsPerTenantPerHour: number | null;
  pinsPerTenantPerDay: number | null;
  /** Voice PINs stop when the tenant's hourly or daily PIN count reaches this share (%) of its budget. */
  voicePinBudgetPercent: number;
  /** Times an unanswered notice call (no answer, busy) is made again after the first, within the message's validity. */
  voiceRedials: number;
  /** Minutes between an unanswered call's end and the next call. */
  voiceRedialMinutes: number;
  /** Planned-work notices are held outside these local hours; null = no quiet hours. */
  quietHours: { start: string; end: string; timeZone: string } | null;
  /** One message per address instead of one per person. */
  householdMode: boolean;
  /** Months a message's deliveries and recipients (numbers, emails) are kept; then only counts remain, in the audit log. */
  retentionMonths: number;
  /** Months an SMS a resident sent back (a reply: number and text) is kept, from when it came. */
  repliesRetentionMonths: number;
  /** Days the dev inbox keeps a message. */
  inboxRetentionDays: number;
  /** Years the audit log keeps an entry. */
  auditRetentionYears: number;
  smsFooter: string;
  allowLinksInSms: boolean;
  pricePerSegmentCents: number;
  requireTotp: boolean;
  requireApproval: boolean;
  maxAreaVertices: number;
  tileUrl: string | null;
  /** The tile provider's credit shown on the maps drawing `tileUrl` (as text); null = OpenStreetMap's for its tiles, else none. */
  tileAttribution: string | null;
  brandColor: string;
  logoUrl: string | null;
  /** Origins allowed to frame the public map embed. */
  embedOrigins: string[];
  /** Whether the landing page (`/`) lists the tenant. */
  listed: boolean;
}

export const DEFAULT_SETTINGS: TenantSettings = {
  pinLength: 6,
  pinTtlMinutes: 10,
  pinsPerEndpointPerHour: 5,
  pinsPerIpPerHour: 30,
  pinResendCooldownSeconds: 60,
  country: null,
  phoneCountries: [],
  phoneNumberTypes: ['MOBILE', 'FIXED_LINE', 'FIXED_LINE_OR_MOBILE'],
  pinsPerTenantPerHour: null,
  pinsPerTenantPerDay: null,
  voicePinBudgetPercent: 50,
  voiceRedials: 2,
  voiceRedialMinutes: 5,
  quietHours: null,
  householdMode: false,
  retentionMonths: 13,
  repliesRetentionMonths: 13,
  inboxRetentionDays: 7,
  auditRetentionYears: 5,
  smsFooter: '',
  allowLinksInSms: false,
  pricePerSegmentCents: 6,
  requireTotp: false,
  requireApproval: false,
  maxAreaVertices: 10000,
  tileUrl: null,
  tileAttribution: null,
  brandColor: '#005a8c',
  logoUrl: null,
  embedOrigins: [],
  listed: true,
};

export interface ContactInfo {
  phone?: string;
  email?: string;
  url?: string;
}

export interface Tenant {
  id: TenantId;
  slug: string;
  name: string;
  languages: Language[];
  services: Service[];
  serviceArea: Area;
  bbox: BBox;
  smsSender: string;
  contactInfo: ContactInfo;
  settings: TenantSettings;
}
