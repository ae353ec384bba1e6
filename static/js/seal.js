// Sealing a queued response so that the device holds nothing readable
// (kiosk mode): a fresh AES-256-GCM key per response encrypts every field but
// the id (the id is the additional authenticated data, so the sealed body
// cannot be moved under another id), and that key is wrapped with the
// server's RSA-OAEP-256 public key. Only the server can open it again
// (pace_forms/responses/sealing.py). Loaded only by pages that seal: the
// outbox imports it for an item queued with {seal: true}; survey pages never
// load it, and the service worker does not precache it (a kiosk page imports
// it while online to call prepareSealing, and the worker keeps it then).

const encoder = new TextEncoder();
const RSA_OAEP = { name: "RSA-OAEP", hash: "SHA-256" };
// The server's public key is no secret: kept where the pages can read it offline.
const KEY_STORAGE = "pace-sealing-key";

export class SealingUnavailable extends Error {
  constructor() {
    super("The server's sealing key is not on this device, so answers cannot be sealed.");
    this.name = "SealingUnavailable";
  }
}

// While online, before collecting answers to seal: fetch the server's current
// key (GET /api/v1/sealing-key, or a form's `sealing_key`) and pass it here.
// Rejects with SealingUnavailable when the server has none: offline
// collection must then not start.
export async function prepareSealing(key) {
  if (!key || typeof key.kid !== "string" || !key.jwk) throw new SealingUnavailable();
  // Imported once so that it fails now, not offline, if the browser cannot.
  await crypto.subtle.importKey("jwk", key.jwk, RSA_OAEP, false, ["wrapKey"]);
  localStorage.setItem(KEY_STORAGE, JSON.stringify({ kid: key.kid, jwk: key.jwk }));
}

export function preparedKey() {
  try {
    return JSON.parse(localStorage.getItem(KEY_STORAGE) || "null");
  } catch {
    return null;
  }
}

// The outbox's hook: seal with the prepared key, or refuse (nothing stored).
export async function sealQueued(item) {
  const key = preparedKey();
  if (!key) throw new SealingUnavailable();
  return sealItem(item, key);
}

function base64url(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  for (let index = 0; index < bytes.length; index += 1) binary += String.fromCharCode(bytes[index]);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// item: a sync item with its id; key: {kid, jwk} as GET /api/v1/sealing-key
// gives it. Resolves with the sealed item: {id, review (kiosk mode), sealed}.
export async function sealItem(item, { kid, jwk }) {
  if (!item || typeof item.id !== "string") throw new TypeError("a sealed item needs a string id");
  if (typeof kid !== "string" || !jwk) throw new TypeError("sealing needs the server's key: {kid, jwk}");
  const { id, ...body } = item;
  const publicKey = await crypto.subtle.importKey("jwk", jwk, RSA_OAEP, false, ["wrapKey"]);
  // Extractable only so that it can be wrapped; it is never kept.
  const answerKey = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt"]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(id) },
    answerKey,
    encoder.encode(JSON.stringify(body)),
  );
  const wrappedKey = await crypto.subtle.wrapKey("raw", answerKey, publicKey, { name: "RSA-OAEP" });
  const sealed = { id, sealed: { kid, wrapped_key: base64url(wrappedKey), iv: base64url(iv), ciphertext: base64url(ciphertext) } };
  // The review stays outside too, so the server checks the worker's
  // authority before it opens anything; the same review is sealed inside.
  if (item.review !== undefined) sealed.review = item.review;
  return sealed;
}
