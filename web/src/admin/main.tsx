import { bootPage } from '../shared/boot';
import { LANGUAGES } from '../shared/tenant';
import { AdminApp } from './AdminApp';
import './admin.css';

void bootPage(LANGUAGES, (api) => <AdminApp api={api} />);
