import { bootPage } from '../shared/boot';
import { LANGUAGES } from '../shared/tenant';
import { LandingApp } from './LandingApp';

void bootPage(LANGUAGES, (api) => <LandingApp api={api} />);
