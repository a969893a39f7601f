/**
 * The API's requests and answers as types, inferred from the zod schemas the server validates, serialises
 * and documents with: answers as the schema outputs them (`z.output`), bodies as a client may send them
 * (`z.input`). The web app imports these type-only (`import type`), so a field renamed or retyped in a
 * schema fails `tsc -p web`, and neither zod nor server code reaches the bundle.
 *
 * The schemas live in this folder (src/contracts/*.contract.ts) or in a module's *.schemas.ts. `tsc -p web`
 * reads them and what they import, so they import zod, constant lists and types, never a service,
 * repository or route. The web narrows what a schema leaves loose (GeoJSON, string-keyed records) in
 * web/src/shared/contracts.ts's checked way.
 */
import type { z } from 'zod';
import type { addressViewSchema } from '../modules/addresses/address.schemas.js';
import type {
  incidentInputSchema,
  incidentPatchSchema,
  incidentViewSchema,
  streetSelectionSchema,
} from '../modules/incidents/incident.schemas.js';
import type { runViewSchema } from '../modules/register/register.schemas.js';
import type * as residents from '../modules/residents/resident.schemas.js';
import type { settingsPatchSchema, settingsViewSchema } from '../modules/tenants/tenant-settings.schemas.js';
import type { publicTenantSchema } from '../modules/tenants/tenant.schemas.js';
import type * as inbox from './inbox.contract.js';
import type * as login from './login.contract.js';
import type * as messages from './messages.contract.js';
import type * as operators from './operators.contract.js';
import type * as residentAdmin from './resident-admin.contract.js';

type Answer<S extends z.ZodType> = z.output<S>;
type Body<S extends z.ZodType> = z.input<S>;
type Item<S extends z.ZodType<{ items: unknown[] }>> = z.output<S>['items'][number];

export type { Language, Service } from '../modules/tenants/tenant.types.js';
export type { IncidentKind, IncidentStatus } from '../modules/incidents/incident.types.js';
export type { MessageKind } from './messages.contract.js';
export type { Role } from './operators.contract.js';

// ---- public ----
export type PublicTenant = Answer<typeof publicTenantSchema>;
export type AddressView = Answer<typeof addressViewSchema>;
export type InboxMessage = Item<typeof inbox.inboxMessagesSchema>;

// ---- operators ----
export type Operator = Answer<typeof operators.operatorSchema>;
export type OperatorSession = Answer<typeof operators.operatorSessionSchema>;
export type OperatorLogin = Body<typeof operators.operatorLoginBody>;
export type PasswordChange = Body<typeof operators.passwordChangeBody>;
export type TotpSetup = Answer<typeof operators.totpSetupSchema>;
export type NewOperator = Body<typeof operators.newOperatorBody>;
export type CreatedOperator = Answer<typeof operators.createdOperatorSchema>;
export type NewToken = Body<typeof operators.newTokenBody>;
export type CreatedToken = Answer<typeof operators.createdTokenSchema>;

// ---- incidents and messages ----
export type IncidentView = Answer<typeof incidentViewSchema>;
export type IncidentInput = Body<typeof incidentInputSchema>;
export type IncidentPatch = Body<typeof incidentPatchSchema>;
export type StreetSelection = Body<typeof streetSelectionSchema>;
export type PreviewInput = NonNullable<Body<typeof messages.previewBody>>;
export type Preview = Answer<typeof messages.previewSchema>;
export type SendInput = Body<typeof messages.sendBody>;
export type MessageView = Answer<typeof messages.messageSchema>;
export type SmsReply = Item<typeof messages.smsRepliesSchema>;

// ---- residents, the register and the settings, for operators ----
export type ResidentView = Answer<typeof residentAdmin.residentSchema>;
export type ResidentAddressView = Answer<typeof residentAdmin.residentAddressSchema>;
export type ImportRunView = Answer<typeof runViewSchema>;
export type SettingsView = Answer<typeof settingsViewSchema>;
export type SettingsPatch = Body<typeof settingsPatchSchema>;

// ---- the resident's own (portal) ----
export type PhoneUnderstood = Answer<typeof login.phoneUnderstoodSchema>;
export type PinRequest = Body<typeof login.pinRequestBody>;
export type PinAnswer = Answer<typeof login.pinAnswerSchema>;
export type LoginInput = Body<typeof login.loginBody>;
export type LoginAnswer = Answer<typeof login.loginAnswerSchema>;
export type Me = Answer<typeof residents.meView>;
export type ContactView = Answer<typeof residents.contactView>;
export type EndpointView = Answer<typeof residents.endpointView>;
export type PushSubscriptionView = Answer<typeof residents.pushSubscriptionView>;
export type PushSubscriptionInput = Body<typeof residents.pushSubscriptionBody>;
export type MyAddressView = Answer<typeof residents.myAddressView>;
export type AddedAddress = Answer<typeof residents.addedAddressView>;
export type SignUpOnceResult = Answer<typeof residents.signUpOnceView>['results'][number];
export type Notice = Item<typeof residents.historyView>;
export type SmsOptOut = Item<typeof messages.smsOptOutsSchema>;
export type SignUpInput = Body<typeof residents.signUpBody>;
export type ContactChange = Body<typeof residents.contactChangeBody>;
export type EndpointInput = Body<typeof residents.endpointBody>;
export type EndpointChange = Body<typeof residents.endpointChangeBody>;
export type AddressInput = Body<typeof residents.addressBody>;
export type AddressChange = Body<typeof residents.addressChangeBody>;
