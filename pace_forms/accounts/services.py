"""Users, passwords and sign-in as plain functions. Flush; never commit."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pace_forms.areas.services import AreaSettingsError, find_area
from pace_forms.audit.services import Actor, record_event
from pace_forms.extensions import db
from pace_forms.models import ROLES, ApiToken, User, UserArea

MIN_PASSWORD_LENGTH = 12
# argon2id with the library's recommended parameters (RFC 9106's second choice).
password_hasher = PasswordHasher()


class AccountError(ValueError):
    """A request about an account that cannot be done; the message says why,
    and `where` names the field it is about, when there is one."""

    def __init__(self, message: str, where: str | None = None) -> None:
        super().__init__(message)
        self.where = where


@dataclass(frozen=True)
class LockoutPolicy:
    failures: int  # failed sign-ins in a row that lock the account
    minutes: int  # how long it stays locked


def normalise_email(email: str) -> str:
    return email.strip().lower()


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"The password must have at least {MIN_PASSWORD_LENGTH} characters; this one has {len(password)}."
    return None


def hash_password(password: str) -> str:
    return password_hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return password_hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def dummy_hash() -> str:
    """A hash no password is known for: an unknown email is checked against it,
    so that it takes as long to refuse as a wrong password does."""
    return hash_password("no account has this password, it only spends time")


def find_user(email: str, *, for_update: bool = False) -> User | None:
    query = db.select(User).where(User.email == normalise_email(email))
    if for_update:
        # populate_existing: a row read earlier in this session is read again under the lock.
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.execute(query).scalar_one_or_none()


def create_user(
    email: str,
    role: str,
    area_codes: Collection[str],
    password: str,
    *,
    duty_contact: bool | Collection[str] = False,
    actor: Actor | None = None,
) -> User:
    """A new account. `duty_contact`: True for every area given, or the codes
    of the areas it is duty contact of (each is granted too). With an
    `actor` (the page, the CLI) it is audited as user.created."""
    email = normalise_email(email)
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise AccountError(f"{email!r} is not an email address.", "email")
    if find_user(email) is not None:
        raise AccountError(f"There is already an account for {email}.", "email")
    problem = password_problem(password)
    if problem:
        raise AccountError(problem, "password")
    grants = _grants(role, area_codes, duty_contact)
    user = User(email=email, role=role, password_hash=hash_password(password), is_disabled=False, failed_sign_ins=0)
    user.areas = [UserArea(area=area, is_duty_contact=is_duty) for area, is_duty in grants]
    db.session.add(user)
    db.session.flush()
    if actor is not None:
        record_event("user.created", actor, subject=f"user {user.email}", detail={"role": role, "areas": area_summary(user)})
    return user


def _grants(role: str, area_codes: Collection[str], duty_contact: bool | Collection[str]) -> list[tuple]:
    """(area, is duty contact) pairs for a role, or AccountError saying what is wrong."""
    if role not in ROLES:
        raise AccountError(f"The role must be one of {', '.join(ROLES)}, not {role!r}.", "role")
    duty_codes = set(area_codes) if duty_contact is True else set(duty_contact or ())
    codes = list(dict.fromkeys([*area_codes, *sorted(duty_codes)]))
    if role != "admin" and not codes:
        raise AccountError(f"A {role} needs at least one area; only an admin sees every area without one.", "areas")
    try:
        return [(find_area(code), code in duty_codes) for code in codes]
    except AreaSettingsError as error:
        raise AccountError(str(error), "areas") from None


def area_summary(user: User) -> list[str]:
    """The user's areas as the audit log keeps them: "FIFE" or "FIFE (duty contact)"."""
    return [granted.area.code + (" (duty contact)" if granted.is_duty_contact else "") for granted in areas_of(user)]


def active_admin_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(User).where(User.role == "admin", User.is_disabled.is_(False)))


def _keep_an_admin(user: User, by: User | None, doing: str) -> None:
    """An admin may not disable or demote themselves, and the last active
    admin may not be disabled or demoted by anyone: someone must be left
    who can manage users."""
    if user.role != "admin" or user.is_disabled:
        return
    if by is not None and by.id == user.id:
        raise AccountError(f"You cannot {doing} your own account: ask another admin.", "role")
    if active_admin_count() <= 1:
        raise AccountError(f"You cannot {doing} {user.email}: they are the only active admin. Make another admin first.", "role")


def change_user(user: User, role: str, area_codes: Collection[str], duty_area_codes: Collection[str], *, actor: Actor, by: User | None = None) -> bool:
    """Sets a user's role and areas (duty contact of `duty_area_codes`).
    Audited as user.changed with before and after; False when nothing changed."""
    grants = _grants(role, area_codes, duty_area_codes)
    if role != user.role:
        _keep_an_admin(user, by, "demote")
    before = {"role": user.role, "areas": area_summary(user)}
    existing = {granted.area_id: granted for granted in user.areas}
    user.role = role
    user.areas = [_granted(existing, user, area, is_duty) for area, is_duty in grants]
    db.session.flush()
    after = {"role": user.role, "areas": area_summary(user)}
    if after == before:
        return False
    record_event("user.changed", actor, subject=f"user {user.email}", detail={"before": before, "after": after})
    return True


def _granted(existing: dict[int, UserArea], user: User, area, is_duty: bool) -> UserArea:
    granted = existing.get(area.id) or UserArea(user=user, area=area)
    granted.is_duty_contact = is_duty
    return granted


