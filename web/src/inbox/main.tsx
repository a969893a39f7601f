import { bootPage } from '../shared/boot';
import { InboxApp } from './InboxApp';
import './inbox.css';

void bootPage(['en', 'fi', 'sv'], (api) => <InboxApp api={api} />);
