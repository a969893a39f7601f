/**
 * "Notify this browser" in the portal, in a real chromium at desktop and phone (360 px) widths: the button is
 * there (the browser has PushManager), the notifications permission is asked on the click (granted by the
 * test), the subscription reaches the server as the resident's push endpoint, and the service worker really
 * shows a pushed notice: a push delivered through the DevTools protocol (ServiceWorker.deliverPushMessage,
 * the same path a push service's message takes into the worker) appears in `registration.getNotifications()`
 * with the notice's title and text. Finnish page, no English on it; accessible; no console errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { pushPayload } from '../../src/channels/push/web-push.provider.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { fi } from '../../web/src/locales/fi.js';
import { browserSubscription, startPushService, type PushService } from '../channels/peers/push-service.js';
import { addPerson } from '../dispatch/fixtures.js';
import { logIn } from '../residents/resident-client.js';
import { waitFor } from '../wait.js';
import { DESKTOP, launchBrowser, openPage, PHONE, screenshot, type Viewport } from './browser.js';
import { buildTown } from './fixtures.js';
import { englishOnPage } from './portal-helpers.js';
import { startWebServer, type WebServer } from './server.js';
import { expectAccessible, expectNoProblems, reportOpenPagesOnFailure } from './suite.js';

interface Registration {
  registrationId: string;
  scopeURL: string;
  isDeleted: boolean;
}

describe('web push in the portal', () => {
  let server: WebServer;
  let browser: Browser;
  let service: PushService;
  let tenant: Tenant;

  beforeAll(async () => {
    service = await startPushService();
    [server, browser] = await Promise.all([startWebServer({}, { pushAgent: service.agent }), launchBrowser()]);
    tenant = await buildTown(server.context);
  });
  reportOpenPagesOnFailure(() => browser);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await service?.close();
  });

  for (const [name, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as Array<[string, Viewport]>) {
    it(`${name}: a click subscribes this browser, and the service worker shows a pushed notice`, async () => {
      const email = `push-${name}@example.org`;
      await addPerson(server.context, tenant, { endpoints: [{ type: 'email', value: email }], addresses: ['pk-1'] });
      const session = await logIn(server.app, tenant.slug, { email }, email);

      const watched = await openPage(browser, server.url, viewport, 'fi-FI');
      const { context, page } = watched;
      await context.addCookies([
        { name: 'aviso_session', value: session.cookie.split('=')[1]!, url: server.url, httpOnly: true },
      ]);
      await context.grantPermissions(['notifications'], { origin: server.url });
      // Headless chromium reaches no real push service (no FCM here), so only PushManager's subscribe (and
      // getSubscription, which would find none) are replaced: they hand out a subscription to the test's
      // push service stand-in, with keys the test made. Everything else — the worker's registration, the
      // permission, the page's code, the server — is the real thing.
      const subscription = browserSubscription(`${service.origin}/sub/browser-${name}`);
      await context.addInitScript(`(() => {
        const json = ${JSON.stringify(subscription.json)};
        let current = null;
        const fake = {
          endpoint: json.endpoint,
          expirationTime: null,
          options: { userVisibleOnly: true, applicationServerKey: null },
          getKey: () => null,
          toJSON: () => json,
          unsubscribe: async () => { current = null; return true; },
        };
        PushManager.prototype.subscribe = async () => (current = fake);
        PushManager.prototype.getSubscription = async () => current;
      })();`);

      await page.goto(`/t/${tenant.slug}`);
      const button = page.getByRole('button', { name: fi.portal.push.enable });
      await button.waitFor();
      await button.click();
      await page.getByText(fi.portal.push.enabled).waitFor();

      // The subscription reached the server as this resident's push endpoint.
      const stored = await waitFor('the push endpoint', async () => {
        const row = await server.context.db.kysely
          .selectFrom('contact_endpoints')
          .select(['value', 'verified'])
          .where('tenant_id', '=', tenant.id)
          .where('type', '=', 'push')
          .where('value', 'like', `%browser-${name}%`)
          .executeTakeFirst();
        return row;
      });
      expect(JSON.parse(stored.value)).toEqual({ endpoint: subscription.endpoint, keys: subscription.json.keys });
      expect(stored.verified).toBe(1);
      expect(await englishOnPage(watched)).toEqual([]);
      await expectAccessible(page);
      await screenshot(page, `portal-push-${name}`);

      // A push into the real service worker, as a push service's message arrives.
      const cdp = await context.newCDPSession(page);
      const registrations: Registration[] = [];
      cdp.on('ServiceWorker.workerRegistrationUpdated', (event: { registrations: Registration[] }) =>
        registrations.push(...event.registrations),
      );
      await cdp.send('ServiceWorker.enable');
      const origin = new URL(server.url).origin;
      const registration = await waitFor('the worker registration', async () =>
        registrations.find((r) => r.scopeURL === `${origin}/` && !r.isDeleted),
      );
      // A push reaches only an active worker: one still installing when it comes would drop it.
      await page.evaluate(`navigator.serviceWorker.ready.then((ready) => ready.active.state)`);
      const data = pushPayload({
        id: 'message-1:7',
        tenantId: tenant.id,
        channel: 'push',
        to: JSON.stringify(subscription.json),
        subject: `${tenant.name}: Vesikatko`,
        text: 'Vesikatko Puistokadulla klo 12-14.',
        link: `/t/${tenant.slug}/map`,
      });
      const deliver = () =>
        cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId: registration.registrationId, data });
      await deliver();
      // Headless chromium now and then drops a push delivered through DevTools to a worker that has just
      // activated (about one run in ten: the call answered, no notification shown): one that shows nothing is
      // delivered again, as a push service would; the notice's tag keeps it one notification.
      let polls = 0;
      const shown = await waitFor('the notification', async () => {
        const notifications = (await page.evaluate(`navigator.serviceWorker
          .getRegistration('/push-worker.js')
          .then((worker) => worker.getNotifications())
          .then((all) => all.map((n) => ({ title: n.title, body: n.body, tag: n.tag })))`)) as Array<{
          title: string;
          body: string;
          tag: string;
        }>;
        if (notifications.length > 0) return notifications;
        if (++polls % 50 === 0) await deliver();
        return undefined;
      });
      expect(shown).toEqual([
        { title: `${tenant.name}: Vesikatko`, body: 'Vesikatko Puistokadulla klo 12-14.', tag: 'message-1' },
      ]);
      expectNoProblems(watched);
      await context.close();
    });
  }
});