def set_disabled(user: User, disabled: bool, *, actor: Actor, by: User | None = None) -> bool:
    """Disables (sessions and tokens stop at their next request) or enables
    a user. Audited as user.disabled / user.enabled; False when it already was."""
    if user.is_disabled == disabled:
        return False
    if disabled:
        _keep_an_admin(user, by, "disable")
    user.is_disabled = disabled
    db.session.flush()
    record_event("user.disabled" if disabled else "user.enabled", actor, subject=f"user {user.email}")
    return True


def disable_user(email: str, *, actor: Actor | None = None) -> User:
    user = find_user(email)
    if user is None:
        raise AccountError(f"There is no account for {normalise_email(email)}.")
    if actor is None:
        user.is_disabled = True
        db.session.flush()
    else:
        set_disabled(user, True, actor=actor)
    return user


def unlock_user(user: User, *, actor: Actor) -> None:
    """Ends a lock-out now and forgets the failures counted towards the next."""
    was = user.locked_until
    user.locked_until = None
    user.failed_sign_ins = 0
    db.session.flush()
    record_event("user.unlocked", actor, subject=f"user {user.email}", detail={"was_locked_until": was.isoformat() if was else None})


def set_new_password(user: User, password: str, now: datetime, *, actor: Actor) -> None:
    """An admin sets a password for a user who lost theirs: the same rules as
    create-user, and every session signed in before ends."""
    problem = password_problem(password)
    if problem:
        raise AccountError(problem, "password")
    user.password_hash = hash_password(password)
    user.password_changed_at = now
    user.locked_until = None
    user.failed_sign_ins = 0
    db.session.flush()
    record_event("password.set", actor, subject=f"user {user.email}")


def all_users() -> list[User]:
    return list(db.session.execute(db.select(User).order_by(User.email)).scalars())


def is_locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and now < user.locked_until


def sign_in_state(email: str, now: datetime) -> str:
    """What the audit log notes about an email typed at sign-in (never shown
    to the person signing in): "no account", "disabled", "locked" or "active"."""
    user = find_user(email)
    if user is None:
        return "no account"
    if user.is_disabled:
        return "disabled"
    return "locked" if is_locked(user, now) else "active"


def authenticate(email: str, password: str, now: datetime, policy: LockoutPolicy) -> User | None:
    """The user if they may sign in now with this password, else None. Every
    refusal costs one argon2 verify, so its timing does not tell whether the
    email has an account. A wrong password counts towards the lock-out."""
    user = find_user(email, for_update=True)
    if user is None:
        password_matches(dummy_hash(), password)
        return None
    matches = password_matches(user.password_hash, password)
    if user.is_disabled or is_locked(user, now):
        return None
    if not matches:
        user.failed_sign_ins += 1
        if user.failed_sign_ins >= policy.failures:
            user.locked_until = now + timedelta(minutes=policy.minutes)
            user.failed_sign_ins = 0
        db.session.flush()
        return None
    user.failed_sign_ins = 0
    user.locked_until = None
    if password_hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.flush()
    return user


def change_password(user: User, current: str, new: str, now: datetime) -> None:
    """Raises AccountError when the current password is wrong or the new one too short."""
    if not password_matches(user.password_hash, current):
        raise AccountError("The current password is not right.")
    problem = password_problem(new)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(new)
    # Sessions signed in before now stop working (see User.get_id).
    user.password_changed_at = now
    db.session.flush()


def user_for_session_key(key: str) -> User | None:
    """The user a session names (User.get_id), unless disabled since or their
    password changed after that session signed in."""
    user_id, _, _ = key.partition("|")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.is_disabled or user.get_id() != key:
        return None
    return user


def areas_of(user: User) -> list[UserArea]:
    return sorted(user.areas, key=lambda granted: granted.area.code)


# API tokens. The prefix lets a secret scanner (and a person) tell what it is.
API_TOKEN_PREFIX = "pace_"
# A token's last-used time is written at most this often, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class NewApiToken:
    token: ApiToken
    secret: str  # shown once, never stored


def hash_api_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_api_token(user: User, name: str, now: datetime, *, actor: Actor | None = None) -> NewApiToken:
    name = " ".join(name.split())
    if not name:
        raise AccountError("Give the token a name that says what it is for, such as 'monthly report script'.", "name")
    if len(name) > 100:
        raise AccountError(f"A token's name has at most 100 characters; this one has {len(name)}.", "name")
    if user.is_disabled:
        raise AccountError(f"{user.email} is disabled, so cannot have a token.")
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=hash_api_token(secret), created_at=now)
    db.session.add(token)
    db.session.flush()
    if actor is not None:
        record_event("token.created", actor, subject=f"token {token.id} of {user.email}", detail={"name": name})
    return NewApiToken(token=token, secret=secret)


def revoke_api_token(user: User, token_id: int, now: datetime, *, actor: Actor | None = None) -> ApiToken:
    """Revokes one of the user's own tokens (an admin's page may pass the token's owner)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise AccountError("There is no such token.")
    if token.revoked_at is None:
        token.revoked_at = now
        db.session.flush()
        if actor is not None:
            record_event("token.revoked", actor, subject=f"token {token.id} of {user.email}", detail={"name": token.name})
    return token


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.execute(db.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).scalars()
    )


def user_for_api_token(secret: str, now: datetime) -> User | None:
    """The user a bearer token acts as, unless it is unknown, revoked or its
    user disabled; notes when it was used (at most once a minute)."""
    if not secret.startswith(API_TOKEN_PREFIX):
        return None
    token = db.session.execute(db.select(ApiToken).where(ApiToken.token_hash == hash_api_token(secret))).scalar_one_or_none()
    if token is None or token.revoked_at is not None or token.user.is_disabled:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        token.last_used_at = now
        db.session.flush()
    return token.user
