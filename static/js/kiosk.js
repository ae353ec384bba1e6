// Kiosk mode: one tablet handed round a review meeting. While online the
// meeting's page and what its forms show are kept for use with no signal (the
// page holds every respondent's form; no survey link's page is kept). Each
// person's answers go to the same outbox as link mode, with the review and no
// link token, and leave no trace on screen: the form is removed from the page
// once queued, no history entry is ever added, and nothing is left for the
// back/forward cache. The worker's signed-in session sends them (outbox.js).
import { keepAnswers, syncNow } from "./app.js";
import { CHANNEL, pending } from "./outbox.js";
import { KIOSK_CACHE } from "./offline-names.js";
import { fill } from "./strings.js";
import { collectAnswers, newId, setUpForm } from "./survey.js";
import { prepareSealing, preparedKey } from "./seal.js";

const start = document.getElementById("kiosk-start");
const stage = document.getElementById("kiosk-stage");
const handedBack = document.getElementById("kiosk-handed-back");
const reviewId = Number(document.body.dataset.review);
const pageLanguage = document.documentElement.lang;
// How many answers this tab queued for the meeting (kept across a reload):
// a number, never what they said.
const QUEUED_KEY = `pace-kiosk-queued-${reviewId}`;
const queuedHere = () => Number(sessionStorage.getItem(QUEUED_KEY) || 0);

// One entry for kiosk mode, whatever happens inside it: Back leaves the meeting.
history.replaceState(null, "", location.pathname);

function handOver(template) {
  const copy = template.content.cloneNode(true);
  copy.querySelectorAll(".needs-js").forEach((element) => (element.hidden = false));
  stage.replaceChildren(copy);
  document.documentElement.lang = template.dataset.lang;
  handedBack.hidden = true;
  start.hidden = true;
  stage.hidden = false;
  const form = stage.querySelector("form");
  const fieldsets = setUpForm(form, stage);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    finish(form, fieldsets);
  });
  stage.querySelector("[data-kiosk-stop]").addEventListener("click", () => backToStart({ saved: false }));
  window.scrollTo(0, 0);
  stage.querySelector("h1").focus();
}

async function finish(form, fieldsets) {
  const item = {
    id: newId(),
    form: form.dataset.form,
    form_version: Number(form.dataset.formVersion),
    review: reviewId,
    submitted_at: new Date().toISOString(),
    locale: form.dataset.locale,
    answers: collectAnswers(fieldsets),
  };
  try {
    // Sealed with the server's key before it is stored (seal.js): a lost tablet holds nothing readable.
    await keepAnswers(item, { seal: true });
  } catch {
    document.getElementById("kiosk-not-ready").hidden = false;
    return; // not saved: the person's answers stay on screen to try again
  }
  sessionStorage.setItem(QUEUED_KEY, String(queuedHere() + 1));
  backToStart({ saved: true });
  await syncNow();
  await showMeeting();
}

// Remove the form and everything in it: the next person starts from the list.
function clearStage() {
  stage.querySelectorAll("form").forEach((form) => form.reset());
  if ("speechSynthesis" in window) window.speechSynthesis.cancel();
  stage.replaceChildren();
  stage.hidden = true;
  document.documentElement.lang = pageLanguage;
}

function backToStart({ saved }) {
  clearStage();
  start.hidden = false;
  handedBack.hidden = !saved;
  window.scrollTo(0, 0);
  (saved ? handedBack : document.getElementById("kiosk-heading")).focus();
  showMeeting();
}

// What waits on this tablet from this meeting, and whether the sign-in still
// holds. Calls overlap (page load, each send, the outbox's news): only the
// latest may write, so an older count never replaces a newer one.
let latestShow = 0;
async function showMeeting() {
  const call = ++latestShow;
  const waiting = (await pending()).filter((record) => record.item.review === reviewId);
  const signInNeeded = waiting.some((record) => record.problem) && (await signedOut());
  if (call !== latestShow) return;
  const status = document.getElementById("kiosk-waiting");
  const { waitingOne, waitingMany, allSent } = status.dataset;
  if (waiting.length) status.textContent = fill(waiting.length === 1 ? waitingOne : waitingMany, { n: waiting.length });
  else status.textContent = queuedHere() ? fill(allSent, { n: queuedHere() }) : "";
  document.getElementById("kiosk-sign-in").hidden = !signInNeeded;
  await reportWaiting((await pending()).length);
}

