"""Sealed answers: the server's key pairs and opening a sealed sync item.

A device in kiosk mode seals each response before it stores it (a fresh
AES-256-GCM key per response, wrapped with the server's RSA-OAEP-256 public
key; static/js/seal.js), so a lost tablet holds nothing readable. Here the
server opens it again and hands the plain item to the one write path.

Keys are RSA 3072-bit pairs, each named by a key id (kid) that begins with
the time it was made, so the newest is the current one. They are read from
PACE_SEALING_KEYS_DIR (default: `sealing-keys` in the instance folder), one
`<kid>.pem` a key, and from PACE_SEALING_KEYS (a JSON object of kid -> PEM,
for hosts that keep secrets in the environment). A key stays accepted until
PACE_SEALING_KEY_GRACE_DAYS after a newer key became current; then an item
sealed with it is refused with a reason saying so. Plain functions; the one
cache keeps parsed keys per file, so a key made by the command is seen
without a restart."""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pace_forms.responses.items import NotStandardJSON, read_json

KEY_BITS = 3072
KID_PATTERN = re.compile(r"(\d{8}T\d{6}Z)-[0-9a-f]{6,32}")
KID_TIME_FORMAT = "%Y%m%dT%H%M%SZ"
DEFAULT_KEYS_DIRNAME = "sealing-keys"
# Without a setting, a retired key is kept at least this long, and never
# shorter than the grace a survey link's offline answers have.
DEFAULT_GRACE_DAYS = 30
# What may stay outside the seal: the id (duplicates are still recognised
# without opening anything) and, in kiosk mode, the review (so the worker's
# authority is checked before any RSA work is spent on the item).
OUTSIDE_FIELDS = frozenset({"id", "review", "sealed"})
SEALED_PARTS = ("kid", "wrapped_key", "iv", "ciphertext")
IV_BYTES = 12
AES_KEY_BYTES = 32
BASE64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")
OAEP = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
CACHE_KEY = "pace_forms.responses.sealing"
UNAVAILABLE_MESSAGE = (
    "Sealing is not set up on this server, so answers cannot be sealed on a device: "
    "an administrator makes a key with `pace-forms sealing-keys new`."
)


class SealingKeyError(ValueError):
    """A configured key cannot be used; the message names it and why."""


@dataclass(frozen=True)
class SealingKey:
    kid: str
    created_at: datetime
    private_key: rsa.RSAPrivateKey
    source: str  # "file <name>" or "environment"

    def public_jwk(self) -> dict[str, Any]:
        """The public half as a JWK that WebCrypto imports for RSA-OAEP with SHA-256."""
        numbers = self.private_key.public_key().public_numbers()
        return {
            "kty": "RSA",
            "alg": "RSA-OAEP-256",
            "use": "enc",
            "kid": self.kid,
            "n": _b64url_encode_int(numbers.n),
            "e": _b64url_encode_int(numbers.e),
        }


@dataclass(frozen=True)
class Keyring:
    """Every configured key, oldest first; the newest is current."""

    keys: tuple[SealingKey, ...]
    grace: timedelta

    @property
    def current(self) -> SealingKey | None:
        return self.keys[-1] if self.keys else None

    def find(self, kid: str) -> SealingKey | None:
        return next((key for key in self.keys if key.kid == kid), None)

    def retired_at(self, key: SealingKey) -> datetime | None:
        """When items sealed with this key stop being accepted: the grace
        after the next key became current. None while it is the current one."""
        position = self.keys.index(key)
        if position == len(self.keys) - 1:
            return None
        return self.keys[position + 1].created_at + self.grace

    def is_accepted(self, key: SealingKey, now: datetime) -> bool:
        retired_at = self.retired_at(key)
        return retired_at is None or now < retired_at


@dataclass(frozen=True)
class Opened:
    """A sealed item opened: the plain item, as if it had been sent so."""

    item: dict[str, Any]


