// Survey pages kept for offline use, with the pictures and recordings they
// show: only for the version they were rendered for, only while the link can
// still be answered (answered, expired or unknown links are forgotten), and
// at most MAX_KEPT_PAGES, oldest out. Used by the first page (which loads
// before the worker) and by the worker.
import { linkState, rememberAnswered } from "./outbox.js";
import { MAX_KEPT_PAGES, PAGES_CACHE, SHELL_CACHE, VERSION, isKeptPath, isPagesCache, pageKey, surveyToken } from "./offline-names.js";

// Pages meant for offline use carry data-offline-page on <body>.
const OFFLINE_PAGE = /<body[^>]*\sdata-offline-page[\s>=]/;

// Resolves with whether the page was kept.
export async function keepPage(href, response) {
  if (!response.ok) return false;
  const html = await response.clone().text();
  if (!OFFLINE_PAGE.test(html) || !html.includes(`/static/${VERSION}/`)) return false;
  const token = surveyToken(href);
  if (token && (await linkState(token))) return false;
  const pages = await caches.open(PAGES_CACHE);
  await pages.put(pageKey(href), response);
  await keepWhatItShows(html, pages);
  await trim(pages);
  return true;
}

// The worker's view of a survey address: keep the page, or forget the link
// when the server shows it answered (a thank-you page), expired or unknown.
export async function keepOrForget(href, response) {
  if (await keepPage(href, response.clone())) return;
  const token = surveyToken(href);
  if (!token) return;
  if (response.ok && !OFFLINE_PAGE.test(await response.text())) {
    await rememberAnswered(token);
    await forgetLinks([token]);
  } else if (response.status === 404 || response.status === 410) {
    await forgetLinks([token]);
  }
}

async function keepWhatItShows(html, pages) {
  const shell = await caches.open(SHELL_CACHE);
  // Pictures and audio (src), and a question type's own script (data-enhance).
  for (const [, source] of html.matchAll(/\s(?:src|data-enhance)="([^"]+)"/g)) {
    const url = new URL(source.replaceAll("&amp;", "&"), self.location.href);
    const cache = url.pathname.startsWith(`/static/${VERSION}/`) ? shell : url.pathname.startsWith("/audio/") ? pages : null;
    // Mostly answered by the HTTP cache: the page has just loaded them.
    if (cache && url.origin === self.location.origin && !(await cache.match(url))) await cache.add(url).catch(() => {});
  }
}

async function trim(pages) {
  const kept = (await pages.keys()).filter((request) => isKeptPath(new URL(request.url).pathname));
  const dated = await Promise.all(
    kept.map(async (request) => [Date.parse((await pages.match(request)).headers.get("date")) || 0, request]),
  );
  dated.sort((a, b) => a[0] - b[0]);
  await Promise.all(dated.slice(0, -MAX_KEPT_PAGES).map(([, request]) => pages.delete(request)));
}

// Forget every kept copy (any language, any version) of these links' pages.
export async function forgetLinks(tokens = []) {
  if (!tokens.length) return;
  for (const name of (await caches.keys()).filter(isPagesCache)) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      if (tokens.includes(surveyToken(request.url))) await cache.delete(request);
    }
  }
}

// A new worker, installing: fetch again, for its version, every page an
// older one kept. A network failure fails the install, so the older version
// stays in charge, whole, until a later try.
export async function carryPagesOver() {
  for (const name of (await caches.keys()).filter((name) => isPagesCache(name) && name !== PAGES_CACHE)) {
    for (const request of await (await caches.open(name)).keys()) {
      if (!isKeptPath(new URL(request.url).pathname)) continue;
      await keepOrForget(request.url, await fetch(request.url, { cache: "no-store" }));
    }
  }
}
