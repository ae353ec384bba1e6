// Says, in words, what is waiting on this device and when answers were last sent.
import { lastSentAt, pending } from "./outbox.js";
import { fill, strings } from "./strings.js";

function timeWords(iso, words) {
  const when = new Date(iso);
  const lang = document.documentElement.lang || undefined;
  const time = when.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
  if (new Date().toDateString() === when.toDateString()) return fill(words.today_at, { time });
  const day = when.toLocaleDateString(lang, { day: "numeric", month: "long" });
  return fill(words.day_at, { day, time });
}

export async function describeOutbox() {
  const words = strings();
  const [records, sentAt] = await Promise.all([pending(), lastSentAt()]);
  const parts = [];
  if (records.length === 1) parts.push(words.waiting_one);
  else if (records.length > 1) parts.push(fill(words.waiting_many, { n: records.length }));
  // The server's reason stays in the record for whoever looks after the
  // device; a respondent reads only what it means for them.
  if (records.some((record) => record.problem)) parts.push(words.not_sent_yet);
  if (sentAt) parts.push(fill(words.last_sent, { when: timeWords(sentAt, words) }));
  return { text: parts.join(" "), waiting: records.length };
}

export async function showOutboxStatus(element = document.getElementById("outbox-status")) {
  if (!element) return null;
  try {
    const { text, waiting } = await describeOutbox();
    element.textContent = text;
    element.dataset.waiting = String(waiting);
    return waiting;
  } catch {
    element.textContent = strings().no_storage;
    return null;
  }
}
