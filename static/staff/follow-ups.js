// Tells a staff page that is left open when new follow-ups are raised: it asks
// the server every so often and, when there are open follow-ups the page does
// not show, says so in a live region with a Reload button. It never moves
// focus and never reloads by itself (someone may be typing a note).

const watch = document.getElementById("new-follow-ups");

function wordsFor(count) {
  return count === 1 ? watch.dataset.one : watch.dataset.many.replace("{n}", String(count));
}

async function check(known) {
  const reply = await fetch(watch.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" });
  if (!reply.ok) return reply.status !== 401 && reply.status !== 403; // signed out: stop asking
  const body = await reply.json();
  const fresh = body.follow_ups.filter((each) => !known.has(each.id)).length;
  const notice = watch.querySelector("p");
  if (fresh > 0) {
    const words = wordsFor(fresh);
    // Only a change of words is announced again.
    if (notice.querySelector("[data-words]").textContent !== words) notice.querySelector("[data-words]").textContent = words;
    notice.hidden = false;
  }
  return true;
}

function start() {
  if (!watch) return;
  const known = new Set(watch.dataset.known.split(" ").filter(Boolean).map(Number));
  const every = Math.max(1, Number(watch.dataset.pollSeconds) || 30) * 1000;
  watch.querySelector("[data-reload]").addEventListener("click", () => window.location.reload());
  const timer = window.setInterval(async () => {
    try {
      if (!(await check(known))) window.clearInterval(timer);
    } catch {
      // Offline for a moment: ask again next time.
    }
  }, every);
}

start();
