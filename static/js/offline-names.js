// Names the pages and the service worker share. Served at
// /static/<version>/js/offline-names.js, like every asset of a page, so the
// version in its own URL is the version of whoever imported it.
export const VERSION = new URL(import.meta.url).pathname.split("/")[2];

// A shell cache and a kept-pages cache per version: a page is only ever
// served offline with the scripts it was rendered for.
export const SHELL_CACHE = `pace-shell-${VERSION}`;
export const PAGES_CACHE = `pace-pages-${VERSION}`;
export const isPagesCache = (name) => name.startsWith("pace-pages");
export const isOurCache = (name) => name.startsWith("pace-");
export const KIOSK_CACHE = `pace-kiosk-${VERSION}`;
export const MAX_KEPT_PAGES = 20;

export const SYNC_TAG = "pace-outbox";
// Held (shared) by each page with answers not yet saved on the device.
export const UNSAVED_ANSWERS_LOCK = "pace-unsaved-answers";

const SURVEY_PATH = /^\/s\/([^/]+)$/;

export function surveyToken(href) {
  const match = SURVEY_PATH.exec(new URL(href, self.location.href).pathname);
  return match ? decodeURIComponent(match[1]) : null;
}

// Kept for offline use: survey pages and the home page.
export const isKeptPath = (pathname) => pathname === "/" || SURVEY_PATH.test(pathname);

// A page's cache key: its path, and its language when one is asked for
// (not ?sent=1 or anything else in the query).
export function pageKey(href) {
  const url = new URL(href, self.location.href);
  const lang = url.searchParams.get("lang");
  return url.origin + url.pathname + (lang ? `?lang=${encodeURIComponent(lang)}` : "");
}
