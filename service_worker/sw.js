// The service worker, served at /sw.js with scope /. The server prepends
// VERSION (a hash of this file and of the precached files) and PRECACHE
// ([{url, revision}]), so any change to the shell installs a new worker.
//
// Strategies, one per kind of request:
// - the app shell (CSS, JS, icons, offline page): precached, served cache-first;
// - survey pages (/s/...) and the home page: network first with a short
//   timeout, the last good copy kept so a survey opened once opens offline;
// - the API: never cached; its posts go straight to the network;
// - anything else: the network, with the offline page for navigations.
import { flush } from "/static/js/outbox.js";

const SHELL_CACHE = `pace-shell-${VERSION}`;
const PAGES_CACHE = "pace-pages"; // kept across versions: pages a device has seen
const NETWORK_TIMEOUT_MS = 4000;
const OFFLINE_URL = "/offline";

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      // "no-cache" revalidates: files the page just loaded come back as small 304s.
      await cache.addAll(PRECACHE.map((entry) => new Request(entry.url, { cache: "no-cache" })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((name) => name.startsWith("pace-shell-") && name !== SHELL_CACHE).map((name) => caches.delete(name)),
      );
      await self.clients.claim();
    })(),
  );
});

function isCachedPage(url) {
  return url.pathname.startsWith("/s/") || url.pathname === "/";
}

// One copy per page and language, whatever else is in its query string
// (?sent=1 after a plain post). static/js/app.js keys pages the same way.
function pageKey(url) {
  const lang = url.searchParams.get("lang");
  return url.origin + url.pathname + (lang ? `?lang=${encodeURIComponent(lang)}` : "");
}

async function networkFirst(request) {
  const cache = await caches.open(PAGES_CACHE);
  const key = pageKey(new URL(request.url));
  try {
    const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch {
    const cached = await cache.match(key);
    return cached || (await caches.match(OFFLINE_URL)) || Response.error();
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreSearch: true });
  return cached || fetch(request);
}

async function networkOrOfflinePage(request) {
  try {
    return await fetch(request);
  } catch {
    return (await caches.match(OFFLINE_URL)) || Response.error();
  }
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("network timeout")), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate" && isCachedPage(url)) {
    event.respondWith(networkFirst(request));
  } else if (PRECACHE.some((entry) => entry.url === url.pathname) || url.pathname.startsWith("/audio/")) {
    // Recorded audio is put in the pages cache when its page is first opened.
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(networkOrOfflinePage(request));
  }
});

self.addEventListener("sync", (event) => {
  // Rejecting tells the browser to try again later, with its own back-off.
  if (event.tag === "pace-outbox") event.waitUntil(flush());
});
