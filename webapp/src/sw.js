// The app's service worker (Workbox, built by vite-plugin-pwa's injectManifest): the shell
// precached, the commune's feed, the units found and the categories kept for offline reading,
// and the warnings that Web Push brings (the payload of docs/app.md, "Web Push").
import {
  precacheAndRoute,
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  matchPrecache,
} from 'workbox-precaching';
import { registerRoute, NavigationRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';
import { ExpirationPlugin } from 'workbox-expiration';
import { CacheableResponsePlugin } from 'workbox-cacheable-response';

self.skipWaiting();
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

const scope = new URL(self.registration.scope);
// The app's page, its address without a query (NavigationRoute tests path and query).
const APP_PAGE = new RegExp(`^${scope.pathname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(index\\.html)?$`);
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { allowlist: [APP_PAGE] }));

// The commune's address of the app (?xa=<code>, printed as a QR code): the page comes from
// the site with the commune's items in it; with no network (or none within 10 s) the shell
// from the precache, which opens on the commune kept on the phone. Without xa the shell is
// served from the precache above, as before (its query's utm_ and fbclid are ignored).
function withTimeout(promise, seconds) {
  return Promise.race([
    promise,
    new Promise((_resolve, reject) => setTimeout(() => reject(new Error('timeout')), seconds * 1000)),
  ]);
}

registerRoute(
  ({ url, request }) =>
    request.mode === 'navigate' && APP_PAGE.test(url.pathname) && url.searchParams.has('xa'),
  async ({ request }) => {
    try {
      return await withTimeout(fetch(request), 10);
    } catch {
      return (await matchPrecache('index.html')) || Response.error();
    }
  },
);

const ok = new CacheableResponsePlugin({ statuses: [200] });

// A unit's JSON feed: the network first (fresh warnings), the last copy when there is none
// (api.js also puts there the feed that came in the commune's page, ?xa=).
registerRoute(
  ({ url, request }) => request.method === 'GET' && /\/feed\.json$/.test(url.pathname),
  new NetworkFirst({
    cacheName: 'nguon-feeds',
    networkTimeoutSeconds: 10,
    plugins: [ok, new ExpirationPlugin({ maxEntries: 10 })],
  }),
);

// Units found, a unit's report categories: small answers worth keeping.
registerRoute(
  ({ url, request }) =>
    request.method === 'GET' &&
    /\/@(find-unit|feedback-categories)$/.test(url.pathname),
  new NetworkFirst({
    cacheName: 'nguon-api',
    networkTimeoutSeconds: 10,
    plugins: [ok, new ExpirationPlugin({ maxEntries: 30, maxAgeSeconds: 30 * 86400 })],
  }),
);

// -- Web Push: {"kind": "alert", "action": "new"|"update"|"cancel", "uid", "identifier",
// "title", "body", "severity", "unit", "url", "expires"} -----------------------------------

const SEVERITY = {
  Extreme: 'Đặc biệt nguy hiểm',
  Severe: 'Nguy hiểm',
  Moderate: 'Có thể gây hại',
  Minor: 'Ít nguy hiểm',
  Unknown: 'Chưa rõ',
};

async function handlePush(data, registration = self.registration) {
  if (!data || data.kind !== 'alert' || !data.uid) return;
  if (data.action === 'cancel') {
    const shown = await registration.getNotifications({ tag: data.uid });
    shown.forEach((notification) => notification.close());
    return;
  }
  const severity = SEVERITY[data.severity] || SEVERITY.Unknown;
  await registration.showNotification(`${severity}: ${data.title || 'Cảnh báo'}`, {
    body: data.body || '',
    tag: data.uid,
    renotify: true,
    requireInteraction: data.severity === 'Extreme' || data.severity === 'Severe',
    lang: 'vi',
    icon: new URL('icons/icon-192.png', registration.scope).href,
    badge: new URL('icons/badge-96.png', registration.scope).href,
    timestamp: Date.now(),
    data: { url: data.url, uid: data.uid, expires: data.expires, action: data.action },
  });
}

self.addEventListener('push', (event) => {
  let data = null;
  try {
    data = event.data ? event.data.json() : null;
  } catch {
    data = null;
  }
  event.waitUntil(handlePush(data));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = event.notification.data?.url || self.registration.scope;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((client) => client.url === url);
      if (open) return open.focus();
      return self.clients.openWindow(url);
    })(),
  );
});
