"""An area's header settings: reading them for a page, and setting them.
Flushes; never commits."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from pace_forms.extensions import db
from pace_forms.models import Area

MAX_LENGTHS = {"display_name": 200, "contact_text": 300, "privacy_url": 500, "logo_url": 500}


class AreaSettingsError(ValueError):
    """A setting that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class AreaHeader:
    """What the page header shows for an area; None where nothing true is known."""

    name: str | None
    contact: str | None
    privacy_url: str | None
    logo_url: str | None


def header_of(area: Area | None) -> AreaHeader | None:
    if area is None:
        return None
    # An area made by `invite` without --area-name is named by its code, which
    # means nothing to a family: show no name rather than that.
    name = area.display_name or (area.name if area.name != area.code else None)
    return AreaHeader(name=name, contact=area.contact_text, privacy_url=area.privacy_url, logo_url=area.logo_url)


def find_area(code: str) -> Area:
    area = db.session.execute(db.select(Area).where(Area.code == code)).scalar_one_or_none()
    if area is None:
        known = db.session.execute(db.select(Area.code).order_by(Area.code)).scalars().all()
        listed = ", ".join(known) if known else "none yet; `pace-forms invite --area CODE` makes one"
        raise AreaSettingsError(f"there is no area {code!r} (areas: {listed})")
    return area


def set_area_settings(code: str, changes: dict[str, str | None]) -> Area:
    """Apply the given settings (an empty string clears one). Flushes."""
    area = find_area(code)
    for name, value in changes.items():
        setattr(area, name, check_setting(name, value))
    db.session.flush()
    return area


def check_setting(name: str, value: str | None) -> str | None:
    """The value to store, or AreaSettingsError saying what is wrong with it."""
    if name not in MAX_LENGTHS:
        raise AreaSettingsError(f"{name} is not an area setting (settings: {', '.join(MAX_LENGTHS)})")
    value = (value or "").strip()
    if not value:
        return None
    if len(value) > MAX_LENGTHS[name]:
        raise AreaSettingsError(f"{name} is {len(value)} characters long; the most is {MAX_LENGTHS[name]}")
    if any(character in value for character in "\r\n\t"):
        raise AreaSettingsError(f"{name} must be one line")
    if name == "privacy_url":
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.netloc or " " in value:
            raise AreaSettingsError(f"privacy_url must be a full https:// address, not {value!r}")
    if name == "logo_url":
        # The pages allow pictures from this server only (Content-Security-Policy
        # img-src 'self'), and a path here is cached for offline use with the page.
        if not value.startswith("/") or value.startswith("//") or " " in value or "\\" in value:
            raise AreaSettingsError(f"logo_url must be a path on this server such as /static/logos/area.svg, not {value!r}")
    return value
