"""Signing in and out, changing a password, and the signed-in home page."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import EqualTo, InputRequired

from pace_forms.accounts.access import audit
from pace_forms.accounts.services import (
    AccountError,
    LockoutPolicy,
    areas_of,
    authenticate,
    change_password,
    find_user,
    is_locked,
    sign_in_state,
    user_for_session_key,
)
from pace_forms.accounts.access import audit_viewed, duty_area_ids
from pace_forms.database import begin_writing
from pace_forms.extensions import db, limiter, login_manager
from pace_forms.models import ROLES, utc_now
from pace_forms.safeguarding.views import open_follow_up_cards, poll_settings

bp = Blueprint("accounts", __name__)


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    roles: tuple[str, ...] = ROLES


# The staff navigation, in order; an item shows only to its roles, and only
# once its page exists (a feature registers its own blueprint).
STAFF_NAVIGATION = (
    NavItem("accounts.home", "Home"),
    NavItem("reviews.index", "Reviews", ("admin", "worker")),
    NavItem("measures.index", "Measures"),
    NavItem("timescales.index", "Timescales", ("admin", "consultant")),
    NavItem("notes.index", "You said, we did", ("admin", "consultant")),
    NavItem("safeguarding.follow_ups", "Follow-ups"),
    NavItem("responses.held", "Held answers", ("admin",)),
    NavItem("accounts.users", "Users", ("admin",)),
    NavItem("audit.events", "Audit log", ("admin",)),
    NavItem("accounts.tokens", "API tokens"),
    NavItem("accounts.password", "Password"),
)


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str
    is_current: bool


@bp.app_context_processor
def staff_navigation_helper() -> dict:
    def staff_navigation() -> list[NavLink]:
        if not current_user.is_authenticated:
            return []
        return [
            NavLink(url_for(item.endpoint), item.label, request.endpoint == item.endpoint)
            for item in STAFF_NAVIGATION
            if current_user.role in item.roles and item.endpoint in current_app.view_functions
        ]

    return {"staff_navigation": staff_navigation}

# One message for every refusal, so that it never tells whether the email has an account.
SIGN_IN_REFUSED = "That email and password do not match an account that can sign in now."


class SignInForm(FlaskForm):
    email = EmailField("Email address", validators=[InputRequired("Enter your email address.")])
    password = PasswordField("Password", validators=[InputRequired("Enter your password.")])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[InputRequired("Enter your current password.")])
    new_password = PasswordField("New password (at least 12 characters)", validators=[InputRequired("Enter a new password.")])
    new_password_again = PasswordField(
        "New password again",
        validators=[InputRequired("Enter the new password again."), EqualTo("new_password", "The two new passwords are not the same.")],
    )


@login_manager.user_loader
def load_user(session_key: str):
    return user_for_session_key(session_key)


def local_path(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
def sign_in():
    form = SignInForm()
    refused = None
    if form.validate_on_submit():
        begin_writing()
        policy = LockoutPolicy(current_app.config["LOCKOUT_FAILURES"], current_app.config["LOCKOUT_MINUTES"])
        now = utc_now()
        state = sign_in_state(form.email.data, now)
        user = authenticate(form.email.data, form.password.data, now, policy)
        if user is not None:
            # A new session: nothing from before sign-in carries over (session fixation).
            session.clear()
            login_user(user)
            audit("sign_in.succeeded", subject=f"user {user.email}")
            db.session.commit()  # with the reset of its failures
            return redirect(local_path(request.args.get("next")) or url_for("accounts.home"))
        audit("sign_in.failed", **refusal_detail(form.email.data, state, now))
        db.session.commit()  # a failure's count is kept, with its audit row
        refused = SIGN_IN_REFUSED
    status = 401 if refused else (400 if form.errors else 200)
    return render_template("accounts/sign_in.html", form=form, refused=refused), status


def refusal_detail(email: str, state: str, now) -> dict:
    """What the audit log keeps of a refused sign-in: the email as typed
    (never the password), and why, for an account that exists."""
    detail: dict = {"email": email.strip()[:254], "account": "unknown" if state == "no account" else "known"}
    if state in ("disabled", "locked"):
        detail["refused"] = state
    elif state == "active":
        detail["refused"] = "wrong password"
        user = find_user(email)
        if user is not None and is_locked(user, now):
            detail["now_locked"] = True
    return detail


@bp.post("/sign-out")
def sign_out():
    # The CSRF check (global CSRFProtect) stops another site signing someone out.
    if current_user.is_authenticated:
        audit("sign_out", subject=f"user {current_user.email}")
        db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        begin_writing()
        try:
            change_password(current_user, form.current_password.data, form.new_password.data, utc_now())
        except AccountError as error:
            field = form.current_password if "current" in str(error) else form.new_password
            field.errors.append(str(error))
            db.session.rollback()
        else:
            audit("password.changed", subject=f"user {current_user.email}")
            db.session.commit()
            # This session carries on with the new password; every other one ends.
            session.clear()
            login_user(current_user._get_current_object())
            flash("Your password has been changed. Other devices signed in as you have been signed out.")
            return redirect(url_for("accounts.home"))
    return render_template("accounts/password.html", form=form), (400 if form.errors else 200)


@bp.get("/home")
@login_required
def home():
    # Open follow-ups come first: a duty contact must see a child's request at once.
    follow_ups = open_follow_up_cards("accounts.home")
    if follow_ups:
        audit_viewed("follow-ups on the home page", open=len(follow_ups))
    return render_template(
        "accounts/home.html",
        user=current_user,
        granted=areas_of(current_user),
        follow_ups=follow_ups,
        is_duty_contact=bool(duty_area_ids(current_user)),
        **poll_settings(),
    )


def init_app(app) -> None:
    from pace_forms.accounts import admin  # noqa: F401  (its pages, on this blueprint)

    login_manager.init_app(app)
    app.register_blueprint(bp)
