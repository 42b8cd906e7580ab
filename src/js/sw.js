// PyRoad's service worker: after the first visit the whole course — app, lessons, search,
// Python itself — is served from one versioned cache, so it works offline and a page never
// mixes files from two deploys. The build prefixes the file list, the version and the path the
// Python worker waits on (see `pyroad-content precache`, and `SYNC_PATH` in
// src/worker/protocol.rs); this file is the template.

const CACHE = `pyroad-${VERSION}`;
// Packages fetched from Pyodide's package index, and the groups of packages shipped with the
// site (ON_DEMAND, named by their content), are kept here once downloaded.
const PACKAGES = "pyroad-packages";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE.map(([path]) => new Request(path, { cache: "reload" })))),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      // Older deploys' caches only (packages and the Python worker's snapshot stay).
      .then((keys) => Promise.all(keys.filter((k) => /^pyroad-[0-9a-f]{16}$/.test(k) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// Every message from a page is an object with a `type`.
self.addEventListener("message", (event) => {
  const message = event.data ?? {};
  if (message.type === "skip-waiting") self.skipWaiting();
  if (message.type === "python-answer") answer(message.key, message.reply);
  if (message.type === "status") {
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
  if (url.origin === self.location.origin && url.pathname.endsWith(`/${SYNC_PATH}`)) {
    event.respondWith(waitForAnswer(url.searchParams));
    return;
  }
  if (url.origin !== self.location.origin) {
    if (url.hostname === "cdn.jsdelivr.net" && url.pathname.startsWith("/pyodide/")) {
      event.respondWith(cacheFirst(PACKAGES, request));
    }
    return;
  }
  if (url.pathname.startsWith(new URL(ON_DEMAND, self.registration.scope).pathname)) {
    event.respondWith(cacheFirst(PACKAGES, request));
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

// In browsers without JSPI, Python's input() and time.sleep() block on a synchronous request
// from the Python worker, held here until the page posts the answer (or a Stop) or the wait
// is over: {kind: "answer", text} | {kind: "interrupt"} | {kind: "timeout"}.
const waiters = new Map(); // key → resolve
const answers = new Map(); // key → [reply, time]: arrived before the worker asked
const ANSWER_KEPT_MS = 60_000;

function answer(key, reply) {
  const resolve = waiters.get(key);
  if (resolve) {
    waiters.delete(key);
    resolve(reply);
    return;
  }
  const now = Date.now();
  for (const [k, [, at]] of answers) if (now - at > ANSWER_KEPT_MS) answers.delete(k);
  answers.set(key, [reply, now]);
}

async function waitForAnswer(params) {
  const json = (body) => new Response(JSON.stringify(body), { headers: { "content-type": "application/json", "cache-control": "no-store" } });
  if (params.has("ping")) return json({ kind: "pong" });
  const key = params.get("key");
  if (answers.has(key)) {
    const [reply] = answers.get(key);
    answers.delete(key);
    return json(reply);
  }
  const wait = Math.min(Number(params.get("wait")) || 0, 20_000);
  const reply = await new Promise((resolve) => {
    const timer = setTimeout(() => { waiters.delete(key); resolve({ kind: "timeout" }); }, wait);
    waiters.set(key, (reply) => { clearTimeout(timer); resolve(reply); });
  });
  return json(reply);
}