// The server is told how many answers wait on this tablet (a count, never
// what they hold), so that the worker can be reminded by a push notice if
// they are still waiting later (pace-forms send-due). Told again on a change.
let reported = null;
async function reportWaiting(count) {
  if (!navigator.onLine || count === reported) return;
  try {
    const token = await fetch("/api/v1/csrf-token", { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" });
    if (!token.ok) return;
    const reply = await fetch("/api/v1/push/outbox-waiting", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": (await token.json()).csrf_token },
      body: JSON.stringify({ count }),
    });
    if (reply.ok) reported = count;
  } catch {
    // No signal after all: told next time.
  }
}

async function signedOut() {
  try {
    const reply = await fetch("/api/v1/csrf-token", { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" });
    return reply.status === 401;
  } catch {
    return false; // no signal: nothing to say about the sign-in yet
  }
}

// The meeting's page and what its forms show (pictures, recordings, question
// scripts), kept while online; this version's styles and scripts are already
// kept by the service worker.
async function keepMeeting() {
  const cache = await caches.open(KIOSK_CACHE);
  const reply = await fetch(location.pathname, { credentials: "same-origin", cache: "no-store" });
  if (!reply.ok || reply.redirected) throw new Error(`the meeting page answered ${reply.status}`);
  const html = await reply.clone().text();
  await cache.put(location.pathname, reply);
  // Sealing is fetched on demand, not precached: keep it for the meeting too.
  const sealing = new URL("./seal.js", import.meta.url);
  if (!(await caches.match(sealing))) await cache.add(sealing);
  for (const [, source] of html.matchAll(/\s(?:src|data-enhance)="([^"]+)"/g)) {
    const url = new URL(source.replaceAll("&amp;", "&"), location.href);
    if (url.origin === location.origin && !(await caches.match(url))) await cache.add(url);
  }
}

async function endMeeting() {
  // An older version's copy went when that version's worker was replaced (sw.js).
  await caches.delete(KIOSK_CACHE);
  sessionStorage.removeItem(QUEUED_KEY);
  location.replace(document.body.dataset.reviewPage);
}

class NoSealingKey extends Error {}

// The server's public key for sealing (GET /api/v1/sealing-key), kept for use with no signal.
async function prepareKey() {
  const reply = await fetch("/api/v1/sealing-key", { headers: { Accept: "application/json" }, cache: "no-store" });
  if (!reply.ok) throw new NoSealingKey();
  try {
    await prepareSealing(await reply.json());
  } catch {
    throw new NoSealingKey();
  }
}

async function getReady() {
  const ready = document.getElementById("kiosk-ready");
  try {
    if (!("serviceWorker" in navigator) || !("caches" in window)) throw new Error("no service worker");
    await navigator.serviceWorker.ready;
    if (navigator.onLine) {
      await keepMeeting();
      await prepareKey();
    } else if (!(await caches.match(location.pathname, { cacheName: KIOSK_CACHE }))) throw new Error("offline, nothing kept");
    if (!preparedKey()) throw new NoSealingKey();
    ready.textContent = ready.dataset.ready;
    ready.classList.add("notice-done");
  } catch (error) {
    console.warn("kiosk mode could not keep the meeting for offline use:", error);
    ready.hidden = true;
    if (error instanceof NoSealingKey) {
      // Answers could not be sealed on this tablet: collecting them is refused, said in words.
      document.getElementById("kiosk-no-sealing").hidden = false;
      document.querySelectorAll("[data-template]").forEach((button) => (button.disabled = true));
      document.documentElement.dataset.kioskReady = "true";
      return;
    }
    document.getElementById("kiosk-not-ready").hidden = false;
  }
  document.documentElement.dataset.kioskReady = "true";
}

document.querySelectorAll("[data-template]").forEach((button) => {
  button.disabled = false;
  button.addEventListener("click", () => handOver(document.getElementById(button.dataset.template)));
});
document.getElementById("kiosk-end").addEventListener("click", endMeeting);
// Leaving the page (or the tab going into the back/forward cache) takes any
// half-filled form with it; coming back shows the list.
window.addEventListener("pagehide", () => {
  if (!stage.hidden) backToStart({ saved: false });
});
if (typeof BroadcastChannel === "function") new BroadcastChannel(CHANNEL).addEventListener("message", () => showMeeting());
window.addEventListener("online", () => syncNow().then(showMeeting));
showMeeting();
getReady();
