// The survey page with JavaScript: one question a screen, read-aloud, each
// type's script, answers saved to the outbox first. Without it, a plain form.
// No question type is named here: a fieldset says how its answer is read
// (data-answer-shape) and which script enhances it (data-enhance).
import { keepAnswers, syncNow } from "./app.js";
import { fill } from "./strings.js";
import { linkOutcome } from "./survey-outcome.js";
import { watchUnsavedAnswers } from "./unsaved.js";

const form = document.getElementById("survey");

function valueOf(text) {
  return /^\d+$/.test(text) ? Number(text) : text;
}

// A question's answer as the sync API takes it, read by its shape (see
// ANSWER_SHAPES in pace_forms/forms/question_types.py); undefined if none.
const READ_ANSWER = {
  one: (fieldset) => checkedValues(fieldset)[0],
  many: (fieldset) => {
    const chosen = checkedValues(fieldset);
    return chosen.length ? chosen : undefined;
  },
  text: (fieldset) => fieldset.querySelector("textarea").value.trim() || undefined,
  map: (fieldset) => {
    const answer = {};
    fieldset.querySelectorAll("[data-answer-key]").forEach((part) => {
      const chosen = part.querySelector("input[name]:checked");
      if (chosen) answer[part.dataset.answerKey] = chosen.value;
    });
    return Object.keys(answer).length ? answer : undefined;
  },
};

function checkedValues(fieldset) {
  return [...fieldset.querySelectorAll("input[name]:checked")].map((input) => valueOf(input.value));
}

export function answerOf(fieldset) {
  return READ_ANSWER[fieldset.dataset.answerShape](fieldset);
}

// Each question type's own script, where it has one: the plain form works
// without it, so a script that fails to load leaves the question usable.
function enhanceQuestions(fieldsets) {
  return Promise.all(
    fieldsets
      .filter((fieldset) => fieldset.dataset.enhance)
      .map(async (fieldset) => {
        try {
          const module = await import(fieldset.dataset.enhance);
          module.enhance(fieldset);
        } catch (error) {
          console.error("question script failed; the plain form stays", error);
        }
      }),
  );
}

