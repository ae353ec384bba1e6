"""An admin's pages for people (/admin/users), and everyone's own API tokens
(/account/tokens). Thin: the rules (the last admin stays, passwords as long
as the CLI asks) are in accounts/services.py, which audits each change."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length

from pace_forms.accounts.access import current_actor, signed_in_user, staff_only
from pace_forms.accounts.services import (
    AccountError,
    all_users,
    areas_of,
    change_user,
    create_api_token,
    create_user,
    is_locked,
    revoke_api_token,
    set_disabled,
    set_new_password,
    tokens_of,
    unlock_user,
)
from pace_forms.accounts.views import bp
from pace_forms.database import begin_writing
from pace_forms.extensions import db
from pace_forms.models import ROLES, Area, User, utc_now

ROLE_CHOICES = [
    SelectChoice("worker", "Worker: records reviews and hands out links in their areas"),
    SelectChoice("consultant", "Consultant: reads measures and comments in their areas"),
    SelectChoice("admin", "Admin: every area, manages users"),
]
assert {choice.value for choice in ROLE_CHOICES} == set(ROLES)


class RoleAndAreasForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES, validators=[InputRequired("Choose a role.")])
    areas = SelectMultipleField("Areas they work in", choices=[], validate_choice=True)
    duty_areas = SelectMultipleField("Duty contact of", choices=[], validate_choice=True)

    def offer_areas(self) -> None:
        choices = [SelectChoice(area.code, f"{area.name} ({area.code})") for area in db.session.execute(db.select(Area).order_by(Area.code)).scalars()]
        self.areas.choices = choices
        self.duty_areas.choices = choices


class NewPasswordForm(FlaskForm):
    password = PasswordField("Password (at least 12 characters)", validators=[InputRequired("Enter a password.")])
    password_again = PasswordField(
        "Password again", validators=[InputRequired("Enter the password again."), EqualTo("password", "The two passwords are not the same.")]
    )


class NewUserForm(RoleAndAreasForm, NewPasswordForm):
    email = EmailField("Email address", validators=[InputRequired("Enter their email address."), Length(max=254)])


class TokenForm(FlaskForm):
    name = StringField("What is the token for?", validators=[InputRequired("Give the token a name.")])


class ActionForm(FlaskForm):
    """A button that changes something: the CSRF field only."""


def show_error(form: FlaskForm, error: AccountError, fallback: str) -> None:
    field = getattr(form, error.where or "", None) or getattr(form, fallback)
    field.errors = [*field.errors, str(error)]


# People


@bp.get("/admin/users")
@staff_only("admin")
def users():
    return render_template("accounts/users.html", users=all_users(), areas_of=areas_of, now=utc_now(), is_locked=is_locked)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@staff_only("admin")
def new_user():
    form = NewUserForm()
    form.offer_areas()
    if form.validate_on_submit():
        begin_writing()
        try:
            user = create_user(
                form.email.data, form.role.data, form.areas.data, form.password.data, duty_contact=form.duty_areas.data, actor=current_actor()
            )
        except AccountError as error:
            db.session.rollback()
            show_error(form, error, "email")
        else:
            db.session.commit()
            flash(f"Made an account for {user.email}. Tell them their password in person or by phone, never in the same email as the address.")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/new_user.html", form=form), (400 if form.errors else 200)


def user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def edit_page(user: User, *, form: RoleAndAreasForm | None = None, password_form: NewPasswordForm | None = None, problem: str | None = None):
    if form is None:
        form = RoleAndAreasForm(data={
            "role": user.role,
            "areas": [granted.area.code for granted in user.areas],
            "duty_areas": [granted.area.code for granted in user.areas if granted.is_duty_contact],
        })
        form.offer_areas()
    refused = problem or form.errors or (password_form and password_form.errors)
    return render_template(
        "accounts/edit_user.html",
        user=user,
        form=form,
        password_form=password_form or NewPasswordForm(formdata=None),
        action=ActionForm(),
        problem=problem,
        is_locked=is_locked(user, utc_now()),
        is_me=user.id == signed_in_user().id,
    ), (400 if refused else 200)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@staff_only("admin")
def edit_user(user_id: int):
    form = RoleAndAreasForm()
    if not form.is_submitted():
        return edit_page(user_or_404(user_id))
    begin_writing()
    user = user_or_404(user_id)
    form.offer_areas()
    if form.validate():
        try:
            changed = change_user(user, form.role.data, form.areas.data, form.duty_areas.data, actor=current_actor(), by=signed_in_user())
        except AccountError as error:
            db.session.rollback()
            show_error(form, error, "role")
            return edit_page(db.session.get(User, user_id), form=form)
        db.session.commit()
        flash(f"Saved {user.email}'s role and areas." if changed else f"Nothing to save: {user.email}'s role and areas were already so.")
        return redirect(url_for("accounts.edit_user", user_id=user.id))
    return edit_page(user, form=form)


def act_on(user_id: int, do, done: str):
    """Runs one change from the edit page's buttons, then shows the page again."""
    begin_writing()
    user = user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        do(user)
    except AccountError as error:
        db.session.rollback()
        return edit_page(db.session.get(User, user_id), problem=str(error))
    db.session.commit()
    flash(done.format(email=user.email))
    return redirect(url_for("accounts.edit_user", user_id=user.id))


