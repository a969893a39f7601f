import type { Area, BBox } from '../../lib/geo.js';
import type { TenantId } from '../../lib/tenant-id.js';

export const LANGUAGES = ['fi', 'sv', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const SERVICES = ['water', 'sewer', 'district-heating', 'electricity', 'waste', 'other'] as const;
export type Service = (typeof SERVICES)[number];

/** Tenant settings; every field has a default so that older rows read as complete settings. */
export interface TenantSettings {
  pinLength: number;
  pinTtlMinutes: number;
  pinsPerEndpointPerHour: number;
  pinsPerIpPerHour: number;
  pinResendCooldownSeconds: number;
  /** Planned-work notices are held outside these local hours; null = no quiet hours. */
  quietHours: { start: string; end: string; timeZone: string } | null;
  /** One message per address instead of one per person. */
  householdMode: boolean;
  /** Months a message's deliveries and recipients (numbers, emails) are kept; then only counts remain, in the audit log. */
  retentionMonths: number;
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
  brandColor: string;
  logoUrl: string | null;
  /** Origins allowed to frame the public map embed. */
  embedOrigins: string[];
}

export const DEFAULT_SETTINGS: TenantSettings = {
  pinLength: 6,
  pinTtlMinutes: 10,
  pinsPerEndpointPerHour: 5,
  pinsPerIpPerHour: 30,
  pinResendCooldownSeconds: 60,
  quietHours: null,
  householdMode: false,
  retentionMonths: 13,
  inboxRetentionDays: 7,
  auditRetentionYears: 5,
  smsFooter: '',
  allowLinksInSms: false,
  pricePerSegmentCents: 6,
  requireTotp: false,
  requireApproval: false,
  maxAreaVertices: 10000,
  tileUrl: null,
  brandColor: '#005a8c',
  logoUrl: null,
  embedOrigins: [],
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
