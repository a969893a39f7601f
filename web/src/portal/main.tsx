import { bootTenantPage } from '../shared/boot';
import './portal.css';
import { PortalApp } from './PortalApp';

void bootTenantPage((tenant, api) => <PortalApp tenant={tenant} api={api} />);
