/**
 * Every migration, in order. Add a new file and a line here; never edit a migration that has shipped.
 * Each receives the engine (engines/engine.ts) so that engine-specific DDL stays inside src/db/.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';
import * as foundation from './001-foundation.js';
import * as residents from './002-residents.js';
import * as dispatch from './003-dispatch.js';
import * as register from './004-register.js';
import * as addressIndexes from './005-address-indexes.js';
import * as redundantIndexes from './006-redundant-indexes.js';
import * as registerChanges from './007-register-changes.js';
import * as registerIndexReads from './008-register-index-reads.js';
import * as fanOutForeignKeys from './009-fan-out-foreign-keys.js';
import * as selfEndpoints from './010-self-endpoints.js';
import * as registerParentKeys from './011-register-parent-keys.js';
import * as addressImport from './012-address-import.js';
import * as endpointContactIndex from './013-endpoint-contact-index.js';
import * as contactChildKeys from './014-contact-child-keys.js';
import * as recipientContactIndex from './015-recipient-contact-index.js';
import * as providerReceipts from './016-provider-receipts.js';
import * as registerLogAndImportJobs from './017-register-log-and-import-jobs.js';
import * as deferredBatches from './018-deferred-batches.js';
import * as incidentSelectionShapes from './020-incident-selection-shapes.js';
import * as submittingDeliveries from './021-submitting-deliveries.js';
import * as deliveryHandovers from './030-delivery-handovers.js';
import * as batchOwners from './023-batch-owners.js';
import * as smsReplies from './022-sms-replies.js';
import * as pipeNetworks from './024-pipe-networks.js';
import * as pushKeys from './025-push-keys.js';
import * as callAcknowledgements from './026-call-acknowledgements.js';
import * as incidentPublishedAt from './029-incident-published-at.js';

export interface MigrationModule {
  up(db: Kysely<unknown>, engine: Engine): Promise<void>;
}

export const migrations: ReadonlyArray<readonly [string, MigrationModule]> = [
  ['001-foundation', foundation],
  ['002-residents', residents],
  ['003-dispatch', dispatch],
  ['004-register', register],
  ['005-address-indexes', addressIndexes],
  ['006-redundant-indexes', redundantIndexes],
  ['007-register-changes', registerChanges],
  ['008-register-index-reads', registerIndexReads],
  ['009-fan-out-foreign-keys', fanOutForeignKeys],
  ['010-self-endpoints', selfEndpoints],
  ['011-register-parent-keys', registerParentKeys],
  ['012-address-import', addressImport],
  ['013-endpoint-contact-index', endpointContactIndex],
  ['014-contact-child-keys', contactChildKeys],
  ['015-recipient-contact-index', recipientContactIndex],
  ['016-provider-receipts', providerReceipts],
  ['017-register-log-and-import-jobs', registerLogAndImportJobs],
  ['018-deferred-batches', deferredBatches],
  ['020-incident-selection-shapes', incidentSelectionShapes],
  ['021-submitting-deliveries', submittingDeliveries],
  ['023-batch-owners', batchOwners],
  ['022-sms-replies', smsReplies],
  ['024-pipe-networks', pipeNetworks],
  ['025-push-keys', pushKeys],
  ['026-call-acknowledgements', callAcknowledgements],
  ['029-incident-published-at', incidentPublishedAt],
  ['030-delivery-handovers', deliveryHandovers],
];
