// Turns on web push notices on this device for a staff member (a duty
// contact's follow-up notices): asks the browser's permission, subscribes
// with the server's VAPID key through the service worker, and tells the
// server (POST /api/v1/push/subscriptions, with the page's CSRF token).
// Every outcome is said in words in the panel's status line.

const panel = document.getElementById("push-panel");

function say(words) {
  panel.querySelector("[data-push-status]").textContent = words;
}

function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(base64url.length / 4) * 4, "=");
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
}

async function turnOn(purpose) {
  const keyReply = await fetch(panel.dataset.keyUrl, { credentials: "same-origin", cache: "no-store" });
  if (keyReply.status === 404) return say("Notices are not set up on this server yet: ask your admin (pace-forms vapid-keys).");
  if (!keyReply.ok) return say("The server could not be asked just now. Try again in a moment.");
  const { public_key: publicKey } = await keyReply.json();
  const permission = await Notification.requestPermission();
  if (permission !== "granted") return say("Notices are blocked for this site in this browser's settings. Allow them there, then try again.");
  say("Turning notices on…");
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/", type: "module" });
  await navigator.serviceWorker.ready;
  let subscription;
  try {
    subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
  } catch {
    return say("This browser's notice service could not be reached. Check the connection and try again.");
  }
  const reply = await fetch(panel.dataset.subscribeUrl, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": panel.dataset.csrf },
    body: JSON.stringify({ purpose, subscription: subscription.toJSON() }),
  });
  if (reply.ok) return say("Notices are on for this device.");
  const body = await reply.json().catch(() => ({}));
  return say(body.error?.message || "The server did not take the subscription. Try again in a moment.");
}

function start() {
  if (!panel) return;
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    return say("This browser cannot show notices from a website.");
  }
  const button = panel.querySelector("[data-push-purpose]");
  button.hidden = false;
  say(Notification.permission === "denied" ? "Notices are blocked for this site in this browser's settings." : "");
  button.addEventListener("click", () => {
    turnOn(button.dataset.pushPurpose).catch(() => say("Notices could not be turned on. Try again in a moment."));
  });
}

start();
