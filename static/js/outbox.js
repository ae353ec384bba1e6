// The device's outbox: survey responses waiting to reach the server.
//
// Records, not HTTP requests, are kept (keyed by the id made on the device),
// and one leaves only when the server has answered for it with a status that
// means it is stored. A network error, a 5xx or a reply we cannot read keeps
// everything. No UI here: pages listen on the "pace-outbox" BroadcastChannel.
// Used both by pages and by the service worker (Background Sync). The links
// store remembers what became of each link's answers, for the pages to say.

const DB_NAME = "pace-forms";
// Upgrades only ever add stores (2 added links): never drop the outbox.
const DB_VERSION = 2;
const OUTBOX = "outbox";
const META = "meta";
const LINKS = "links";
const STORES = [OUTBOX, META, LINKS];
const ENDPOINT = "/api/v1/responses";
const FIRST_BATCH_SIZE = 50;
// Statuses under which the server has the item, for good or for an admin.
const STORED_BY_SERVER = new Set(["created", "duplicate", "conflict", "quarantined"]);
// A link's state once the server has its answers: counted, or kept aside.
export const ANSWERED = "answered";
export const KEPT_ASIDE = "kept_aside";

export const CHANNEL = "pace-outbox";

let opening = null;

function openDatabase() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(OUTBOX)) db.createObjectStore(OUTBOX, { keyPath: "id" });
        if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
        if (!db.objectStoreNames.contains(LINKS)) db.createObjectStore(LINKS, { keyPath: "token" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => {
        opening = null;
        reject(request.error);
      };
    });
  }
  return opening;
}

// Run fn(stores) in one transaction; resolve with its result once committed.
async function transact(mode, fn) {
  const db = await openDatabase();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORES, mode);
    let result;
    Promise.resolve(fn(...STORES.map((name) => tx.objectStore(name)))).then((value) => {
      result = value;
    }, reject);
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("outbox transaction aborted"));
  });
}

