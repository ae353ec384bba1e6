"""An area's settings: the page header, and what its respondents are promised
(how long answers are kept, who is told about a follow-up and by when, the
child's "seeing my family" card). Reading them for a page, and setting them.
Flushes; never commits."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from pace_forms.extensions import db
from pace_forms.models import Area

MAX_LENGTHS = {
    "display_name": 200,
    "contact_text": 300,
    "privacy_url": 500,
    "logo_url": 500,
    "follow_up_who": 200,
    "family_card_words": 100,
}
# Whole numbers, and the range each may take.
NUMBER_RANGES = {"retention_months": (1, 240), "follow_up_days": (1, 30)}
SWITCHES = ("family_card_hidden",)
SETTINGS = (*MAX_LENGTHS, *NUMBER_RANGES, *SWITCHES)


class AreaSettingsError(ValueError):
    """A setting that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class AreaHeader:
    """What the page header shows for an area; None where nothing true is known."""

    name: str | None
    contact: str | None
    privacy_url: str | None
    logo_url: str | None


@dataclass(frozen=True)
class AreaPromises:
    """What an area's respondents are promised, where the area has said;
    None (or False) where it has not, and the page says only what the code does."""

    retention_months: int | None
    follow_up_who: str | None
    follow_up_days: int | None
    family_card_words: str | None
    family_card_hidden: bool


NO_PROMISES = AreaPromises(None, None, None, None, False)


def promises_of(area: Area | None) -> AreaPromises:
    if area is None:
        return NO_PROMISES
    return AreaPromises(
        retention_months=area.retention_months,
        follow_up_who=area.follow_up_who,
        follow_up_days=area.follow_up_days,
        family_card_words=area.family_card_words,
        family_card_hidden=bool(area.family_card_hidden),
    )


def months_kept(promises: AreaPromises, deployment_months: int) -> int:
    """How many months the first screen says answers are kept. The purge
    (`pace-forms purge`) runs for the whole deployment, so an area may state a
    longer period than it uses, never a shorter one (set_area_settings
    refuses that), and this never says less than the purge keeps."""
    return max(promises.retention_months or 0, deployment_months)


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


def set_area_settings(code: str, changes: dict[str, str | bool | None], *, purged_after_months: int | None = None) -> Area:
    """Apply the given settings (an empty string clears one). Flushes.

    ``purged_after_months``: the deployment's retention (PACE_RETENTION_MONTHS),
    which an area's stated retention may not undercut."""
    area = find_area(code)
    for name, value in changes.items():
        setattr(area, name, check_setting(name, value, purged_after_months=purged_after_months))
    db.session.flush()
    return area


def check_setting(name: str, value: str | bool | None, *, purged_after_months: int | None = None) -> str | int | bool | None:
    """The value to store, or AreaSettingsError saying what is wrong with it."""
    if name not in SETTINGS:
        raise AreaSettingsError(f"{name} is not an area setting (settings: {', '.join(SETTINGS)})")
    if name in SWITCHES:
        return bool(value)
    if name in NUMBER_RANGES:
        return _check_number(name, value, purged_after_months)
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


def _check_number(name: str, value: str | bool | None, purged_after_months: int | None) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    lowest, highest = NUMBER_RANGES[name]
    if not text.isdigit() or not lowest <= int(text) <= highest:
        raise AreaSettingsError(f"{name} must be a whole number from {lowest} to {highest}, not {text!r}")
    number = int(text)
    if name == "retention_months" and purged_after_months is not None and number < purged_after_months:
        raise AreaSettingsError(
            f"retention_months {number} is shorter than this deployment keeps answers ({purged_after_months} months, "
            "PACE_RETENTION_MONTHS): the purge runs for every area, so the page would promise less than is true"
        )
    return number
