"""Configuration: safe defaults, then PACE_* environment variables.

Every setting here can be overridden with an environment variable of the same
name prefixed with ``PACE_`` (``PACE_SECRET_KEY``, ``PACE_INVITATION_DAYS``...);
values are parsed as JSON where they can be, so ``PACE_INVITATION_DAYS=14`` is
a number. ``DATABASE_URL`` is honoured too, as hosting platforms set it.
"""

from __future__ import annotations

import math
import os
import secrets
from collections import Counter
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, object] = {
    "ENV": "development",
    "SECRET_KEY": None,
    "DATABASE_URL": None,
    # The SQLite file in the instance folder, when no DATABASE_URL is given.
    "DATABASE_FILENAME": "pace-forms.sqlite",
    "FORMS_DIR": str(PROJECT_ROOT / "forms"),
    # Recorded read-aloud files that forms name with `audio:`, served at /audio/.
    "AUDIO_DIR": str(PROJECT_ROOT / "static" / "audio"),
    # How long a survey link stays valid after the review.
    "INVITATION_DAYS": 28,
    # An item filled in while its link was valid still counts when it arrives
    # up to this many days after the link expired (a phone kept offline).
    "EXPIRED_LINK_GRACE_DAYS": 14,
    # The sync contract's limits.
    "MAX_BATCH_ITEMS": 100,
    # Responses quarantined and conflicts kept aside that one survey link may
    # add; past it an item is answered but not stored (a flood, not a family).
    "MAX_HELD_RESPONSES_PER_LINK": 20,
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    # Absolute base for printed links (the CLI has no request to take it from).
    "BASE_URL": "http://127.0.0.1:5000",
    # How many reverse proxies in front set X-Forwarded-For/-Proto/-Host (0: none trusted).
    "TRUSTED_PROXIES": 0,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "WTF_CSRF_TIME_LIMIT": 3600,
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    # How long a request waits for SQLite's write lock (held by another
    # process or request) before it is answered 503 with Retry-After.
    "SQLITE_BUSY_TIMEOUT_SECONDS": 30,
    # Rate limits (Flask-Limiter). Several app servers must share a store:
    # PACE_RATELIMIT_STORAGE_URI=redis://host:6379 (memory:// is per process).
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    "SYNC_RATE_LIMIT": "120 per minute",
    "SURVEY_POST_RATE_LIMIT": "30 per minute",
    # Sign-in tries per client address, and the lock-out after failures in a row.
    "SIGN_IN_RATE_LIMIT": "10 per minute",
    "LOCKOUT_FAILURES": 5,
    "LOCKOUT_MINUTES": 15,
    # Free text from these respondents is checked for concern words; a match
    # raises a safeguarding follow-up. None means the built-in list.
    "CONCERN_WORDS": None,
    "CONCERN_AUDIENCES": ["child-4-7", "child-8-11", "young-person"],
    # The same for parents' and carers' comments, with a short adult list
    # (self-harm, suicide, violence at home). None means the built-in list.
    "ADULT_CONCERN_WORDS": None,
    "ADULT_CONCERN_AUDIENCES": ["parent", "carer"],
    # A follow-up not taken on within this many hours is shown as overdue.
    "FOLLOW_UP_OVERDUE_HOURS": 24,
    # How often an open staff page asks whether new follow-ups were raised.
    "FOLLOW_UP_POLL_SECONDS": 30,
    # How long responses, answers and invitations are kept (pace-forms purge);
    # and the audit log, which a records reviewer may need for longer.
    "RETENTION_MONTHS": 36,
    "AUDIT_RETENTION_MONTHS": 72,
    # Figures about fewer respondents than this are hidden (never below 5).
    "MIN_CELL": 5,
    # Scripts and styles served minified (rjsmin, rcssmin); off only to read them as written.
    "MINIFY_STATIC": True,
    # Sealed answers (pace_forms/responses/sealing.py): the folder of the
    # server's private keys (None: `sealing-keys` in the instance folder),
    # keys given in the environment instead (a JSON object of key id -> PEM),
    # and how long a key is still accepted after a newer one became current
    # (None: the longer of EXPIRED_LINK_GRACE_DAYS and 30 days).
    "SEALING_KEYS_DIR": None,
    "SEALING_KEYS": None,
    "SEALING_KEY_GRACE_DAYS": None,
    # Web Push (pace-forms vapid-keys makes the keys; never put them in the repo).
    # The subject is how a push service reaches whoever runs this: mailto:...
    "VAPID_PRIVATE_KEY": None,
    "VAPID_PUBLIC_KEY": None,
    "VAPID_SUBJECT": None,
    # A respondent who turned on a reminder gets it this many hours later if
    # their link is still unanswered (and not expired); one reminder only.
    "PUSH_REMINDER_HOURS": 24,
    # A worker's device that reported answers waiting is told after this long.
    "PUSH_OUTBOX_WAITING_MINUTES": 30,
    # How long a push service keeps a notice for a device that is off.
    "PUSH_TTL_SECONDS": 86400,
    # Tries of one notice after 429 or 5xx answers before it is given up.
    "PUSH_MAX_ATTEMPTS": 8,
    # Push services are reached over HTTPS only; tests point at plain HTTP on loopback.
    "PUSH_ALLOW_PLAIN_HTTP": False,
    # The push services subscriptions may name (a JSON list; "*.x" is any host
    # under x). None: the browsers' own (push/subscriptions.py KNOWN_PUSH_SERVICES).
    "PUSH_SERVICE_HOSTS": None,
}

