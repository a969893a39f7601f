/**
 * Every problem code the API answers with, and its English text with `{name}` parameters. A problem+json
 * carries the code (top level, and per field in `errors`) and its `params`: the pages translate the code
 * (web/src/locales/*.ts, `problems`) and show the English `detail` to nobody. Codes are stable: rename one
 * and the pages, and API clients that test for it, lose it.
 */
export const PROBLEMS = {
  // Kinds of failure, and what the framework or a schema refuses.
  validation: 'the request is not valid',
  invalid: 'not a valid value',
  required: 'required',
  'too-short': 'at least {minimum} characters',
  'too-long': 'at most {maximum} characters',
  'too-small': 'at least {minimum}',
  'too-big': 'at most {maximum}',
  'invalid-choice': 'one of {options}',
  'not-found': '{what} not found',
  unauthorized: 'Not logged in',
  'session-ended': 'Not logged in (or the session has ended)',
  'token-unknown': 'unknown or revoked API token',
  'account-gone': 'the account no longer exists',
  forbidden: 'Not allowed',
  csrf: 'missing or wrong {header} header',
  'role-needed': 'this needs the {role} role',
  'webhook-refused': 'callback refused: {reason}',
  'rate-limited': 'too many requests; try again in {seconds} seconds',
  'bad-request': 'the request could not be understood',
  'payload-too-large': 'the request is larger than the server accepts',
  'unsupported-media-type': 'the request body is of a type the server does not accept',
  'uri-too-long': 'the address of the request is too long',
  'headers-too-large': 'The request headers are larger than the server accepts',
  timeout: 'The request took too long to arrive',
  'upload-stalled': 'no part of the upload arrived for {seconds} s: it was dropped',
  internal: 'Something went wrong on our side; the request id identifies it in the log.',
  'storage-full':
    'The database is out of disk space: nothing of this request was saved. Free space on the server and try again.',
  'storage-read-only':
    'The database is read-only: nothing of this request was saved. Check the permissions of the database file.',
  'storage-busy': 'The database was busy with another write: nothing of this request was saved. Try again in a moment.',
  'nul-character': 'must not contain a NUL character',
  'json-invalid': 'not valid JSON',
  'time-format': 'expected an ISO 8601 time, e.g. 2025-03-01T08:00:00+02:00',

  // PINs and the CAPTCHA.
  'pin-rejected': 'wrong or expired PIN',
  'pin-rejected-last': 'wrong or expired PIN; ask for a new one',
  'pin-guesses-target':
    'too many wrong PINs for this number or email from this network; try again in {minutes} minutes',
  'pin-guesses-network': 'too many wrong PINs from this network; try again in {minutes} minutes',
  'pin-cooldown': 'a PIN was sent a moment ago; a new one can be asked for in {seconds} seconds',
  'pin-limit-network': 'too many PINs from this network this hour; try again in {minutes} minutes',
  'pin-limit-target': 'too many PINs for this number or email this hour; try again in {minutes} minutes',
  'pin-budget-spent': 'too many PINs are being sent just now; try again later',
  'pin-budget-voice': 'PINs by voice call are paused for now; give a mobile number or an email, or try again later',
  'pin-not-sent': 'the PIN could not be sent just now; try again in a moment',
  'captcha-missing': 'confirm that you are not a robot',
  'captcha-invalid': 'not a CAPTCHA solution',
  'captcha-expired': 'the CAPTCHA has expired; solve a new one',
  'captcha-wrong': 'the CAPTCHA solution is not valid',
  'captcha-used': 'this CAPTCHA solution was used already; solve a new one',

  // Residents: numbers, addresses, their own details.
  'phone-format': 'not a phone number (digits, spaces and - only, e.g. 0401234567 or +358401234567)',
  'phone-invalid': 'not a valid phone number',
  'phone-not-allowed':
    'this kind of number (premium-rate, shared-cost, personal or another special range) is not accepted; give a mobile or landline number',
  'phone-country': 'numbers of this country are not accepted here (accepted: {countries})',
  'email-invalid': 'not a valid email address',
  'phone-or-email-both': 'give a phone number or an email, not both',
  'phone-or-email-missing': 'give a phone number or an email',
  'endpoint-type-email': 'an email address is of type email',
  'endpoint-type-phone': 'a phone number is mobile or landline',
  'endpoint-exists': 'this number or email is yours already',
  'endpoint-verified': 'verified already',
  'endpoint-push': 'a push subscription cannot be changed here',
  'endpoint-change-empty': 'give a new value or type',
  'push-off': 'browser notifications are not offered here',
  'push-endpoint': 'the address of a push service: https, not a local or private host',
  'push-key': 'not a key a browser gives (base64url: p256dh a P-256 point of 65 bytes, auth 16 bytes)',
  'push-subscriptions-full': 'at most {maximum} browsers get notifications; remove one first',
  'birth-date-format': 'a date as YYYY-MM-DD or YYYYMMDD',
  'date-not-exist': 'no such date',
  'birth-date-range': 'a date between {first} and today',
  'business-id-invalid': 'not a valid Finnish Y-tunnus (0737546-2) or Swedish organisationsnummer (556036-0793)',
  'field-not-person': 'not a field of a private person',
  'field-not-company': 'not a field of a company contact',
  'field-from-register': 'comes from the population register: it can be hidden here, not changed',
  'register-first': 'register first: this number or email is not in any contact yet',
  'registered-already': 'registered already',
  'address-unknown': 'no such address in the address register; pick one from the search',
  'address-outside': 'the address is outside the service area of {tenant}',
  'address-exists': 'this address is yours already',
  'address-from-register': 'this address comes from the population register: deactivate its alerts instead',

  // Operators.
  'login-failed': 'wrong email or password',
  'totp-required': 'enter the code of your authenticator app',
  'totp-failed': 'wrong or already used code',
  'login-throttled': 'too many failed logins; try again in {seconds} seconds',
  'login-throttled-network': 'too many login attempts from this address',
  'password-change-required': 'choose a new password first',
  'totp-setup-required': 'set up the second factor (TOTP) first',
  'role-invalid': 'one of {roles}',
  'operator-exists': 'operator {email} exists already',
  'password-short': 'at least {minimum} characters',
  'password-long': 'at most {maximum} characters',
  'password-wrong': 'wrong password',
  'password-same': 'choose a password different from the current one',
  'totp-set-already': 'the second factor is set up already',
  'totp-start-first': 'start the set-up first',
  'totp-wrong': 'wrong code',
  'tenant-exists': 'tenant {slug} exists already',
  'quiet-hours-equal': 'the start and the end must differ',
  'one-line-text': 'one line of text: no line breaks or other control characters',

  // Incidents, their areas and messages.
  'geojson-expected': 'expected GeoJSON',
  'features-needed': 'a FeatureCollection needs features',
  'distance-range': '{name} must be a number of metres between 1 and {max}',
  'position-range': 'position {lon},{lat} is outside WGS84 ranges (lon −180…180, lat −90…90)',
  'geometry-needed': 'a feature needs a geometry',
  'point-radius': 'a point is a circle: give properties.radius in metres',
  'line-buffer': 'a line needs properties.buffer: the distance in metres along it',
  'line-short': 'a line needs at least 2 positions',
  'line-unbuffered': 'the line could not be buffered',
  'geometry-type': 'expected a Polygon, MultiPolygon, a Point with a radius or a line with a buffer, got {type}',
  'street-needed': 'a street name is needed',
  'range-reversed': 'from must not exceed to',
  'area-vertices': 'the area has more than {max} vertices, the most this tenant allows',
  'area-vertices-tenant': 'the area has {vertices} vertices; this tenant allows at most {max}',
  'buffered-line-positions': 'buffered lines may have at most {max} positions in all; simplify the line',
  'postal-code-format': 'a postal code has 5 digits',
  'area-needed': 'give an area, streets or postal codes',
  'area-outside': 'the area lies entirely outside the service area',
  'network-no-pipe-near': 'no pipe of the network within {metres} m of this point',
  'network-valve-unknown': 'the network has no valve {id}',
  'network-no-sources':
    'the network has no sources, so what lies downstream of a valve is not known; import it with its sources (Points with kind "source")',
  'area-too-complex': 'the area is too complex to work out; simplify it (fewer positions, a smaller buffer)',
  'area-busy': 'the server is working out other large areas; try again in a few seconds',
  'polygon-expected': 'expected a GeoJSON Polygon or MultiPolygon, got {type}',
  'area-positions': 'more than {max} positions; simplify the area',
  'geojson-invalid': 'invalid GeoJSON: {reason}',
  'area-empty': 'the area is empty: give at least one ring of positions',
  'area-self-intersects': 'the area intersects itself',
  'ring-short': 'a ring needs at least 4 positions',
  'ring-open': 'a ring must be closed (first position = last)',
  'hole-outside': 'a hole of the area lies outside its outer ring',
  'end-before-start': 'the end is before the start',
  'service-not-offered': 'this tenant offers {services}',
  'area-frozen': 'the recipients were frozen by the first message: the area can no longer change',
  'incident-not-draft': 'only a draft that no message was sent or scheduled for can be deleted',
  'send-time-passed': 'the time has passed',
  'incident-cancelled': 'the incident is cancelled',
  'alert-first': 'an {kind} follows a first message; send an alert first',
  'message-not-awaiting': 'the message is {status}, not awaiting approval',
  'approver-other': 'a second operator (not the author, not a token) must approve',
  'approved-already': 'approved already',
  'message-status': 'the message is {status}',
  'text-variable': 'unknown variable {{variable}}; use {service}, {start}, {end}, {address} or {tenant}',
  'text-links': 'links are not allowed in messages of this tenant (anti-smishing)',

  // Register and address files.
  'columns-json': 'not JSON: {reason}',
  'columns-invalid': '{path}: {reason} (keys: {keys})',
  'encoding-unknown': 'unknown encoding {value}: use utf8, latin1 (ISO-8859-1) or windows-1252',
  'delimiter-invalid': 'use , ; or tab',
  'register-columns': 'not a population register file: missing column(s) {columns}{hint}',
  'address-columns': 'not a {format} address file: missing column(s) {columns}',
  'not-utf8': "line {line} is not UTF-8 text: give the file's encoding (latin1 for ISO-8859-1, or windows-1252)",
  'file-empty': 'the file is empty: a header line is needed',
  'csv-malformed': 'malformed CSV at line {line} ({reason})',
  'csv-quote-open': 'line {line}: a quoted field is not closed',
  'mass-removal':
    'the file would remove {removed} of the {before} persons in the register: is it the right file, in the right layout? If it is, import it again allowing mass removal (--allow-mass-removal)',
  'import-retry-failed': 'only a failed upload import can be retried',
  'import-not-failed': 'the import is not failed any more',
  'upload-one-file': 'one file part, named "file"',
  'upload-cut-short': 'not a complete multipart/form-data body (the file part is cut short)',
  'upload-malformed': 'not a complete multipart/form-data body ({reason})',
  'upload-too-large': 'larger than {bytes} bytes',
  'upload-file-missing': 'the register file is missing (multipart part "file")',
  'crs-unsupported': 'unsupported CRS {crs}; use one of {supported}',
  'range-not-satisfiable': 'the requested range is outside the file ({bytes} bytes)',
  'tile-out-of-range': 'a tile {axis} at zoom {zoom} is below {tiles}',
  'unsubscribe-link-invalid': 'not a valid unsubscribe link',
  'speech-unavailable': 'audio cannot be rendered here: {missing} not installed (apt-get install espeak-ng sox)',
} as const;

export type ProblemCode = keyof typeof PROBLEMS;
export type ProblemParams = Record<string, string | number>;

export const PROBLEM_CODES = Object.keys(PROBLEMS) as ProblemCode[];

export function isProblemCode(value: unknown): value is ProblemCode {
  return typeof value === 'string' && Object.hasOwn(PROBLEMS, value);
}

/** The English text of `code` with its parameters filled in (`{{`…`}}` stays a literal brace). */
export function problemText(code: ProblemCode, params: ProblemParams = {}): string {
  return PROBLEMS[code].replace(
    /\{\{(\w+)\}\}|\{(\w+)\}/g,
    (whole, literal: string | undefined, name: string | undefined) => {
      if (literal !== undefined) return `{${params[literal] ?? literal}}`;
      const value = params[name!];
      return value === undefined ? whole : String(value);
    },
  );
}
