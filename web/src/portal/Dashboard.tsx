/** After login: what the register knows and everything the resident can change, section by section. */
import type { ApiClient } from '../shared/api';
import type { PublicTenant } from '../shared/tenant';
import type { ContactKind, Me, PortalApi } from './portal-api';
import { RegisterForm } from './RegisterForm';
import { AddressesSection } from './sections/AddressesSection';
import { ContactSection } from './sections/ContactSection';
import { DataSection } from './sections/DataSection';
import { EndpointsSection } from './sections/EndpointsSection';
import { HistorySection } from './sections/HistorySection';

export interface DashboardProps {
  tenant: PublicTenant;
  api: ApiClient;
  portal: PortalApi;
  me: Me;
  kind: ContactKind;
  reload: () => Promise<void>;
  onDeleted: () => void;
}

export function Dashboard({ tenant, api, portal, me, kind, reload, onDeleted }: DashboardProps) {
  if (!me.contact) {
    return (
      <RegisterForm
        portal={portal}
        languages={tenant.languages}
        initialKind={kind}
        onRegistered={() => void reload()}
      />
    );
  }
  return (
    <div class="dashboard">
      <ContactSection portal={portal} me={me} contact={me.contact} languages={tenant.languages} reload={reload} />
      <EndpointsSection portal={portal} endpoints={me.endpoints} reload={reload} />
      <AddressesSection
        tenant={tenant}
        api={api}
        portal={portal}
        addresses={me.addresses}
        reachable={me.endpoints.some((e) => e.verified)}
        reload={reload}
      />
      <HistorySection portal={portal} />
      <DataSection portal={portal} onDeleted={onDeleted} />
    </div>
  );
}
