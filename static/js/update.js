// "A new version is ready", offered when a new worker waits and no page on
// this device has unsaved answers (their lock, see unsaved.js): a new
// version never takes over under a half-filled form.
import { UNSAVED_ANSWERS_LOCK } from "./offline-names.js";
import { strings } from "./strings.js";

export function offerNewVersion(registration) {
  let notice = null;
  const check = async () => {
    // With no worker in charge yet, a new one takes over by itself.
    const waiting = navigator.serviceWorker.controller && registration.waiting;
    if (!waiting) return;
    const offer = !(await someoneHasUnsavedAnswers());
    document.documentElement.dataset.newVersion = offer ? "offered" : "held-back";
    if (offer && !notice) notice = addNotice(registration);
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

function addNotice(registration) {
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
