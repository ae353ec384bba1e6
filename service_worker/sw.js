// The service worker (/sw.js). The server prepends PRECACHE (this version's
// styles, scripts, offline page) and pins the imports to this version. A new
// worker waits until no older page is open, or one without unsaved answers
// asks (app.js). Pages: network first, last copy kept. This version's files,
// audio: cache first. The API: never cached. Kiosk copies: the last resort.
import { flush } from "/static/js/outbox.js";
import { carryPagesOver, forgetLinks, keepOrForget } from "/static/js/kept-pages.js";
import { KIOSK_CACHE, PAGES_CACHE, SHELL_CACHE, SYNC_TAG, VERSION, isKeptPath, isOurCache, pageKey } from "/static/js/offline-names.js";

const NETWORK_TIMEOUT_MS = 4000;
const OFFLINE_URL = "/offline";

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      // Versioned URLs: the browser's HTTP cache may answer.
      await (await caches.open(SHELL_CACHE)).addAll(PRECACHE);
      await carryPagesOver();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      const older = names.filter((name) => isOurCache(name) && ![SHELL_CACHE, PAGES_CACHE, KIOSK_CACHE].includes(name));
      await Promise.all(older.map((name) => caches.delete(name)));
      // The first worker serves the page that registered it at once; a later
      // one never takes over pages an older version rendered.
      if (!older.length) await self.clients.claim();
    })(),
  );
});

// A page with no unsaved answers asked for the new version (app.js).
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "take-over") self.skipWaiting();
});

async function networkFirst(event) {
  const { request } = event;
  const key = pageKey(request.url);
  try {
    const tooLong = new Promise((resolve, reject) => setTimeout(reject, NETWORK_TIMEOUT_MS, new Error("timeout")));
    const response = await Promise.race([fetch(request), tooLong]);
    event.waitUntil(keepOrForget(key, response.clone()));
    return response;
  } catch {
    const cached = await caches.match(key, { cacheName: PAGES_CACHE });
    return cached || (await caches.match(OFFLINE_URL, { cacheName: SHELL_CACHE })) || Response.error();
  }
}

async function cacheFirst(request, cacheName) {
  const cache = await caches.open(cacheName);
  const cached = (await cache.match(request, { ignoreSearch: true })) || (await fromKiosk(request));
  if (cached) return cached;
  const response = await fetch(request);
  // Only whole files: a 206 (a range of an audio file) cannot be cached.
  if (response.status === 200) await cache.put(request, response.clone());
  return response;
}

async function networkOrOfflinePage(request) {
  try {
    return await fetch(request);
  } catch {
    return (await fromKiosk(request)) || (await caches.match(OFFLINE_URL, { cacheName: SHELL_CACHE })) || Response.error();
  }
}

function fromKiosk(request) {
  return caches.match(request.url, { cacheName: KIOSK_CACHE, ignoreSearch: true });
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate" && isKeptPath(url.pathname)) {
    event.respondWith(networkFirst(event));
  } else if (url.pathname.startsWith(`/static/${VERSION}/`)) {
    event.respondWith(cacheFirst(request, SHELL_CACHE));
  } else if (url.pathname.startsWith("/audio/")) {
    event.respondWith(cacheFirst(request, PAGES_CACHE));
  } else if (request.mode === "navigate") {
    event.respondWith(networkOrOfflinePage(request));
  }
});

// Registered by a page after it queues answers; runs with the tab closed too.
// Rejecting (no network, a 5xx) makes the browser try again later.
self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(flush().then((summary) => forgetLinks(summary.settledLinks)));
});

// Web push (pace-forms send-due): the payload is {title, body, url, tag},
// fixed words with no personal data; a click opens that page of this site
// (a staff page signs in first if it must).
const NOTIFICATION_ICON = `/static/${VERSION}/icons/icon-192.png`;

function pathOnThisSite(url) {
  try {
    const target = new URL(url, self.location.origin);
    return target.origin === self.location.origin ? target.pathname + target.search : "/";
  } catch {
    return "/";
  }
}

self.addEventListener("push", (event) => {
  let notice = {};
  try {
    notice = event.data ? event.data.json() : {};
  } catch {
    notice = {};
  }
  const text = (value, otherwise) => (typeof value === "string" && value ? value : otherwise);
  event.waitUntil(
    self.registration.showNotification(text(notice.title, "Your say"), {
      body: text(notice.body, ""),
      icon: NOTIFICATION_ICON,
      badge: NOTIFICATION_ICON,
      tag: text(notice.tag, undefined),
      data: { url: pathOnThisSite(notice.url) },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin).href;
  event.waitUntil(
    (async () => {
      const open = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const showing = open.find((client) => client.url === target);
      if (showing) return showing.focus();
      return self.clients.openWindow(target);
    })(),
  );
});
