"""People who sign in to act on answers: admins, consultants and workers,
each granted areas (admins see every area) and maybe duty contact of some."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pace_forms.models.area import Area
from pace_forms.models.base import Base, UTCDateTime, utc_now

ROLES = ("admin", "consultant", "worker")


class User(Base):
    __tablename__ = "app_user"  # "user" is a reserved word in PostgreSQL
    __table_args__ = (CheckConstraint("role IN ('admin','consultant','worker')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Kept lower-cased, so that one address is one account however it is typed.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # An argon2id hash in its encoded form (parameters and salt included).
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    is_disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Failed sign-ins in a row; the account locks at PACE_LOCKOUT_FAILURES.
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # Sessions signed in before this are signed out (see accounts.services).
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    areas: Mapped[list[UserArea]] = relationship(back_populates="user", cascade="all, delete-orphan")

    # What Flask-Login asks of a user (kept here so models import no web library).
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return not self.is_disabled

    def get_id(self) -> str:
        """What the session keeps: the id and the last password change, so
        that changing the password signs out every session signed in before."""
        return f"{self.id}|{self.password_changed_at.isoformat()}"


class UserArea(Base):
    """An area granted to a user, and whether they are its duty contact."""

    __tablename__ = "user_area"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), primary_key=True, index=True)
    is_duty_contact: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(back_populates="areas")
    area: Mapped[Area] = relationship()


class ApiToken(Base):
    """A personal token for scripts and analysts: `Authorization: Bearer`
    acts as its user. Only a SHA-256 hash is kept; the token is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
