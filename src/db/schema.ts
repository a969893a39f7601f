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
  /** `street`: a Finnish (or only) street name, `street_sv`: a Swedish one, `town`: a postal town. */
  kind: 'street' | 'street_sv' | 'town';
  /** For streets the folded full name (= addresses.street_key, or street_key_sv for `street_sv`); for towns the postal town as written. */
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
  /** Language of a voice message's text (migration 003): its audio is rendered when first played. */
  language: string | null;
  created_at: number;
}

/** One-time PINs (migration 002): login PINs and verification PINs of a new number or email. */
export interface PinsTable {
  id: string;
  tenant_id: string;
  purpose: 'login' | 'verify';
  /** Login: keyed hash of the endpoint (E.164 or email). Verify: the contact_endpoints id. */
  subject: string;
  /** Keyed hash of `id:code`; the code itself is never stored. */
  code_hash: string;
  attempts: number;
  created_at: number;
  expires_at: number;
}

export interface RegisterImportsTable {
  id: string;
  tenant_id: string;
  /** `queued` until a worker takes its job (an upload); `running` from then (or from the start: the CLI). */
  status: 'queued' | 'running' | 'done' | 'failed';
  dry_run: Flag;
  file_name: string | null;
  file_bytes: number | null;
  /** JSON: encoding, delimiter, column mapping, allowMassRemoval. */
  options: string;
  actor_type: 'operator' | 'token' | 'import';
  actor_id: string | null;
  /** JSON counts (rows, added, updated, removed, protected, …); never personal data. */
  counts: string | null;
  /** CSV of rejected rows: line,outcome,reason,candidate. */
  report: string | null;
  error: string | null;
  created_at: number;
  finished_at: number | null;
  started_at: number | null;
  /** Rows and bytes read so far, while it runs (kept on the row where another connection can write it). */
  progress_rows: number | null;
  progress_bytes: number | null;
}

/** An uploaded register file, in chunks, until its import is done (migration 017). */
export interface RegisterImportFilesTable {
  import_id: string;
  tenant_id: string;
  seq: number;
  data: Buffer;
}

/** Operator accounts (migration 003). Passwords as scrypt hashes; TOTP secret base32 when enrolled. */
export interface OperatorsTable {
  id: string;
  tenant_id: string;
  /** Lower-cased. */
  email: string;
  name: string | null;
  role: 'admin' | 'operator' | 'viewer';
  password_hash: string | null;
  /** Set for a generated one-time password: the operator must choose a new one before anything else. */
  must_change_password: Flag;
  totp_secret: string | null;
  totp_enabled: Flag;
  failed_logins: number;
  locked_until: number | null;
  last_login_at: number | null;
  disabled: Flag;
  created_at: number;
  updated_at: number;
}