@dataclass(frozen=True)
class NotOpened:
    field: str
    message: str

    def as_error(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


def is_sealed(item: Any) -> bool:
    return isinstance(item, dict) and "sealed" in item


def grace_of(config: Mapping[str, Any]) -> timedelta:
    days = config.get("SEALING_KEY_GRACE_DAYS")
    if days is None:
        days = max(int(config.get("EXPIRED_LINK_GRACE_DAYS") or 0), DEFAULT_GRACE_DAYS)
    return timedelta(days=float(days))


def keys_dir_of(config: Mapping[str, Any], instance_path: str) -> Path:
    return Path(config.get("SEALING_KEYS_DIR") or Path(instance_path) / DEFAULT_KEYS_DIRNAME)


def created_at_of(kid: str) -> datetime:
    match = KID_PATTERN.fullmatch(kid) if isinstance(kid, str) else None
    if match is None:
        raise SealingKeyError(f"{kid!r} is not a sealing key id: it must look like 20261130T120000Z-1a2b3c (made, then random hex)")
    return datetime.strptime(match.group(1), KID_TIME_FORMAT).replace(tzinfo=timezone.utc)


def load_keyring(config: Mapping[str, Any], instance_path: str, cache: dict | None = None) -> Keyring:
    """Every key from the folder and the environment setting. `cache` (kept
    per app) remembers parsed keys by file name, size and change time."""
    cache = {} if cache is None else cache
    found: dict[str, SealingKey] = {}
    folder = keys_dir_of(config, instance_path)
    if folder.is_dir():
        for path in sorted(folder.glob("*.pem")):
            stat = path.stat()
            stamp = (str(path), stat.st_size, stat.st_mtime_ns)
            key = cache.get(stamp)
            if key is None:
                key = cache[stamp] = _parse_key(path.stem, path.read_bytes(), f"file {path.name}")
            found[key.kid] = key
    from_environment = config.get("SEALING_KEYS") or {}
    if not isinstance(from_environment, dict):
        raise SealingKeyError("PACE_SEALING_KEYS must be a JSON object of key id -> PEM private key")
    for kid, pem in from_environment.items():
        stamp = ("environment", kid, pem)
        key = cache.get(stamp)
        if key is None:
            key = cache[stamp] = _parse_key(kid, str(pem).encode("ascii", "replace"), "environment")
        found[kid] = key
    return Keyring(tuple(sorted(found.values(), key=lambda key: (key.created_at, key.kid))), grace_of(config))


def app_keyring(app) -> Keyring:
    """The keyring of a Flask app, its parsed keys cached on the app."""
    return load_keyring(app.config, app.instance_path, app.extensions.setdefault(CACHE_KEY, {}))


def _parse_key(kid: str, pem: bytes, source: str) -> SealingKey:
    created_at = created_at_of(kid)
    try:
        private_key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as error:
        raise SealingKeyError(f"sealing key {kid} ({source}) is not an unencrypted PEM private key: {error}") from error
    if not isinstance(private_key, rsa.RSAPrivateKey) or private_key.key_size < KEY_BITS:
        raise SealingKeyError(f"sealing key {kid} ({source}) must be an RSA key of at least {KEY_BITS} bits")
    return SealingKey(kid, created_at, private_key, source)


def make_key(folder: Path, now: datetime, after: datetime | None = None) -> SealingKey:
    """A new key pair, written to `<kid>.pem` readable by its owner only. Its
    kid is made a second after `after` (the current key's) if that is later
    than now, so that the newest key always sorts last."""
    made_at = now.astimezone(timezone.utc).replace(microsecond=0)
    if after is not None and made_at <= after:
        made_at = after + timedelta(seconds=1)
    kid = f"{made_at:{KID_TIME_FORMAT}}-{secrets.token_hex(4)}"
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{kid}.pem"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return SealingKey(kid, created_at_of(kid), private_key, f"file {path.name}")


def open_sealed_item(item: dict[str, Any], keyring: Keyring, now: datetime) -> Opened | NotOpened:
    """The plain item inside a sealed one, or the field and reason it cannot
    be opened. The id is the additional authenticated data, so a sealed body
    moved under another id fails its tag. Never raises for bad input."""
    for name in item:
        if name not in OUTSIDE_FIELDS:
            return NotOpened(str(name)[:64], "must be inside the sealed part: a sealed item carries only id, review and sealed outside")
    sealed = item["sealed"]
    if not isinstance(sealed, dict):
        return NotOpened("sealed", "must be an object with kid, wrapped_key, iv and ciphertext")
    for part in SEALED_PARTS:
        if not isinstance(sealed.get(part), str):
            return NotOpened(f"sealed.{part}", "is missing, or is not text")
    kid = sealed["kid"]
    key = keyring.find(kid)
    if key is None:
        known = f"this server's current key is {keyring.current.kid}" if keyring.current else "this server has no sealing key"
        return NotOpened("sealed.kid", f"no sealing key {kid[:64]!r} is known here ({known}); these answers cannot be opened")
    if not keyring.is_accepted(key, now):
        return NotOpened(
            "sealed.kid",
            f"the sealing key {kid} was retired on {keyring.retired_at(key):%d %B %Y} and its answers can no longer be opened here; "
            "a device must fetch the current key before it collects answers",
        )
    wrapped_key, iv, ciphertext = (_b64url_decode(sealed[part]) for part in SEALED_PARTS[1:])
    if wrapped_key is None:
        return NotOpened("sealed.wrapped_key", "is not base64url text")
    if iv is None or len(iv) != IV_BYTES:
        return NotOpened("sealed.iv", f"must be {IV_BYTES} bytes in base64url")
    if ciphertext is None:
        return NotOpened("sealed.ciphertext", "is not base64url text")
    try:
        aes_key = key.private_key.decrypt(wrapped_key, OAEP)
    except ValueError:
        aes_key = None
    if aes_key is None or len(aes_key) != AES_KEY_BYTES:
        return NotOpened("sealed.wrapped_key", f"could not be unwrapped with the key {kid}: it was changed, or wrapped with another key")
    try:
        plain = AESGCM(aes_key).decrypt(iv, ciphertext, str(item.get("id")).encode("utf-8"))
    except InvalidTag:
        return NotOpened("sealed.ciphertext", "failed its integrity check: it was changed after sealing, or sealed under another id")
    try:
        body = read_json(plain.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, NotStandardJSON, RecursionError):
        body = None
    if not isinstance(body, dict):
        return NotOpened("sealed.ciphertext", "does not hold a JSON object of the item's fields")
    if "id" in body and body["id"] != item.get("id"):
        return NotOpened("sealed.ciphertext", "holds another id than the item's")
    if "review" in item and body.get("review") != item["review"]:
        return NotOpened("review", "is not the review sealed inside the item")
    return Opened({**body, "id": item.get("id")})


def seal_item(item: dict[str, Any], kid: str, public_key: rsa.RSAPublicKey) -> dict[str, Any]:
    """What static/js/seal.js makes, in Python: for tests and other clients."""
    response_id = item["id"]
    body = {name: value for name, value in item.items() if name != "id"}
    aes_key = AESGCM.generate_key(bit_length=256)
    iv = os.urandom(IV_BYTES)
    ciphertext = AESGCM(aes_key).encrypt(iv, json.dumps(body).encode("utf-8"), response_id.encode("utf-8"))
    sealed = {
        "kid": kid,
        "wrapped_key": _b64url_encode(public_key.encrypt(aes_key, OAEP)),
        "iv": _b64url_encode(iv),
        "ciphertext": _b64url_encode(ciphertext),
    }
    outside = {"id": response_id, "sealed": sealed}
    if "review" in item:
        outside["review"] = item["review"]
    return outside


def _b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_encode_int(number: int) -> str:
    return _b64url_encode(number.to_bytes((number.bit_length() + 7) // 8, "big"))


def _b64url_decode(text: str) -> bytes | None:
    if not BASE64URL.fullmatch(text):
        return None
    try:
        return base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        return None
