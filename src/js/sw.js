// PyRoad's service worker: after the first visit the whole course — app, lessons, search,
// Python itself — is served from one versioned cache, so it works offline and a page never
// mixes files from two deploys. The build appends the file list and version (see
// `pyroad-content precache`); this file is the template.

const CACHE = `pyroad-${VERSION}`;
// Packages fetched from Pyodide's package index are kept here once downloaded.
const PACKAGES = "pyroad-packages";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE.map(([path]) => new Request(path, { cache: "reload" })))),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("pyroad-") && k !== CACHE && k !== PACKAGES).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
  if (event.data === "status") {
    const bytes = PRECACHE.reduce((sum, [, size]) => sum + size, 0);
    caches.open(CACHE).then((cache) => cache.keys()).then((keys) => {
      event.source.postMessage({ type: "offline-status", version: VERSION, files: PRECACHE.length, cached: keys.length, bytes });
    });
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" && request.method !== "HEAD") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    if (url.hostname === "cdn.jsdelivr.net" && url.pathname.startsWith("/pyodide/")) {
      event.respondWith(cacheFirst(PACKAGES, request));
    }
    return;
  }
  // Every page of the course is index.html: routes live in the URL fragment.
  const target = request.mode === "navigate" ? new URL("./index.html", self.registration.scope).href : request;
  event.respondWith(
    caches.open(CACHE)
      .then((cache) => cache.match(target, { ignoreSearch: request.mode === "navigate", ignoreMethod: true }))
      .then((hit) => hit || fetch(request)),
  );
});

async function cacheFirst(name, request) {
  const cache = await caches.open(name);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone());
  return response;
}
