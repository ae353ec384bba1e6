// Every page: register the service worker, keep the outbox moving, say what waits.
import { CHANNEL, enqueue, flush } from "./outbox.js";
import { forgetLinks, keepPage } from "./kept-pages.js";
import { PAGES_CACHE, SYNC_TAG, pageKey } from "./offline-names.js";
import { showOutboxStatus } from "./status.js";
import { offerNewVersion } from "./update.js";

const FIRST_RETRY_MS = 15_000;
const LONGEST_RETRY_MS = 10 * 60_000;

let retryDelay = FIRST_RETRY_MS;
let retryTimer = null;
let syncing = null;

// Send what waits now; on failure try again later, waiting longer each time.
export function syncNow() {
  if (!syncing) {
    syncing = flush()
      .then(async (summary) => {
        retryDelay = FIRST_RETRY_MS;
        // Links the server now has answers on: their pages are not kept.
        await forgetLinks(summary.settledLinks).catch(() => {});
        return summary;
      })
      .catch((error) => {
        retryDelay = Math.min(retryDelay * 2, LONGEST_RETRY_MS);
        return { error };
      })
      .then(async (summary) => {
        syncing = null;
        const waiting = await showOutboxStatus();
        if (waiting) {
          scheduleRetry();
          // Not sent: the browser may send it later, even with this tab closed.
          if (summary.error) await requestBackgroundSync();
        }
        return summary;
      });
  }
  return syncing;
}

// Queue answers, then ask the browser to send them when it can, with or
// without this tab. Resolves once they are safely on the device.
export async function keepAnswers(item) {
  await enqueue(item);
  await requestBackgroundSync();
}

async function requestBackgroundSync() {
  try {
    const registration = "serviceWorker" in navigator ? await navigator.serviceWorker.getRegistration() : null;
    if (registration && registration.active && registration.sync) await registration.sync.register(SYNC_TAG);
  } catch {
    // No Background Sync here (or not allowed): the page's own retries remain.
  }
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
    const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/", type: "module" });
    offerNewVersion(registration);
    await navigator.serviceWorker.ready;
    if (document.body.dataset.offlinePage !== undefined) await keepThisPage();
    document.documentElement.dataset.offlineReady = "true";
  } catch (error) {
    console.warn("offline support is not available:", error);
  }
}

// Keep this page for offline use (the worker keeps the pages it serves, not
// the first, which loaded before it), and its other languages when this
// browser asks for them.
async function keepThisPage() {
  const cache = await caches.open(PAGES_CACHE);
  const wanted = [location.href];
  const languages = (navigator.languages || [navigator.language]).map((tag) => tag.toLowerCase());
  document.querySelectorAll("a[data-lang-link]").forEach((link) => {
    const lang = link.hreflang.toLowerCase();
    if (languages.some((tag) => tag === lang || tag.split("-")[0] === lang.split("-")[0])) wanted.push(link.href);
  });
  for (const href of new Set(wanted.map(pageKey))) {
    if (await cache.match(href)) continue;
    try {
      await keepPage(href, await fetch(href, { credentials: "same-origin" }));
    } catch (error) {
      if (href === pageKey(location.href)) throw error;
    }
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
document.documentElement.classList.add("js");
document.querySelectorAll(".needs-js").forEach((element) => {
  if (!element.closest("[data-keep-hidden]")) element.hidden = false;
});
// The offline page, standing in at a survey link: say what this device knows.
const linkState = document.getElementById("link-state");
if (linkState) import("./survey-outcome.js").then((outcome) => outcome.sayOnOfflinePage(linkState)).catch(() => {});
askForPersistentStorage();
registerServiceWorker();
syncNow();