/** API tokens for integrations; only the SHA-256 of the token is stored. */
export interface ApiTokensTable {
  id: string;
  tenant_id: string;
  token_hash: string;
  name: string;
  role: 'admin' | 'operator' | 'viewer';
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface IncidentsTable {
  id: string;
  tenant_id: string;
  service: string;
  kind: 'planned' | 'sudden';
  title: string;
  description: string | null;
  status: 'draft' | 'active' | 'resolved' | 'cancelled';
  starts_at: number | null;
  ends_at: number | null;
  published: Flag;
  /** When the incident was first published (its first CAP alert's time); null while it never was. */
  published_at: number | null;
  /** The area as the operator gave it (GeoJSON FeatureCollection: polygons, circles, buffered lines). */
  area: string | null;
  /** JSON array of street selections (name, number range, odd/even). */
  streets: string | null;
  /** JSON array of postal codes. */
  postal_codes: string | null;
  /** The resolved shapes as one GeoJSON MultiPolygon (circles and buffers made polygons). */
  geometry: string | null;
  /** The shape of the streets and postal codes, from the address points they match (MultiPolygon); drawn, never matched against. */
  selection_geometry: string | null;
  /** The area as a trace of the pipe network (JSON: service, break point, failed valves); null without. */
  network: string | null;
  min_lon: number | null;
  min_lat: number | null;
  max_lon: number | null;
  max_lat: number | null;
  /** When the recipient set was frozen (first send); null before. */
  frozen_at: number | null;
  recipient_count: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

/** The frozen recipient set of an incident: one row per endpoint and channel, in sending order. */
export interface IncidentRecipientsTable {
  tenant_id: string;
  incident_id: string;
  seq: number;
  channel: 'sms' | 'email' | 'voice' | 'push';
  /** E.164 number, email or push subscription. */
  endpoint: string;
  contact_id: string | null;
  language: string;
  priority: Flag;
  address_id: string | null;
  /** The affected address(es) of this recipient, as the message names them. */
  address_label: string | null;
}

export interface MessagesTable {
  id: string;
  tenant_id: string;
  incident_id: string;
  kind: 'alert' | 'update' | 'all-clear' | 'cancel';
  /** JSON: the texts per language as the operator wrote them. */
  texts: string;
  /** JSON: per language, the text to send (variables filled but {address}, normalised, footer added). */
  rendered: string;
  subject: string;
  /** JSON array of warnings shown when the message was created. */
  warnings: string | null;
  status: 'awaiting-approval' | 'scheduled' | 'starting' | 'sending' | 'sent' | 'cancelled';
  send_at: number;
  /** Set when quiet hours held a planned-work notice: the time it was asked for. */
  held_until: number | null;
  expires_at: number;
  /** While starting: until when the process that started it holds it. */
  lease_until: number | null;
  actor_type: 'operator' | 'token';
  created_by: string | null;
  approved_by: string | null;
  recipient_count: number | null;
  batch_count: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  /** When the deliveries still waiting for a receipt after the message's validity were expired. */
  receipts_closed_at: number | null;
}

export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'failed' | 'expired';

export interface DeliveriesTable {
  tenant_id: string;
  message_id: string;
  seq: number;
  channel: 'sms' | 'email' | 'voice' | 'push';
  status: DeliveryStatus;
  attempts: number;
  provider: string | null;
  provider_id: string | null;
  /** The provider's raw answer to the last try (JSON). */
  answer: string | null;
  /** The provider's reason for a failure (or why it expired). */
  error: string | null;
  sent_at: number | null;
  updated_at: number;
  /** Times its outcome was written (answers, calls to make again, resends): a chunk that went keeps the count it saw. */
  written: number;
  /** When the person called pressed 1 to confirm the notice (voice calls); null otherwise. */
  acknowledged_at: number | null;
}

export interface DispatchBatchesTable {
  tenant_id: string;
  message_id: string;
  batch_no: number;
  first_seq: number;
  last_seq: number;
  priority: Flag;
  status: 'pending' | 'done';
  /** A worker holding the batch holds it until then; 0 when nobody does. */
  claimed_until: number;
  attempts: number;
  updated_at: number;
  /** A batch given back to wait for its deliveries' next try: when the sweep queues it again; null otherwise. */
  retry_at: number | null;
  /** The worker process (`aviso worker --id`) holding the batch, when it has an id. */
  claimed_by: string | null;
}

/** The embedded job queue (SQLite; PostgreSQL uses pg-boss). */
export interface JobsTable {
  id: string;
  queue: string;
  payload: string;
  priority: number;
  state: 'ready' | 'active' | 'failed';
  /** When a worker may take it next (ready: run after; active: lease end); null when failed for good. */
  available_at: number | null;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** A tenant's register revision: raised by every write to its addresses, contacts, endpoints or links. */
export interface RegisterRevisionsTable {
  tenant_id: string;
  revision: number;
}

/** What a revision changed: one contact, or (null) more than can be named — read the register again. */
export interface RegisterChangesTable {
  tenant_id: string;
  revision: number;
  contact_id: string | null;
  created_at: number;
}

/** A receipt not yet matched to its delivery (it came before the delivery was recorded as sent). */
/** A number that answered STOP to a tenant's notices: none go to it until the resident undoes it. */
export interface SmsOptOutsTable {
  tenant_id: string;
  /** E.164. */
  number: string;
  created_at: number;
}

/** A text a resident sent back; `incident_id` and `message_id` of the last notice sent to that number. */
export interface SmsRepliesTable {
  id: string;
  tenant_id: string;
  incident_id: string | null;
  message_id: string | null;
  from_number: string;
  text: string;
  provider: string;
  received_at: number;
}

export interface DeliveryReceiptsTable {
  provider: string;
  provider_id: string;
  /** A final status, or `acknowledged` (pressed 1, the call goes on) or `unanswered` (a call to make again). */
  status: 'delivered' | 'failed' | 'expired' | 'acknowledged' | 'unanswered';
  error: string | null;
  received_at: number;
}

/** A chunk of a batch handed to its provider by one claim of the batch (migration 030). */
export interface DeliveryHandoversTable {
  tenant_id: string;
  message_id: string;
  batch_no: number;
  /** The claim's attempt number (`dispatch_batches.attempts` when it was taken). */
  attempt: number;
  first_seq: number;
  /** The chunk's deliveries as `seq:written` (their write count when it went), comma-separated. */
  seqs: string;
  /** When the chunk went (ms). */
  at: number;
}

/** A provider's throughput timeline, shared by every process: when its next message may go. */
export interface ProviderPacingTable {
  provider: string;
  next_free_at: number;
}

/** A bulk write of a tenant's register in progress (in its own transaction only): see migration 017. */
export interface RegisterBulkWritesTable {
  tenant_id: string;
  dirty: 0 | 1;
}

/** A tenant's pipe network of one service, as last imported (see migration 024). */
export interface PipeNetworksTable {
  tenant_id: string;
  service: string;
  /** Raised by every import: in-memory copies of an older revision are stale. */
  revision: number;
  imported_at: number;
  /** The import's counts (JSON). */
  summary: string;
  /** The graph and connections, compressed (network-snapshot.ts). */
  data: Buffer;
}

/** The instance's VAPID key pair for web push (migration 025): one row, id `vapid`. */
export interface PushKeysTable {
  id: string;
  /** Uncompressed P-256 public key, base64url (what browsers take as `applicationServerKey`). */
  public_key: string;
  /** The private scalar, base64url. */
  private_key: string;
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
  register_imports: RegisterImportsTable;
  register_import_files: RegisterImportFilesTable;
  pins: PinsTable;
  operators: OperatorsTable;
  api_tokens: ApiTokensTable;
  incidents: IncidentsTable;
  incident_recipients: IncidentRecipientsTable;
  messages: MessagesTable;
  deliveries: DeliveriesTable;
  dispatch_batches: DispatchBatchesTable;
  jobs: JobsTable;
  delivery_receipts: DeliveryReceiptsTable;
  delivery_handovers: DeliveryHandoversTable;
  provider_pacing: ProviderPacingTable;
  register_revisions: RegisterRevisionsTable;
  register_changes: RegisterChangesTable;
  register_bulk_writes: RegisterBulkWritesTable;
  sms_opt_outs: SmsOptOutsTable;
  sms_replies: SmsRepliesTable;
  pipe_networks: PipeNetworksTable;
  push_keys: PushKeysTable;
}
