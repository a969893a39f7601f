import { bootTenantPage } from '../shared/boot';
import '../shared/map/map.css';
import './map.css';
import { MapApp } from './MapApp';

const embed = /\/embed\/?$/.test(location.pathname);
void bootTenantPage((tenant, api) => <MapApp tenant={tenant} api={api} embed={embed} />);
