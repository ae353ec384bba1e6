// Says, in words, what is waiting on this device and when answers were last sent.
import { lastSentAt, pending } from "./outbox.js";

function timeWords(iso) {
  const when = new Date(iso);
  const today = new Date().toDateString() === when.toDateString();
  const time = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return today ? `today at ${time}` : `${when.toLocaleDateString([], { day: "numeric", month: "long" })} at ${time}`;
}

export async function describeOutbox() {
  const [records, sentAt] = await Promise.all([pending(), lastSentAt()]);
  const parts = [];
  if (records.length === 1) parts.push("1 set of answers is waiting on this device to be sent.");
  else if (records.length > 1) parts.push(`${records.length} sets of answers are waiting on this device to be sent.`);
  const problems = records.filter((record) => record.problem);
  if (problems.length) parts.push(`Some could not be sent yet: ${problems[0].problem}.`);
  if (sentAt) parts.push(`Answers were last sent ${timeWords(sentAt)}.`);
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
    element.textContent = "This browser cannot keep answers while offline, so please send them while you have signal.";
    return null;
  }
}
