// Read-aloud: each question's button speaks the question and its answers with
// the browser's speech synthesis, or plays the form's recorded audio file when
// it gives one. When the device has no voice, the page says so in words: as
// soon as the page opens on forms that read aloud (data-reads-aloud), and
// otherwise only when someone asks for reading aloud.
const VOICE_WAIT_MS = 1500;

function voicesNow() {
  return "speechSynthesis" in window ? window.speechSynthesis.getVoices() : [];
}

// Voices load after the page on some browsers: wait for them a moment.
export function loadVoices() {
  if (!("speechSynthesis" in window)) return Promise.resolve([]);
  const voices = voicesNow();
  if (voices.length) return Promise.resolve(voices);
  return new Promise((resolve) => {
    const done = () => resolve(voicesNow());
    window.speechSynthesis.addEventListener("voiceschanged", done, { once: true });
    setTimeout(done, VOICE_WAIT_MS);
  });
}

export function pickVoice(voices, lang) {
  const wanted = (lang || "en").toLowerCase();
  const base = wanted.split("-")[0];
  return (
    voices.find((voice) => voice.lang.toLowerCase() === wanted) ||
    voices.find((voice) => voice.lang.toLowerCase().split(/[-_]/)[0] === base) ||
    null
  );
}

function stopAll(root) {
  if ("speechSynthesis" in window) window.speechSynthesis.cancel();
  root.querySelectorAll("audio").forEach((audio) => {
    audio.pause();
    audio.currentTime = 0;
  });
}

export async function setUpReadAloud(root = document) {
  const buttons = [...root.querySelectorAll("[data-read-aloud]")];
  if (!buttons.length) return null;
  const notice = root.querySelector("#no-voice-notice");
  const lang = document.documentElement.lang;
  const voices = await loadVoices();
  const voice = pickVoice(voices, lang);
  const hasRecordings = buttons.some((button) => button.dataset.audio);
  // The questions' buttons, not the ending's: a form recorded throughout needs no voice.
  const everyQuestionRecorded = buttons.filter((button) => button.closest("fieldset")).every((button) => button.dataset.audio);
  const readsAloud = Boolean(root.querySelector("[data-reads-aloud]"));
  if (!voice && !everyQuestionRecorded && readsAloud && notice) notice.hidden = false;
  document.documentElement.dataset.readAloud = voice ? "voice" : "no-voice";

  const speak = (text, { quiet = false } = {}) => {
    if (!voice) {
      // Said once on the page; moved to only when the person pressed the button.
      if (notice) {
        notice.hidden = false;
        if (!quiet) notice.focus();
      }
      return false;
    }
    window.speechSynthesis.cancel();
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.voice = voice;
    utterance.lang = voice.lang;
    utterance.rate = 0.9;
    window.speechSynthesis.speak(utterance);
    return true;
  };

  for (const button of buttons) {
    if (!voice && !button.dataset.audio) button.setAttribute("aria-describedby", "no-voice-notice");
    button.addEventListener("click", () => readQuestion(button, root, speak, { quiet: false }));
  }
  return {
    voice,
    hasRecordings,
    // Read a question without being asked (the "read each question aloud" switch).
    readQuestion: (fieldset) => {
      const button = fieldset.querySelector("[data-read-aloud]");
      if (button) readQuestion(button, root, speak, { quiet: true });
    },
    // Read some words without being asked (a picture card's name).
    say: (text) => {
      stopAll(root);
      speak(text, { quiet: true });
    },
  };
}

function readQuestion(button, root, speak, { quiet }) {
  stopAll(root);
  const audioId = button.dataset.audio;
  const audio = audioId ? document.getElementById(audioId) : null;
  if (audio) {
    audio.play().catch(() => speak(button.dataset.say, { quiet }));
    return;
  }
  speak(button.dataset.say, { quiet });
}

// A page with no survey (the thank-you page) has its button set up here.
if (typeof document !== "undefined" && document.querySelector("[data-read-aloud-page]")) setUpReadAloud(document);
