/** The PIN budgets over HTTP, for operators of any role: the counts the PIN-pumping alert watches. */
import { z } from 'zod';
import { operatorOf } from '../../http/operator-guard.js';
import { routePlugin } from '../../http/route-plugin.js';
import type { PinService } from './pin.service.js';

const tenantParams = z.object({ tenant: z.string().max(63) });
const security: Array<Record<string, string[]>> = [{ bearer: [] }, { session: [] }];
const tags = ['tenants'];

const budgetWindow = z.object({ count: z.number(), limit: z.number() });
const pinBudgetSchema = z.object({
  tenant: z.object({ hour: budgetWindow, day: budgetWindow }),
  global: z.object({ hour: budgetWindow, day: budgetWindow }),
  voicePaused: z.boolean(),
  alert: z.boolean(),
});

/** The PIN budgets as they stand, for operators (the counts an alert watches). */
export const pinBudgetRoutes = routePlugin('pin-budget', (app, deps: { pins: Pick<PinService, 'budgetStatus'> }) => {
  app.get(
    '/api/t/:tenant/pin-budget',
    {
      preHandler: app.requireOperator('viewer'),
      schema: {
        tags,
        security,
        params: tenantParams,
        response: { 200: pinBudgetSchema },
        summary:
          "PINs sent by SMS or voice this hour and today, against the tenant's and the global budgets; `alert` from 80 %, `voicePaused` once voice PINs have stopped",
      },
    },
    async (request) => deps.pins.budgetStatus(operatorOf(request).tenant),
  );
});
