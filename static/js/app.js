// Every page: register the service worker, keep the outbox moving, say what waits.
import { CHANNEL, flush } from "./outbox.js";
import { showOutboxStatus } from "./status.js";

const FIRST_RETRY_MS = 15_000;
const LONGEST_RETRY_MS = 10 * 60_000;
const PAGES_CACHE = "pace-pages";

let retryDelay = FIRST_RETRY_MS;
let retryTimer = null;
let syncing = null;

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
        const waiting = await showOutboxStatus();
        if (waiting) scheduleRetry();
        return summary;
      });
  }
  return syncing;
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
    // Keep this page for offline use: the worker only sees later loads of it.
    if (document.body.dataset.offlinePage !== undefined) {
      const cache = await caches.open(PAGES_CACHE);
      await cache.add(new Request(location.origin + location.pathname, { credentials: "same-origin" }));
    }
    document.documentElement.dataset.offlineReady = "true";
  } catch (error) {
    console.warn("offline support is not available:", error);
  }
}

function askForPersistentStorage() {
  // Without it a browser may clear the outbox when the phone runs low on space.
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
}

if (typeof BroadcastChannel === "function") {
  new BroadcastChannel(CHANNEL).onmessage = () => showOutboxStatus();
}
window.addEventListener("online", syncNow);
askForPersistentStorage();
registerServiceWorker();
syncNow();
