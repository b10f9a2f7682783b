// The kiosk's service worker: slides (immutable per version) come from the cache first; the
// kiosk page itself from the network, else from the cache, so a reload while the server is
// down still starts the player.
var CACHE = "nguon-kiosk-v1";
self.addEventListener("install", function (event) { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (event.request.method !== "GET") return;
  if (url.pathname.indexOf("/@@board-slide/") !== -1) {
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match(event.request).then(function (hit) {
        return hit || fetch(event.request).then(function (answer) {
          if (answer.ok) cache.put(event.request, answer.clone());
          return answer;
        });
      });
    }));
  } else if (url.pathname.indexOf("/@@kiosk") !== -1) {
    event.respondWith(fetch(event.request).then(function (answer) {
      var copy = answer.clone();
      caches.open(CACHE).then(function (cache) { cache.put(event.request, copy); });
      return answer;
    }).catch(function () { return caches.match(event.request); }));
  }
});
