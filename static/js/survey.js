// The survey page with JavaScript: one question a screen, a progress bar, and
// answers saved to this device's outbox first, then sent when there is signal.
// Without JavaScript the same page is a plain form that posts to the server.
import { enqueue, pending } from "./outbox.js";
import { syncNow } from "./app.js";

const form = document.getElementById("survey");

function valueOf(text) {
  return /^\d+$/.test(text) ? Number(text) : text;
}

function answerOf(fieldset) {
  const type = fieldset.dataset.type;
  if (type === "text") {
    const text = fieldset.querySelector("textarea").value.trim();
    return text || undefined;
  }
  const chosen = [...fieldset.querySelectorAll("input:checked")].map((input) => valueOf(input.value));
  if (type === "multi") return chosen.length ? chosen : undefined;
  return chosen[0];
}

function collectAnswers(fieldsets) {
  const answers = {};
  for (const fieldset of fieldsets) {
    if (!isShown(fieldset, answers)) continue;
    const answer = answerOf(fieldset);
    if (answer !== undefined) answers[fieldset.dataset.key] = answer;
  }
  return answers;
}

function isShown(fieldset, answers) {
  if (!fieldset.dataset.showIf) return true;
  const condition = JSON.parse(fieldset.dataset.showIf);
  const given = answers[condition.question];
  if ("equals" in condition) return given === condition.equals;
  return (condition.in || []).includes(given);
}

function showOnly(element, ...others) {
  element.hidden = false;
  others.forEach((other) => (other.hidden = true));
}

async function isAlreadyQueued() {
  const records = await pending();
  return records.some((record) => record.item.invitation === form.dataset.invitation);
}

function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function stepThrough(fieldsets) {
  const progress = form.querySelector(".progress");
  const progressText = document.getElementById("progress-text");
  const fill = form.querySelector(".progress-fill");
  const submit = document.getElementById("submit");
  let current = 0;

  const visible = () => fieldsets.filter((fieldset) => isShown(fieldset, collectAnswers(fieldsets)));

  function show(index, { moveFocus }) {
    const steps = visible();
    current = Math.max(0, Math.min(index, steps.length - 1));
    fieldsets.forEach((fieldset) => (fieldset.hidden = fieldset !== steps[current]));
    const step = steps[current];
    step.querySelector(".question-number").textContent = `Question ${current + 1} of ${steps.length}`;
    progressText.textContent = `Question ${current + 1} of ${steps.length}`;
    fill.style.width = `${((current + 1) / steps.length) * 100}%`;
    back.hidden = current === 0;
    next.hidden = current === steps.length - 1;
    submit.hidden = current !== steps.length - 1;
    if (moveFocus) step.focus();
  }

  const nav = document.createElement("div");
  nav.className = "actions step-actions";
  const back = button("Back", "button button-secondary");
  const next = button("Next", "button button-primary");
  nav.append(back, next);
  submit.parentElement.prepend(nav);
  back.addEventListener("click", () => show(current - 1, { moveFocus: true }));
  next.addEventListener("click", () => show(current + 1, { moveFocus: true }));
  fieldsets.forEach((fieldset) => fieldset.setAttribute("tabindex", "-1"));
  progress.hidden = false;
  form.classList.add("is-stepped");
  show(0, { moveFocus: false });
}

function button(text, className) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = className;
  element.textContent = text;
  return element;
}

async function start() {
  if (!form) return;
  const queuedNotice = document.getElementById("queued-notice");
  const sentNotice = document.getElementById("sent-notice");
  const fieldsets = [...form.querySelectorAll("fieldset.question")];

  try {
    if (await isAlreadyQueued()) {
      showOnly(queuedNotice, form);
      return;
    }
  } catch {
    // No IndexedDB here (some private modes): the plain form post still works.
    return;
  }
  stepThrough(fieldsets);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const item = {
      id: newId(),
      form: form.dataset.form,
      form_version: Number(form.dataset.formVersion),
      invitation: form.dataset.invitation,
      submitted_at: new Date().toISOString(),
      locale: form.dataset.locale,
      answers: collectAnswers(fieldsets),
    };
    try {
      await enqueue(item);
    } catch {
      form.submit(); // could not save on the device: send it the plain way
      return;
    }
    showOnly(queuedNotice, form);
    queuedNotice.focus();
    await syncNow();
    const stillWaiting = (await pending()).some((record) => record.id === item.id);
    if (!stillWaiting) {
      showOnly(sentNotice, queuedNotice);
      sentNotice.focus();
    }
  });
}

start();
