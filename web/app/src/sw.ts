// The service worker: keeps the app's own files (page, script, WebAssembly, styles, icons) so
// Rugzak opens without a network; the rugzakje itself stays in IndexedDB, sealed. API calls are
// never cached.

const sw = self as unknown as ServiceWorkerGlobalScope;

const CACHE = 'rugzak-app-v1';
const SHELL = ['/', '/app.js', '/app.css', '/pkg/rugzak_web.js', '/pkg/rugzak_web_bg.wasm', '/manifest.webmanifest', '/icon.svg'];

sw.addEventListener('install', (event: ExtendableEvent) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)));
});

sw.addEventListener('activate', (event: ExtendableEvent) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))));
});

sw.addEventListener('fetch', (event: FetchEvent) => {
  const url = new URL(event.request.url);
  if (url.origin !== location.origin || url.pathname.startsWith('/v1/') || event.request.method !== 'GET') return;
  // Network first, so a new version is used at once; the cache when offline.
  event.respondWith(fetch(event.request).then((response) => {
    const copy = response.clone();
    if (response.ok) void caches.open(CACHE).then((c) => c.put(event.request, copy));
    return response;
  }).catch(() => caches.match(event.request).then((hit) => hit ?? Response.error())));
});