export function collectAnswers(fieldsets) {
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

function clearAnswer(fieldset) {
  fieldset.querySelectorAll("input:checked").forEach((input) => {
    input.checked = false;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
  fieldset.querySelectorAll("textarea").forEach((area) => (area.value = ""));
}

// Once the answers are saved, the form's surroundings have done their job.
function leaveOnlyTheOutcome() {
  document.querySelectorAll(".intro, #no-voice-notice, nav.languages").forEach((element) => (element.hidden = true));
}

export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function button(text, className) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = className;
  element.textContent = text;
  return element;
}

function stepThrough(form, fieldsets, { onShow }) {
  const progress = form.querySelector(".progress");
  const progressText = document.getElementById("progress-text");
  const progressFill = form.querySelector(".progress-fill");
  const submit = document.getElementById("submit");
  const template = form.dataset.questionNOfTotal;
  let current = 0;

  const visible = () => fieldsets.filter((fieldset) => isShown(fieldset, collectAnswers(fieldsets)));

  function show(index, { moveFocus }) {
    const steps = visible();
    current = Math.max(0, Math.min(index, steps.length - 1));
    fieldsets.forEach((fieldset) => {
      fieldset.hidden = fieldset !== steps[current];
      // Answers to questions that no longer apply are not sent.
      if (!steps.includes(fieldset)) clearAnswer(fieldset);
      const asking = fieldset.querySelector("[data-skip-ask]");
      if (asking) asking.hidden = true;
    });
    const step = steps[current];
    updateProgress(steps);
    if (moveFocus) step.focus();
    onShow(step);
  }

  // "Question n of total", the bar and the buttons; an answer that brings in
  // (or drops) a follow-on question changes the total.
  // The questions for the adult helping a child come last and are not
  // counted: they say who they are for instead.
  function updateProgress(steps = visible()) {
    const step = fieldsets.find((fieldset) => !fieldset.hidden);
    const counted = steps.filter((fieldset) => !("forAdult" in fieldset.dataset));
    const words =
      "forAdult" in step.dataset ? form.dataset.forGrownUp : fill(template, { n: counted.indexOf(step) + 1, total: counted.length });
    step.querySelector(".question-number").textContent = words;
    progressText.textContent = words;
    progressFill.style.width = `${((current + 1) / steps.length) * 100}%`;
    back.hidden = current === 0;
    next.hidden = current === steps.length - 1;
    submit.hidden = current !== steps.length - 1;
  }

  const nav = document.createElement("div");
  nav.className = "actions step-actions";
  const back = button(form.dataset.backLabel, "button button-secondary");
  const next = button(form.dataset.nextLabel, "button button-primary");
  nav.append(back, next);
  submit.parentElement.prepend(nav);
  back.addEventListener("click", () => show(current - 1, { moveFocus: true }));
  next.addEventListener("click", () => show(current + 1, { moveFocus: true }));
  const moveOn = () => {
    if (current === visible().length - 1) submit.focus();
    else show(current + 1, { moveFocus: true });
  };
  fieldsets.forEach((fieldset) => {
    fieldset.setAttribute("tabindex", "-1");
    const skip = fieldset.querySelector("[data-skip]");
    if (skip) offerSkip(form, fieldset, skip, moveOn);
  });
  form.addEventListener("change", () => updateProgress());
  progress.hidden = false;
  form.classList.add("is-stepped");
  show(0, { moveFocus: false });
}

// "Skip this question" moves on with no answer. When an answer is already
// chosen, it asks first (keep it, or clear it) rather than lose it unseen.
function offerSkip(form, fieldset, skip, moveOn) {
  const asking = document.createElement("div");
  asking.className = "skip-ask";
  asking.dataset.skipAsk = "";
  asking.setAttribute("role", "group");
  asking.hidden = true;
  const question = document.createElement("p");
  question.id = `skip-ask-${fieldset.dataset.key}`;
  question.tabIndex = -1;
  question.textContent = form.dataset.skipAsked;
  asking.setAttribute("aria-labelledby", question.id);
  const keep = button(form.dataset.skipKeep, "button button-primary");
  const clear = button(form.dataset.skipClear, "button button-secondary");
  const choices = document.createElement("div");
  choices.className = "actions";
  choices.append(keep, clear);
  asking.append(question, choices);
  skip.closest("p").after(asking);

  keep.addEventListener("click", () => {
    asking.hidden = true;
    moveOn();
  });
  clear.addEventListener("click", () => {
    asking.hidden = true;
    clearAnswer(fieldset);
    moveOn();
  });
  skip.addEventListener("click", () => {
    if (answerOf(fieldset) === undefined) {
      clearAnswer(fieldset); // typed spaces, say: nothing worth keeping
      moveOn();
      return;
    }
    asking.hidden = false;
    question.focus();
  });
}

function followUpWanted(answers) {
  const notice = document.getElementById("follow-up-notice");
  if (!notice) return false;
  return asksForContact(notice, answers[notice.dataset.question]);
}

// data-when lists every answer that raises a follow-up ("yes not_sure").
function asksForContact(notice, answer) {
  return notice.dataset.when.split(" ").includes(String(answer));
}

function watchFollowUp(fieldsets) {
  const notice = document.getElementById("follow-up-notice");
  if (!notice) return;
  const fieldset = fieldsets.find((each) => each.dataset.key === notice.dataset.question);
  const inline = fieldset?.querySelector("[data-follow-up-inline]");
  if (!inline) return;
  fieldset.addEventListener("change", () => {
    inline.hidden = !asksForContact(notice, answerOf(fieldset));
  });
}

// This page's form, or one kiosk mode (kiosk.js) hands over in `root`.
export function setUpForm(form, root = document) {
  const fieldsets = [...form.querySelectorAll("fieldset.question")];

  enhanceQuestions(fieldsets);
  // Read-aloud is fetched only by forms that offer it (not a parent's first load).
  const readAloud = root.querySelector("[data-read-aloud]")
    ? import("./read-aloud.js").then((module) => module.setUpReadAloud(root)).catch(() => null)
    : Promise.resolve(null);
  const readEach = root.querySelector("#read-each-aloud");
  if (readEach && readEach.dataset.defaultOn !== undefined) readEach.checked = true;
  readAloud.then((reader) => {
    // With neither a voice nor recordings, the switch could do nothing.
    if (readEach && reader && !reader.voice && !reader.hasRecordings) readEach.closest("p").hidden = true;
  });
  // A question's own script asks for words to be read (a picture card's name).
  form.addEventListener("survey:say", async (event) => {
    const reader = await readAloud;
    if (readEach && readEach.checked && reader) reader.say(event.detail.text);
  });
  watchFollowUp(fieldsets);

  // One question a screen from the first paint, before any storage check.
  let firstStep = true;
  stepThrough(form, fieldsets, {
    onShow: async (step) => {
      // Reading the first question aloud unasked could startle: wait for a move.
      const isFirst = firstStep;
      firstStep = false;
      const reader = await readAloud;
      if (readEach && readEach.checked && !isFirst && reader) reader.readQuestion(step);
    },
  });
  return fieldsets;
}

// A reminder, for a link the person may not finish now (remind.js, fetched when asked).
function offerReminder() {
  const panel = document.getElementById("remind-me");
  if (!panel || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
  panel.hidden = false;
  panel.querySelector("[data-remind-me]").addEventListener("click", () => {
    import("./remind.js").then((module) => module.remindMe(panel, form.dataset.invitation)).catch(() => {
      panel.querySelector("[data-remind-status]").textContent = panel.dataset.failed;
    });
  });
}

async function start() {
  if (!form) return;
  offerReminder();
  const followUpNotice = document.getElementById("follow-up-notice");
  const fieldsets = setUpForm(form);
  // Only answers not yet saved on this device can be lost by leaving.
  const unsaved = watchUnsavedAnswers(form);
  // What this device knows of this link: answers waiting, sent, kept aside.
  const outcome = linkOutcome(form.dataset.invitation);
  const saidSent = (name) => {
    if (name && name !== "queued") followUpNotice?.querySelector("[data-follow-up-pending]")?.setAttribute("hidden", "");
  };
  try {
    if (await outcome.show()) {
      unsaved.saved();
      form.hidden = true;
      leaveOnlyTheOutcome();
      outcome.follow(saidSent);
      return;
    }
  } catch {
    // No IndexedDB here (some private modes): the plain form post still works.
    return;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answers = collectAnswers(fieldsets);
    const item = {
      id: newId(),
      form: form.dataset.form,
      form_version: Number(form.dataset.formVersion),
      invitation: form.dataset.invitation,
      submitted_at: new Date().toISOString(),
      locale: form.dataset.locale,
      answers,
    };
    try {
      await keepAnswers(item);
    } catch {
      unsaved.saved();
      form.submit(); // could not save on the device: send it the plain way
      return;
    }
    unsaved.saved();
    form.hidden = true;
    leaveOnlyTheOutcome();
    if (followUpNotice && followUpWanted(answers)) followUpNotice.hidden = false;
    await outcome.show({ focus: true });
    // Sent now, or later (back online, the timer, another tab): say so then.
    outcome.follow(saidSent);
    await syncNow();
    saidSent(await outcome.show());
  });
}

start();
