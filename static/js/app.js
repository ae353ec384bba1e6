// Every page: register the service worker, keep the outbox moving, say what waits.
import { CHANNEL, flush } from "./outbox.js";
import { showOutboxStatus } from "./status.js";
import { strings } from "./strings.js";

const FIRST_RETRY_MS = 15_000;
const LONGEST_RETRY_MS = 10 * 60_000;
const PAGES_CACHE = "pace-pages";

let retryDelay = FIRST_RETRY_MS;
let retryTimer = null;
let syncing = null;
let waitingNow = 0;

// Send what waits now; on failure try again later, waiting longer each time.
export function syncNow() {
  if (!syncing) {
    syncing = flush()
      .then((summary) => {
        retryDelay = FIRST_RETRY_MS;
        return summary;
      })
      .catch((error) => {
        retryDelay = Math.min(retryDelay * 2, LONGEST_RETRY_MS);
        return { error };
      })
      .then(async (summary) => {
        syncing = null;
        const waiting = await refreshStatus();
        if (waiting) scheduleRetry();
        return summary;
      });
  }
  return syncing;
}

async function refreshStatus() {
  const waiting = await showOutboxStatus();
  waitingNow = waiting || 0;
  return waiting;
}

function scheduleRetry() {
  clearTimeout(retryTimer);
  const jitter = Math.random() * 0.2 * retryDelay;
  retryTimer = setTimeout(syncNow, retryDelay + jitter);
}

async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    // A module worker, so that it shares outbox.js with the pages.
    await navigator.serviceWorker.register("/sw.js", { scope: "/", type: "module" });
    const registration = await navigator.serviceWorker.ready;
    if (registration.sync) {
      // Lets Chromium send queued answers even after this tab is closed.
      await registration.sync.register("pace-outbox").catch(() => {});
    }
    // Keep this page for offline use (the worker only sees later loads of
    // it), with its other languages and its recorded audio.
    if (document.body.dataset.offlinePage !== undefined) {
      const cache = await caches.open(PAGES_CACHE);
      const urls = new Set([pageKey(location.href)]);
      document.querySelectorAll("a[data-lang-link]").forEach((link) => urls.add(pageKey(link.href)));
      document.querySelectorAll("audio[src]").forEach((audio) => urls.add(audio.src));
      await Promise.all([...urls].map((url) => cache.add(new Request(url, { credentials: "same-origin" }))));
    }
    document.documentElement.dataset.offlineReady = "true";
  } catch (error) {
    console.warn("offline support is not available:", error);
  }
}

// The cache key of a page: its path, and its language when one is asked for
// (the same rule as the service worker's).
export function pageKey(href) {
  const url = new URL(href, location.href);
  const lang = url.searchParams.get("lang");
  return url.origin + url.pathname + (lang ? `?lang=${encodeURIComponent(lang)}` : "");
}

function askForPersistentStorage() {
  // Without it a browser may clear the outbox when the phone runs low on space.
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
}

if (typeof BroadcastChannel === "function") {
  new BroadcastChannel(CHANNEL).onmessage = () => refreshStatus();
}
window.addEventListener("online", syncNow);
// Warn before closing a tab while answers still wait on this device.
window.addEventListener("beforeunload", (event) => {
  if (waitingNow > 0) {
    event.preventDefault();
    event.returnValue = strings().leave_warning;
  }
});
document.documentElement.classList.add("js");
document.querySelectorAll(".needs-js").forEach((element) => {
  if (!element.closest("[data-keep-hidden]")) element.hidden = false;
});
askForPersistentStorage();
registerServiceWorker();
syncNow();