# What PACE_ENV=production sets over the above: cookies sent over HTTPS only,
# and as __Host- cookies, which a browser keeps only when Secure, for the
# whole site and from this host alone (no subdomain can set or widen them).
PRODUCTION_SETTINGS: dict[str, object] = {
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_NAME": "__Host-session",
    "SESSION_COOKIE_PATH": "/",
    "SESSION_COOKIE_DOMAIN": None,
    # Flask-Login's "remember me" cookie (not offered today), should it ever
    # be. Not renamed __Host-: Flask-Login clears it without the Secure flag,
    # and a browser ignores a __Host- cookie set without it, so it would stay.
    "REMEMBER_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
}

SECRET_KEY_FILE = "secret_key"
MAKE_A_KEY = "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
MIN_SECRET_LENGTH = 32
# Bits estimated from the key's own character frequencies (below). 32 random
# hex digits (128 real bits) estimate at about 100 to 130; 32 x "a" at 0.
MIN_SECRET_BITS = 90


class ConfigError(RuntimeError):
    """The configuration cannot run safely; the message says what to set."""


def database_url(config: dict, instance_path: str) -> str:
    url = config.get("SQLALCHEMY_DATABASE_URI") or config.get("DATABASE_URL")
    if not url:
        url = "sqlite:///" + str(Path(instance_path) / config.get("DATABASE_FILENAME", "pace-forms.sqlite"))
    # Hosting platforms still hand out the old scheme; SQLAlchemy wants the driver.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def secret_key(config: dict, instance_path: str) -> str:
    """The configured key; in production a real one is required, elsewhere
    a random one is made once and kept in the instance folder."""
    key = config.get("SECRET_KEY")
    if key:
        weakness = secret_key_weakness(str(key)) if config["ENV"] == "production" else None
        if weakness:
            raise ConfigError(f"PACE_SECRET_KEY is too weak for production: {weakness}. Use at least 32 random characters {MAKE_A_KEY}.")
        return str(key)
    if config["ENV"] == "production":
        raise ConfigError(f"PACE_ENV=production needs PACE_SECRET_KEY: set it to a long random value {MAKE_A_KEY}.")
    path = Path(instance_path) / SECRET_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Created readable by the owner only; it signs sessions and CSRF tokens.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def secret_key_weakness(key: str) -> str | None:
    """Why a production key is too weak to sign sessions and CSRF tokens, or None.

    A key only looks random from outside; this catches the keys people type:
    short ones, repeats ("aaaa...", "changemechangeme..."), runs ("abcd...",
    "1234..."), and too few different characters for their length."""
    if len(key) < MIN_SECRET_LENGTH:
        return f"it has {len(key)} characters"
    if key in (key + key)[1:-1]:
        return "it repeats a shorter string"
    steps = sum(1 for a, b in zip(key, key[1:]) if abs(ord(a) - ord(b)) == 1)
    if steps * 2 > len(key) - 1:
        return "it is mostly a run of neighbouring characters such as abcd or 1234"
    bits = estimated_entropy_bits(key)
    if bits < MIN_SECRET_BITS:
        return f"it looks like about {bits:.0f} bits of randomness, fewer than {MIN_SECRET_BITS}"
    return None


def estimated_entropy_bits(key: str) -> float:
    """The key's length times the Shannon entropy of its character frequencies:
    an upper bound on its randomness, so a low value is surely weak."""
    counts = Counter(key)
    return -len(key) * sum(count / len(key) * math.log2(count / len(key)) for count in counts.values())
