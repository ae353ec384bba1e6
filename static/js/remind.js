// One push reminder for a respondent who may not finish (issue 11, point 3):
// asks the browser's permission, subscribes with the server's VAPID key and
// sends the subscription with this survey link's token. The server reminds
// once, after the hours it says, only if the link is still unanswered.
// Imported by survey.js only when the person presses the button.

import { fill } from "./strings.js";

function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(base64url.length / 4) * 4, "=");
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
}

export async function remindMe(panel, token) {
  const say = (words) => (panel.querySelector("[data-remind-status]").textContent = words);
  try {
    const key = await fetch(panel.dataset.keyUrl, { cache: "no-store" });
    if (!key.ok) return say(panel.dataset.failed);
    if ((await Notification.requestPermission()) !== "granted") return say(panel.dataset.blocked);
    const registration = await navigator.serviceWorker.ready;
    const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes((await key.json()).public_key) });
    const reply = await fetch(panel.dataset.subscribeUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token, purpose: "reminder", subscription: subscription.toJSON() }),
    });
    if (!reply.ok) return say(panel.dataset.failed);
    panel.querySelector("[data-remind-me]").hidden = true;
    return say(fill(panel.dataset.on, { hours: panel.dataset.hours }));
  } catch {
    return say(panel.dataset.failed);
  }
}
