"""VAPID keys (RFC 8292): made by `pace-forms vapid-keys`, set by environment,
never kept in the repository; and the seal on a respondent's link path."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class VapidKeys:
    # The P-256 private value, base64url (what pywebpush reads).
    private_key: str
    # The uncompressed public point, base64url: a browser's applicationServerKey.
    public_key: str


def make_vapid_keys() -> VapidKeys:
    private = ec.generate_private_key(ec.SECP256R1())
    raw_private = private.private_numbers().private_value.to_bytes(32, "big")
    raw_public = private.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return VapidKeys(b64url(raw_private), b64url(raw_public))


def vapid_problem(config) -> str | None:
    """What is missing for sending, in words, or None."""
    missing = [name for name in ("VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY", "VAPID_SUBJECT") if not config.get(name)]
    if missing:
        return f"Web Push is not set up: set {', '.join('PACE_' + name for name in missing)} (pace-forms vapid-keys makes them)."
    subject = str(config["VAPID_SUBJECT"])
    if not subject.startswith(("mailto:", "https://")):
        return "PACE_VAPID_SUBJECT must be a mailto: address or an https:// page where a push service can reach whoever runs this."
    return None


def _link_sealer(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"pace-forms push link").derive(secret_key.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def seal_link(path: str, secret_key: str) -> str:
    return _link_sealer(secret_key).encrypt(path.encode("utf-8")).decode("ascii")


def open_link(sealed: str | None, secret_key: str) -> str | None:
    """The sealed path, or None when it cannot be read (the secret key changed)."""
    if not sealed:
        return None
    try:
        return _link_sealer(secret_key).decrypt(sealed.encode("ascii")).decode("utf-8")
    except InvalidToken:
        return None
