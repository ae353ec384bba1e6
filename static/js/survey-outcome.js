// What this device knows of a survey link's answers: waiting here, sent (the
// server counts them), or kept aside (stored, not counted). The survey page
// shows it instead of a blank form, and again whenever the outbox changes;
// the offline page says it at the address of a page no longer kept.
import { ANSWERED, CHANNEL, KEPT_ASIDE, linkState, pending } from "./outbox.js";
import { surveyToken } from "./offline-names.js";

async function outcomeOf(token) {
  const waiting = (await pending()).find((record) => record.item.invitation === token);
  if (waiting) return { name: "queued" };
  const record = await linkState(token);
  if (record?.state === KEPT_ASIDE) return { ...record, name: "keptAside" };
  return record?.state === ANSWERED ? { ...record, name: "answered" } : null;
}

export function linkOutcome(token) {
  const notices = {
    queued: document.getElementById("queued-notice"),
    answered: document.getElementById("sent-notice"),
    keptAside: document.getElementById("kept-aside-notice"),
  };
  // Without Background Sync (Safari, every iPhone browser) answers go only from
  // an open page: the notice says to open the link again, not "nothing else to do".
  const backgroundSync = typeof window !== "undefined" && "SyncManager" in window;
  notices.queued?.querySelectorAll("[data-background-sync]").forEach((part) => (part.hidden = (part.dataset.backgroundSync === "yes") !== backgroundSync));
  // The area's "you said, we did" goes with the thanks, not with answers kept aside.
  const note = document.getElementById("area-note");
  let shown = null;

  // Show what is true now; resolves with its name, or null (no answers yet).
  async function show({ focus = false } = {}) {
    const outcome = await outcomeOf(token);
    if (!outcome) return null;
    if (outcome.name !== shown) {
      // Focus moves (and a screen reader speaks) on a change, not on opening.
      const moveFocus = focus || shown !== null;
      shown = outcome.name;
      Object.entries(notices).forEach(([name, notice]) => notice && (notice.hidden = name !== outcome.name));
      if (note) note.hidden = outcome.name === "keptAside";
      const notice = notices[outcome.name];
      notice?.querySelectorAll("[data-reason]").forEach((part) => (part.hidden = part.dataset.reason !== outcome.reason));
      if (moveFocus) notice?.focus();
    }
    return outcome.name;
  }

  // Follow sends made here, in another tab or by the service worker.
  function follow(onChange) {
    if (typeof BroadcastChannel === "function") new BroadcastChannel(CHANNEL).onmessage = async () => onChange(await show());
  }

  return { show, follow };
}

const OFFLINE_WORDS = {
  answered: ["thanks_heading", "thanks_already", "thanks_close"],
  keptAside: ["kept_aside_heading", "", "kept_aside_stored"],
};

// On the offline page (templates/offline.html), in the answers' language.
export async function sayOnOfflinePage(section) {
  const token = surveyToken(location.href);
  const outcome = token && (await outcomeOf(token));
  if (!outcome || !OFFLINE_WORDS[outcome.name]) return;
  const all = JSON.parse(section.querySelector("script").textContent);
  const locale = outcome.locale || "";
  const language = [locale, locale.split("-")[0]].find((tag) => all[tag]) || "en-GB";
  const keys = OFFLINE_WORDS[outcome.name].map((key) => key || `kept_aside_${outcome.reason}`);
  const [heading, ...body] = keys.map((key) => all[language][key]);
  section.lang = language;
  section.querySelector("h1").textContent = heading;
  section.querySelector("div").replaceChildren(...body.map((text) => Object.assign(document.createElement("p"), { textContent: text })));
  document.getElementById("not-kept").hidden = true;
  section.hidden = false;
}
