// Every page: register the service worker (and offer its new versions), keep
// the outbox moving, say what waits.
import { CHANNEL, enqueue, flush } from "./outbox.js";
import { forgetLinks, keepPage } from "./kept-pages.js";
import { PAGES_CACHE, SYNC_TAG, UNSAVED_ANSWERS_LOCK, pageKey } from "./offline-names.js";
import { showOutboxStatus } from "./status.js";
import { strings } from "./strings.js";

// This page as the server sent it, read before any script changes it (this
// module runs first): kept for offline use without downloading it twice. Its
// security policy travels in the page itself (<meta> in base.html).
const PAGE_AS_SENT = `<!doctype html>\n${document.documentElement.outerHTML}`;

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
export async function keepAnswers(item, options) {
  await enqueue(item, options);
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
  const base = (tag) => tag.toLowerCase().split("-")[0];
  const asked = navigator.languages.map(base);
  const wanted = [location.href];
  document.querySelectorAll("a[data-lang-link]").forEach((link) => asked.includes(base(link.hreflang)) && wanted.push(link.href));
  const here = pageKey(location.href);
  for (const href of new Set(wanted.map(pageKey))) {
    if (await cache.match(href)) continue;
    try {
      await keepPage(href, href === here ? pageAsSent() : await fetch(href, { credentials: "same-origin" }));
    } catch (error) {
      if (href === here) throw error;
    }
  }
}

function pageAsSent() {
  const headers = { "Content-Type": "text/html; charset=utf-8", Date: new Date().toUTCString() };
  return new Response(PAGE_AS_SENT, { headers });
}

// "A new version is ready", offered when a new worker waits and no page on
// this device has unsaved answers (their lock, see unsaved.js): a new
// version never takes over under a half-filled form.
function offerNewVersion(registration) {
  let notice = null;
  const check = async () => {
    // With no worker in charge yet, a new one takes over by itself.
    const waiting = navigator.serviceWorker.controller && registration.waiting;
    if (!waiting) return;
    const offer = !(await someoneHasUnsavedAnswers());
    document.documentElement.dataset.newVersion = offer ? "offered" : "held-back";
    if (offer && !notice) notice = addUpdateNotice(registration);
    if (notice) notice.hidden = !offer;
  };
  registration.addEventListener("updatefound", () => registration.installing?.addEventListener("statechange", check));
  window.addEventListener(UNSAVED_ANSWERS_LOCK, check);
  document.addEventListener("visibilitychange", check);
  check();
}

async function someoneHasUnsavedAnswers() {
  if (document.documentElement.dataset.unsavedAnswers === "true") return true;
  if (!navigator.locks?.query) return false;
  const { held = [], pending = [] } = await navigator.locks.query();
  return [...held, ...pending].some((lock) => lock.name === UNSAVED_ANSWERS_LOCK);
}

function addUpdateNotice(registration) {
  const words = strings();
  const notice = document.createElement("div");
  notice.className = "notice";
  notice.id = "update-notice";
  notice.setAttribute("role", "status");
  const text = document.createElement("p");
  text.textContent = words.update_ready;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button button-secondary";
  button.textContent = words.update_now;
  button.addEventListener("click", () => {
    navigator.serviceWorker.addEventListener("controllerchange", () => location.reload(), { once: true });
    registration.waiting?.postMessage({ type: "take-over" });
  });
  notice.append(text, button);
  document.getElementById("main")?.prepend(notice);
  return notice;
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