@bp.post("/admin/users/<int:user_id>/disable")
@staff_only("admin")
def disable_user(user_id: int):
    return act_on(
        user_id,
        lambda user: set_disabled(user, True, actor=current_actor(), by=signed_in_user()),
        "{email} is disabled: they cannot sign in, and their API tokens stop working.",
    )


@bp.post("/admin/users/<int:user_id>/enable")
@staff_only("admin")
def enable_user(user_id: int):
    return act_on(user_id, lambda user: set_disabled(user, False, actor=current_actor()), "{email} can sign in again.")


@bp.post("/admin/users/<int:user_id>/unlock")
@staff_only("admin")
def unlock(user_id: int):
    return act_on(user_id, lambda user: unlock_user(user, actor=current_actor()), "{email} is unlocked and can try to sign in again now.")


@bp.post("/admin/users/<int:user_id>/password")
@staff_only("admin")
def set_password(user_id: int):
    begin_writing()
    user = user_or_404(user_id)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            set_new_password(user, form.password.data, utc_now(), actor=current_actor())
        except AccountError as error:
            db.session.rollback()
            show_error(form, error, "password")
            return edit_page(db.session.get(User, user_id), password_form=form)
        db.session.commit()
        flash(f"{user.email} has a new password; they were signed out everywhere. Tell them it in person or by phone.")
        return redirect(url_for("accounts.edit_user", user_id=user.id))
    return edit_page(user, password_form=form)


# API tokens: each person's own


@bp.route("/account/tokens", methods=["GET", "POST"])
@staff_only()
def tokens():
    form = TokenForm()
    new_secret = None
    if form.validate_on_submit():
        begin_writing()
        try:
            new = create_api_token(signed_in_user(), form.name.data, utc_now(), actor=current_actor())
        except AccountError as error:
            db.session.rollback()
            show_error(form, error, "name")
        else:
            db.session.commit()
            new_secret = new.secret
            form = TokenForm(formdata=None)
    status = 400 if form.errors else (201 if new_secret else 200)
    return render_template(
        "accounts/tokens.html", form=form, new_secret=new_secret, tokens=tokens_of(signed_in_user()), action=ActionForm()
    ), status


@bp.post("/account/tokens/<int:token_id>/revoke")
@staff_only()
def revoke_token(token_id: int):
    begin_writing()
    try:
        token = revoke_api_token(signed_in_user(), token_id, utc_now(), actor=current_actor())
    except AccountError:
        abort(404)  # someone else's token is not there for you
    db.session.commit()
    flash(f"The token {token.name!r} is revoked: it stopped working at once.")
    return redirect(url_for("accounts.tokens"))
