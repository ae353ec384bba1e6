// Answers chosen or typed but not yet saved on this device: the only ones
// closing the page would lose. Only while there are some does leaving ask
// first, and does this page hold a shared lock that holds back a new
// version in every tab (app.js).
import { UNSAVED_ANSWERS_LOCK } from "./offline-names.js";
import { strings } from "./strings.js";

export function watchUnsavedAnswers(form) {
  let unsaved = false;
  let release = null;
  let released = Promise.resolve();

  const hasAnswers = () =>
    Boolean(form.querySelector("input:checked")) || [...form.querySelectorAll("textarea")].some((area) => area.value.trim());

  function set(now) {
    if (now === unsaved) return;
    unsaved = now;
    document.documentElement.dataset.unsavedAnswers = String(now);
    if (now && navigator.locks) {
      // Let go by resolving `done`, even before the lock is granted.
      const done = new Promise((resolve) => (release = resolve));
      released = navigator.locks.request(UNSAVED_ANSWERS_LOCK, { mode: "shared" }, () => done).catch(() => {});
    } else if (release) {
      release();
      release = null;
    }
    // Tell app.js once other tabs can see the change too.
    (now ? Promise.resolve() : released).then(() => window.dispatchEvent(new Event(UNSAVED_ANSWERS_LOCK)));
  }

  const update = () => set(hasAnswers());
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  // Sending saves them (on the device, or by the plain post without storage).
  form.addEventListener("submit", () => set(false));
  window.addEventListener("beforeunload", (event) => {
    if (!unsaved) return;
    event.preventDefault();
    event.returnValue = strings().leave_warning;
  });

  return {
    // The answers are on the device now (or leave by the plain form post).
    saved() {
      form.removeEventListener("input", update);
      form.removeEventListener("change", update);
      set(false);
    },
  };
}
