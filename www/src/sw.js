// Service worker: caches every file of the app at the first visit, then serves them from the
// cache (so the app works offline). Only this site's own files; nothing else is ever fetched.
const CACHE = 'nagar-__VERSION__';
const FILES = __FILES__;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(FILES))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('nagar-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      // ignoreVary: a server may answer with `Vary: Origin` (vite preview does), and the page's
      // `crossorigin` script and style requests carry an Origin header the precache requests
      // did not, so a strict match would miss every one of them offline.
      const hit = await cache.match(req, { ignoreVary: true });
      if (hit) return hit;
      if (req.mode === 'navigate') {
        const page = await cache.match('./', { ignoreVary: true });
        if (page) return page;
      }
      return fetch(req);
    }),
  );
});
