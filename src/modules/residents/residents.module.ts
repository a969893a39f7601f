/** Wires the residents' services once per process, from the repositories and auth pieces they use. */
import type { Kysely } from 'kysely';
import type { Engine } from '../../db/engines/engine.js';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import type { AddressRepository } from '../addresses/address.repository.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { Auth } from '../auth/auth.module.js';
import { loginService } from './login.service.js';
import type { TenantService } from '../tenants/tenant.service.js';
import { placeService } from './place.service.js';
import { endpointService } from './endpoint.service.js';
import type { NoticeHistory } from './history.repository.js';
import { optOut } from './opt-out.js';
import { signUpOnceService } from './sign-up-once.service.js';
import { residentAdminService } from './resident-admin.service.js';
import { residentSearchRepository } from './resident-search.repository.js';
import { residentService } from './resident.service.js';
import { residentStore } from './resident.store.js';
import { unsubscribeService } from './unsubscribe.service.js';
import { pushSubscriptionService } from './push-subscription.service.js';
import type { VapidKeyRepository } from '../../channels/push/vapid-keys.js';

export interface ResidentsDeps {
  db: Kysely<Database>;
  engine: Engine;
  clock: Clock;
  secret: string;
  auth: Auth;
  tenants: TenantService;
  addresses: AddressRepository;
  audit: AuditRepository;
  /** The notices sent to a contact (dispatch answers it). */
  history: NoticeHistory;
  /** Browser notifications: whether they are offered here, and the VAPID keys browsers subscribe with. */
  push: { offered: boolean; vapid: VapidKeyRepository };
}

export function createResidents(deps: ResidentsDeps) {
  const { clock, auth, audit, secret } = deps;
  const store = residentStore(deps.db, deps.engine);
  const optOuts = optOut(secret);
  const places = { store, addresses: deps.addresses, tenants: deps.tenants, audit, clock };
  return {
    login: loginService({
      captcha: auth.captcha,
      pins: auth.pins,
      sendPin: auth.sendPin,
      sessions: auth.sessions,
      clock,
      secret,
    }),
    contacts: residentService({ store, history: deps.history, audit, sessions: auth.sessions, optOut: optOuts, clock }),
    endpoints: endpointService({
      store,
      pins: auth.pins,
      sendPin: auth.sendPin,
      audit,
      optOut: optOuts,
      clock,
      secret,
    }),
    places: placeService({ ...places, optOut: optOuts }),
    signUpOnce: signUpOnceService(places),
    push: pushSubscriptionService({
      store,
      audit,
      clock,
      offered: deps.push.offered,
      keys: () => deps.push.vapid.keys(),
    }),
    unsubscribe: unsubscribeService({ store, optOut: optOuts, audit, clock, secret }),
    /** The operators' side: search, view, alert switch, deletion. */
    admin: residentAdminService({
      store,
      search: residentSearchRepository(deps.db),
      addresses: deps.addresses,
      audit,
      sessions: auth.sessions,
      optOut: optOuts,
      clock,
    }),
  };
}

export type Residents = ReturnType<typeof createResidents>;
