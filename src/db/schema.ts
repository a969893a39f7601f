/**
 * The table types Kysely checks every query against. Portable conventions, identical on both databases:
 * ids are app-generated text, times are epoch milliseconds (BIGINT), flags are 0/1 integers,
 * structured values are JSON text, dates of birth are `YYYY-MM-DD` text.
 */

export type Flag = 0 | 1;

export interface TenantsTable {
  id: string;
  slug: string;
  name: string;
  /** JSON array of 'fi' | 'sv' | 'en', in order of preference. */
  languages: string;
  /** JSON array of services offered. */
  services: string;
  /** GeoJSON Polygon or MultiPolygon (WGS84). */
  service_area: string;
  min_lon: number;
  min_lat: number;
  max_lon: number;
  max_lat: number;
  sms_sender: string;
  /** JSON object: phone, email, url shown to residents. */
  contact_info: string;
  /** JSON object of tenant settings (PIN length, quiet hours, household mode…). */
  settings: string;
  created_at: number;
  updated_at: number;
}

export interface AddressesTable {
  id: string;
  tenant_id: string;
  /** The id the address has in its source file; unique per tenant, the key of idempotent imports. */
  source_id: string;
  street: string;
  street_sv: string | null;
  /** House number as written: `131a`, `12 B`, `5-7`. */
  number: string;
  /** Leading integer of the number, for ordering and numeric range selection. */
  number_int: number | null;
  /** Number folded for matching: lower case, no spaces (`12 B` → `12b`). */
  number_key: string;
  postal_code: string;
  postal_town: string;
  municipality: string;
  property_id: string | null;
  building_id: string | null;
  lat: number;
  lon: number;
  /** Street name folded for matching (lower case, no accents). */
  street_key: string;
  street_key_sv: string | null;
  updated_at: number;
}

export interface SearchWordsTable {
  tenant_id: string;
  /** One folded word (`eriksgatan`, `mantta`). */
  word: string;
  kind: 'street' | 'town';
  /** For streets the folded full name (= addresses.street_key or street_key_sv); for towns the postal town as written. */
  key: string;
}

export type ContactKind = 'person' | 'company';
export type DataSource = 'register' | 'self';

export interface ContactsTable {
  id: string;
  tenant_id: string;
  kind: ContactKind;
  /** 'register' = public population register; 'self' = supplementary register (resident-entered). */
  source: DataSource;
  /** The register's person id, for re-import matching; null for self-registered contacts. */
  person_id: string | null;
  first_name: string | null;
  last_name: string | null;
  company_name: string | null;
  business_id: string | null;
  contact_person: string | null;
  birth_date: string | null;
  language: string | null;
  name_hidden: Flag;
  /** Vulnerable subscriber (dialysis, care home…): first in the queue, also called by voice. */
  priority: Flag;
  created_at: number;
  updated_at: number;
}

export type EndpointType = 'mobile' | 'landline' | 'email' | 'push';

export interface ContactEndpointsTable {
  id: string;
  tenant_id: string;
  contact_id: string;
  type: EndpointType;
  /** E.164 phone, lower-cased email, or push subscription JSON. */
  value: string;
  source: DataSource;
  verified: Flag;
  created_at: number;
  updated_at: number;
}

export interface ContactAddressesTable {
  id: string;
  tenant_id: string;
  contact_id: string;
  address_id: string;
  role: 'main' | 'extra';
  label: string | null;
  source: DataSource;
  active: Flag;
  created_at: number;
  updated_at: number;
}

export interface SuppressionsTable {
  tenant_id: string;
  /** Keyed hash (HMAC) of an E.164 number or email: nothing else of the person is kept. */
  endpoint_hash: string;
  created_at: number;
}

export interface AuditLogTable {
  id: string;
  tenant_id: string;
  at: number;
  actor_type: 'resident' | 'operator' | 'token' | 'import' | 'system';
  actor_id: string | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  /** JSON details; never phone numbers, emails or PINs. */
  detail: string | null;
}

export interface SessionsTable {
  /** SHA-256 of the session token; the token itself is only in the cookie. */
  id: string;
  tenant_id: string;
  subject_type: 'resident' | 'operator';
  subject_id: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  /** JSON for session-bound facts (e.g. the endpoint a resident logged in with). */
  data: string | null;
}

export interface RateCountersTable {
  key: string;
  window_start: number;
  count: number;
}

export interface InboxMessagesTable {
  id: string;
  tenant_id: string | null;
  channel: 'sms' | 'email' | 'voice' | 'push';
  to: string;
  from: string | null;
  subject: string | null;
  text: string;
  /** Rendered audio for voice messages (WAV, base64) when available. */
  audio: string | null;
  created_at: number;
}

export interface Database {
  tenants: TenantsTable;
  addresses: AddressesTable;
  search_words: SearchWordsTable;
  contacts: ContactsTable;
  contact_endpoints: ContactEndpointsTable;
  contact_addresses: ContactAddressesTable;
  suppressions: SuppressionsTable;
  audit_log: AuditLogTable;
  sessions: SessionsTable;
  rate_counters: RateCountersTable;
  inbox_messages: InboxMessagesTable;
}
