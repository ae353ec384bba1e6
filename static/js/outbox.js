// The device's outbox: survey responses waiting to reach the server.
//
// Records, not HTTP requests, are kept (keyed by the id made on the device),
// and one leaves only when the server has answered for it with a status that
// means it is stored. A network error, a 5xx or a reply we cannot read keeps
// everything. No UI here: pages listen on the "pace-outbox" BroadcastChannel.
// Used both by pages and by the service worker (Background Sync).

const DB_NAME = "pace-forms";
// Upgrades only ever add stores: never drop the outbox on a schema change.
const DB_VERSION = 1;
const OUTBOX = "outbox";
const META = "meta";
const ENDPOINT = "/api/v1/responses";
const FIRST_BATCH_SIZE = 50;
// Statuses under which the server has the item, for good or for an admin.
const STORED_BY_SERVER = new Set(["created", "duplicate", "conflict", "quarantined"]);

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
    const tx = db.transaction([OUTBOX, META], mode);
    let result;
    Promise.resolve(fn(tx.objectStore(OUTBOX), tx.objectStore(META))).then((value) => {
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
export async function enqueue(item) {
  if (!item || typeof item.id !== "string") throw new TypeError("an outbox item needs a string id");
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

// Send everything waiting, a batch at a time. Resolves with a summary;
// rejects only when the server could not be reached or answered with a 5xx,
// so that a Background Sync event is retried by the browser.
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
  const summary = { sent: 0, kept: 0, waiting: records.length };
  let batchSize = FIRST_BATCH_SIZE;
  let start = 0;
  while (start < records.length) {
    const batch = records.slice(start, start + batchSize);
    let reply;
    try {
      reply = await fetchImpl(ENDPOINT, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ responses: batch.map((record) => record.item) }),
        credentials: "same-origin",
        cache: "no-store",
      });
    } catch (error) {
      throw new OutboxError("offline", "The server could not be reached.", error);
    }
    if (reply.status === 413 && batchSize > 1) {
      batchSize = Math.max(1, Math.floor(batchSize / 2));
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
      if (result.id === record.id && STORED_BY_SERVER.has(result.status)) done.push(record.id);
      else refused.push([record, describe(result)]);
    });
    await settle(done, refused);
    summary.sent += done.length;
    summary.kept += refused.length;
    start += batch.length;
  }
  summary.waiting = summary.kept;
  announce();
  return summary;
}

async function settle(doneIds, refused) {
  await transact("readwrite", (outbox, meta) => {
    doneIds.forEach((id) => outbox.delete(id));
    refused.forEach(([record, problem]) => outbox.put({ ...record, attempts: record.attempts + 1, problem }));
    if (doneIds.length) meta.put(new Date().toISOString(), "lastSentAt");
  });
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
