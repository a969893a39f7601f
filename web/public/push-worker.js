/**
 * Aviso's service worker, for web push only (served at /push-worker.js, scope `/`): shows each notice
 * pushed to this browser as a notification, and opens the notice's page on this server when it is
 * clicked. It caches nothing and handles no fetch: the pages work as they do without it. The payload is
 * what src/channels/push/web-push.provider.ts sends: { title, body, link, tag }.
 */
/* global self, URL */

/** The notice in a push message; a push without one (or not JSON) still shows its text. */
function readNotice(data) {
  if (!data) return { title: 'Aviso', body: '', link: '/', tag: undefined };
  try {
    const notice = data.json();
    return {
      title: String(notice.title || 'Aviso'),
      body: String(notice.body || ''),
      link: String(notice.link || '/'),
      tag: notice.tag ? String(notice.tag) : undefined,
    };
  } catch {
    return { title: 'Aviso', body: data.text(), link: '/', tag: undefined };
  }
}

self.addEventListener('install', () => self.skipWaiting());

self.addEventListener('push', (event) => {
  const notice = readNotice(event.data);
  event.waitUntil(
    self.registration.showNotification(notice.title, {
      body: notice.body,
      tag: notice.tag,
      data: { link: notice.link },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const link = new URL((event.notification.data && event.notification.data.link) || '/', self.location.origin);
  // Only this server's own pages: a notice never sends anyone elsewhere.
  if (link.origin !== self.location.origin) return;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => w.url === link.href);
      return open ? open.focus() : self.clients.openWindow(link.href);
    }),
  );
});
