/**
 * Registers the dispatch API in one call from app.ts: operator accounts and tokens,
 * incidents, preview and messages (all behind the operator guard), and the public feeds. Stops the
 * dispatch workers and the queue when the app closes.
 */
import type { AppInstance } from '../../app.js';
import type { Context } from '../../context.js';
import { registerFeedRoutes } from '../feeds/feed.routes.js';
import { feedService } from '../feeds/feed.service.js';
import { registerIncidentRoutes } from '../incidents/incident.routes.js';
import { operatorGuard } from '../operators/operator-auth.js';
import { registerOperatorRoutes } from '../operators/operator.routes.js';
import { candidateRepository } from './candidate.repository.js';
import { messageRepository } from './message.repository.js';
import { registerDispatchRoutes } from './dispatch.routes.js';
import { registerMapRoutes } from '../maps/map.routes.js';
import { registerReplyRoutes } from '../replies/replies.routes.js';
import { registerNetworkRoutes } from '../network/network.routes.js';

export function registerDispatchApi(app: AppInstance, context: Context): void {
  const { dispatch, operators } = context;
  const guard = operatorGuard(app, { tenants: context.tenants, sessions: context.sessions, operators });
  registerOperatorRoutes(app, { operators, tenants: context.tenants, sessions: context.sessions, audit: context.audit, guard });
  registerIncidentRoutes(app, { incidents: dispatch.incidents, guard });
  registerDispatchRoutes(app, { incidents: dispatch.incidents, preview: dispatch.preview, messages: dispatch.messages, guard });
  registerReplyRoutes(app, { replies: dispatch.replies, incidents: dispatch.incidents, guard, tenants: context.tenants, auth: context.auth, residents: context.residents });
  registerMapRoutes(app, { maps: dispatch.maps, guard, tenants: context.tenants });
  registerNetworkRoutes(app, { networks: context.networks, guard });
  const feeds = feedService({ incidents: dispatch.incidentRepository, candidates: candidateRepository(context.db.kysely), messages: messageRepository(context.db.kysely), addresses: context.addresses, clock: context.clock });
  registerFeedRoutes(app, { tenants: context.tenants, feeds, publicUrl: context.config.publicUrl, now: () => context.clock.now() });
  app.addHook('onClose', async () => dispatch.runtime.stop());
}