function requested(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function announce() {
  if (typeof BroadcastChannel === "function") {
    const channel = new BroadcastChannel(CHANNEL);
    channel.postMessage({ type: "changed" });
    channel.close();
  }
}

// Keep a response on the device. Resolves only once it is safely written.
export async function enqueue(item, options) {
  if (!item || typeof item.id !== "string") throw new TypeError("an outbox item needs a string id");
  if (options?.seal) item = await (await import("./seal.js")).sealQueued(item);
  await transact("readwrite", (outbox) =>
    requested(outbox.put({ id: item.id, item, queuedAt: new Date().toISOString(), attempts: 0, problem: null })),
  );
  announce();
}

export async function pending() {
  return transact("readonly", (outbox) => requested(outbox.getAll()));
}

export async function lastSentAt() {
  return transact("readonly", (outbox, meta) => requested(meta.get("lastSentAt")));
}

// {token, state, reason, locale, at} once the server has answers on a link.
export async function linkState(token) {
  return transact("readonly", (outbox, meta, links) => requested(links.get(token)));
}

// The server showed this link answered (from here or elsewhere).
export async function rememberAnswered(token) {
  await transact("readwrite", async (outbox, meta, links) => {
    if (!(await requested(links.get(token)))) links.put({ token, state: ANSWERED, reason: null, locale: null, at: new Date().toISOString() });
  });
  announce();
}

// Send everything waiting, a batch at a time. Resolves with a summary (its
// `settledLinks` are the tokens of links the server now has answers on);
// rejects only when the server could not be reached or answered with a 5xx
// or 429, so that a Background Sync event is retried by the browser.
export async function flush({ fetchImpl = fetch } = {}) {
  const run = () => sendAll(fetchImpl);
  if (typeof navigator !== "undefined" && navigator.locks) {
    // One sender at a time across tabs and the service worker.
    return navigator.locks.request("pace-outbox-flush", run);
  }
  return run();
}

async function sendAll(fetchImpl) {
  const records = await pending();
  const summary = { sent: 0, kept: 0, waiting: records.length, settledLinks: [] };
  let batchSize = FIRST_BATCH_SIZE;
  let start = 0;
  while (start < records.length) {
    const batch = records.slice(start, start + batchSize);
    let reply;
    try {
      // Kiosk items need a fresh CSRF token of the worker's session.
      const session = batch.some((record) => record.item.review) && (await fetchImpl("/api/v1/csrf-token", { cache: "no-store" }));
      reply = await fetchImpl(ENDPOINT, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": session.ok ? (await session.json()).csrf_token : "" },
        body: JSON.stringify({ responses: batch.map((record) => record.item) }),
        credentials: "same-origin",
        cache: "no-store",
      });
    } catch (error) {
      throw new OutboxError("offline", "The server could not be reached.", error);
    }
    if (reply.status === 413 && batch.length > 1) {
      // Too large: send the same records again in halves.
      batchSize = Math.max(1, Math.floor(batch.length / 2));
      continue;
    }
    if (!reply.ok) {
      const reason = await errorMessage(reply);
      if (reply.status >= 500 || reply.status === 429) throw new OutboxError("server", reason);
      // A 4xx for the whole batch: keep it all and say so; retrying cannot help yet.
      await markProblem(batch, reason);
      summary.kept += batch.length;
      start += batch.length;
      continue;
    }
    let results;
    try {
      results = (await reply.json()).results;
    } catch (error) {
      throw new OutboxError("server", "The server's reply could not be read.", error);
    }
    if (!Array.isArray(results) || results.length !== batch.length) {
      throw new OutboxError("server", "The server's reply did not answer for every item.");
    }
    const done = [];
    const refused = [];
    batch.forEach((record, index) => {
      const result = results[index] || {};
      if (result.id === record.id && STORED_BY_SERVER.has(result.status)) done.push([record, result]);
      else refused.push([record, describe(result)]);
    });
    await settle(done, refused);
    done.forEach(([record]) => record.item.invitation && summary.settledLinks.push(record.item.invitation));
    summary.sent += done.length;
    summary.kept += refused.length;
    start += batch.length;
  }
  summary.waiting = summary.kept;
  announce();
  return summary;
}

// In one transaction: stored answers leave and their link records the
// outcome; refused ones stay, with the reason.
async function settle(done, refused) {
  const now = new Date().toISOString();
  await transact("readwrite", (outbox, meta, links) => {
    done.forEach(([record, result]) => {
      outbox.delete(record.id);
      if (record.item.invitation) links.put(linkRecord(record.item, result, now));
    });
    refused.forEach(([record, problem]) => outbox.put({ ...record, attempts: record.attempts + 1, problem }));
    if (done.length) meta.put(now, "lastSentAt");
  });
}

function linkRecord(item, result, at) {
  const base = { token: item.invitation, locale: item.locale || null, responseId: item.id, at };
  if (result.status !== "quarantined") return { ...base, state: ANSWERED, reason: null };
  const fields = (Array.isArray(result.errors) ? result.errors : []).map((error) => String(error.field || ""));
  const reason = fields.some((field) => field === "invitation") ? "link" : "answers";
  return { ...base, state: KEPT_ASIDE, reason };
}

async function markProblem(records, problem) {
  await settle([], records.map((record) => [record, problem]));
}

function describe(result) {
  const errors = Array.isArray(result.errors) ? result.errors : [];
  return errors.map((error) => error.message).join("; ") || `not stored (${result.status || "no answer"})`;
}

async function errorMessage(reply) {
  try {
    const body = await reply.json();
    return (body.error && body.error.message) || `HTTP ${reply.status}`;
  } catch {
    return `HTTP ${reply.status}`;
  }
}

export class OutboxError extends Error {
  constructor(kind, message, cause) {
    super(message);
    this.name = "OutboxError";
    this.kind = kind;
    this.cause = cause;
  }
}
