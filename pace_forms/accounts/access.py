"""Who may see what: the one place where staff pages and API routes check
role and area. A view names the roles it serves with @staff_only, finds an
area with area_for(code) and a record with in_my_areas(Model, id), and lists
with only_visible(query, Model.area_id). Another area's data answers 404, the
same as data that does not exist, and the attempt goes in the audit log.

Page layer: it reads the request. Feature services never import it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn, TypeVar

from flask import abort, g, make_response, request
from flask_login import current_user
from sqlalchemy import Select

from pace_forms.audit.services import Actor, record_event
from pace_forms.errors import api_error, wants_json
from pace_forms.extensions import csrf, db, login_manager
from pace_forms.models import Area, FollowUp, Review, User, utc_now

ModelT = TypeVar("ModelT")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def signed_in_user() -> User | None:
    return current_user._get_current_object() if current_user.is_authenticated else None


def current_actor() -> Actor:
    return Actor.of(signed_in_user(), request.remote_addr)


def audit(action: str, *, area_code: str | None = None, subject: str | None = None, **detail: Any) -> None:
    """Records what the signed-in user (or a stranger) did, from the request's
    address. Flushes; the request's own commit keeps it."""
    record_event(action, current_actor(), area_code=area_code, subject=subject, detail=detail)


def by_token() -> bool:
    """Whether this request is authorised by an API token, not a session."""
    return bool(g.get("authenticated_by_token"))


def visible_area_ids(user: User) -> set[int] | None:
    """The areas a user may see; None for an admin, who sees every area."""
    if user.role == "admin":
        return None
    return {granted.area_id for granted in user.areas}


def duty_area_ids(user: User) -> set[int]:
    return {granted.area_id for granted in user.areas if granted.is_duty_contact}


def can_see_area(user: User, area_id: int) -> bool:
    visible = visible_area_ids(user)
    return visible is None or area_id in visible


def only_visible(query: Select, area_id_column, user: User | None = None) -> Select:
    """`query` narrowed to the areas the (signed-in) user may see."""
    visible = visible_area_ids(user or current_user)
    return query if visible is None else query.where(area_id_column.in_(visible or {-1}))


def refuse_as_not_found(subject: str, area_code: str | None) -> NoReturn:
    """Another area's data: answered as if it did not exist, and audited."""
    db.session.rollback()
    audit("access.refused", area_code=area_code, subject=subject, method=request.method, path=request.path)
    db.session.commit()
    abort(404)


def area_for(code: str) -> Area:
    """The area with this code if the user may see it, else 404 (audited when it exists)."""
    area = db.session.execute(db.select(Area).where(Area.code == code)).scalar_one_or_none()
    if area is None:
        abort(404)
    if not can_see_area(current_user, area.id):
        refuse_as_not_found(f"area {code}", code)
    return area


def in_my_areas(model: type[ModelT], ident: Any) -> ModelT:
    """The record of `model` (which has an area_id) with this id if the user
    may see its area, else 404 (audited when it exists)."""
    found = db.session.get(model, ident)
    if found is None:
        abort(404)
    if not can_see_area(current_user, found.area_id):
        area = db.session.get(Area, found.area_id)
        refuse_as_not_found(f"{model.__tablename__} {ident}", area.code if area else None)
    return found


def audit_viewed(what: str, area: Area | None = None, **detail: Any) -> None:
    """Records that the user saw an area's data, and keeps the record now
    (a page that only reads has no commit of its own)."""
    audit("data.viewed", area_code=area.code if area else None, subject=what, path=request.path, **detail)
    db.session.commit()


def refuse_role(user: User, roles: tuple[str, ...]) -> NoReturn:
    """403 for a role that may not use this, audited."""
    audit("access.refused", subject=f"a page for {' or '.join(roles)}", role=user.role, method=request.method, path=request.path)
    db.session.commit()
    if wants_json():
        abort(make_response(api_error(403, "forbidden", f"This needs the role {' or '.join(roles)}; you are a {user.role}.")))
    abort(403)


def require_role(*roles: str) -> None:
    """Inside a @staff_only view whose roles depend on what is asked for:
    the signed-in user has one of `roles`, or 403 (audited)."""
    user = signed_in_user()
    if user.role not in roles:
        refuse_role(user, roles)


def staff_only(*roles: str) -> Callable:
    """Signed in (by session, or by API token under /api/), with one of
    `roles` (any role when none are named). Signed out: the sign-in page, or
    401 JSON under /api/. Wrong role: 403, audited. A session's JSON write
    must carry X-CSRFToken; a token's needs none (no browser sends it alone)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any):
            g.private_page = True  # no-store (security.py)
            user = signed_in_user()
            if user is None:
                if wants_json():
                    return api_error(401, "unauthorised", "Sign in, or send an API token: Authorization: Bearer <token>.", where="Authorization")
                return login_manager.unauthorized()
            if roles and user.role not in roles:
                refuse_role(user, roles)
            if request.method not in SAFE_METHODS and not by_token():
                csrf.protect()
            return view(*args, **kwargs)

        return checked

    return decorate


def init_app(app) -> None:
    from pace_forms.accounts.services import user_for_api_token

    @login_manager.request_loader
    def user_from_api_token(request_) -> User | None:
        """`Authorization: Bearer <token>` on the API only: a page is never
        opened by a token, and a session cookie (when there is one) wins."""
        if not request_.path.startswith("/api/"):
            return None
        scheme, _, secret = request_.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            return None
        user = user_for_api_token(secret.strip(), utc_now())
        if user is not None:
            db.session.commit()  # its last-used time
            g.authenticated_by_token = True
        return user


def only_follow_ups_of(query: Select, user: User | None = None) -> Select:
    """`query` (over FollowUp) narrowed to the follow-ups a user acts on: those
    of the areas they are duty contact of, and those of reviews they recorded
    (the child's named worker); an admin sees every one. Nobody else does."""
    user = user or current_user
    if user.role == "admin":
        return query
    recorded_by_them = db.select(Review.id).where(Review.recorded_by_user_id == user.id)
    return query.where(db.or_(FollowUp.area_id.in_(duty_area_ids(user) or {-1}), FollowUp.review_id.in_(recorded_by_them)))


def follow_up_of_mine(ident: int) -> FollowUp:
    """The follow-up with this id if the user acts on it, else 404 (audited when it exists)."""
    found = db.session.get(FollowUp, ident)
    if found is None:
        abort(404)
    if db.session.execute(only_follow_ups_of(db.select(FollowUp.id).where(FollowUp.id == found.id))).first() is None:
        area = db.session.get(Area, found.area_id)
        refuse_as_not_found(f"follow_up {ident}", area.code if area else None)
    return found
