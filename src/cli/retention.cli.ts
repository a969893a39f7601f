import { Command } from 'commander';
import { withContext } from './runtime.js';

export function retentionCommand(): Command {
  return new Command('retention')
    .description("delete what the tenants' retention settings no longer allow to keep, now (aviso serve does it daily)")
    .action(async () => {
      await withContext(async (context) => {
        const r = await context.retention.runOnce();
        console.log(
          `${r.messagesReduced} messages reduced to counts (${r.deliveries} deliveries, ${r.recipients} recipients deleted); ` +
            `deleted ${r.inbox} inbox messages, ${r.audit} audit entries, ${r.pins} PINs, ${r.sessions} sessions, ${r.rateCounters} rate-limit rows`,
        );
      });
    });
}
