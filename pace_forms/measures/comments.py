"""The comments of an area, for the people who read them, and B8.

A comment is the free text (construct code TXT) of a counted response. It
carries the machine's sentiment label (measures.sentiment) and the
codebook's theme suggestions (measures.themes), and a person's reading
where one was saved (models.CommentReading): both machine parts only
suggest.

Two rules guard who can be recognised in a comment:
- A comment whose response raised a safeguarding follow-up, or was noted
  on one, is never shown here nor counted (DOMAIN.md "Safeguarding").
- Free text only for groups of 5+ (DOMAIN.md "Small numbers"): a group is
  a respondent type and a month of the review; its comments are listed
  only when at least `min_cell` of its responses have one (admins see
  every group). Nothing narrower than a group is offered as a filter.

B8, the share of comments negative, counts the same comments: the person's
label where there is one, else the machine's. A triage aid, never a target.
Plain functions: no Flask."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import Select, and_, case, distinct, exists, func, select
from sqlalchemy.orm import Session

from pace_forms.measures.balancing import COUNT_COLUMNS, MEASURES_BY_KEY, BalancingMeasure
from pace_forms.measures.sentiment import NEGATIVE_BELOW, label_of
from pace_forms.measures.suppression import effective_min_cell
from pace_forms.measures.themes import Codebook, suggest_themes
from pace_forms.models import Answer, CommentReading, FollowUp, Response, Review, User
from pace_forms.models.feedback import SENTIMENT_LABELS

COMMENT_CODE = "TXT"
# Whose comments there are: the respondent types of B8 (forms/measures.yaml).
COMMENT_AUDIENCES = MEASURES_BY_KEY["B8"].audiences
MONTHS_SHOWN = 12  # the period when none is chosen: the last 12 months


class ReadingError(ValueError):
    """A reading that cannot be saved; `field` names the form field."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Reading:
    """What a person decided about a comment."""

    themes: tuple[str, ...]
    sentiment: str | None
    read_at: datetime
    read_by: str | None  # their email, while their account exists


@dataclass(frozen=True)
class Comment:
    answer_id: int
    response_id: str
    text: str
    audience: str
    month: str  # "2026-03", the month of the review: never the day
    machine_label: str | None  # None: not scored (recorded before scoring)
    suggested_themes: tuple[str, ...]
    reading: Reading | None

    @property
    def group(self) -> tuple[str, str]:
        return (self.audience, self.month)

    @property
    def themes(self) -> tuple[str, ...]:
        """The person's themes where read, else the codebook's suggestions."""
        return self.reading.themes if self.reading else self.suggested_themes

    @property
    def sentiment(self) -> str | None:
        """The person's label where they gave one, else the machine's (as B8 counts it)."""
        return self.reading.sentiment if self.reading and self.reading.sentiment else self.machine_label


@dataclass(frozen=True)
class CommentGroup:
    audience: str
    month: str
    size: int  # responses with a comment
    is_shown: bool


@dataclass(frozen=True)
class ShownComments:
    """The comments one person may read, and what was hidden from them."""

    comments: tuple[Comment, ...]
    groups: tuple[CommentGroup, ...]
    min_cell: int

    @property
    def hidden_groups(self) -> int:
        return sum(1 for group in self.groups if not group.is_shown)

    @property
    def small_groups(self) -> int:
        """Groups under the threshold, shown or not (an admin sees them)."""
        return sum(1 for group in self.groups if group.size < self.min_cell)


@dataclass(frozen=True)
class ThemeSection:
    key: str | None  # None: "No theme yet"
    label: str
    description: str
    # (comment, True where it first appears on the page: its reading form is there)
    entries: tuple[tuple[Comment, bool], ...]


def month_of(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def month_bounds(month: str) -> tuple[date, date]:
    """The first and last day of "2026-03"; ValueError if it is not a month so written."""
    if len(month) != 7 or month[4] != "-":
        raise ValueError(month)
    first = date(int(month[:4]), int(month[5:]), 1)
    following = (first + timedelta(days=31)).replace(day=1)
    return first, following - timedelta(days=1)


@dataclass(frozen=True)
class CommentFilters:
    """What a reader may narrow the comments by: the period and the
    respondent type, nothing narrower than a group."""

    since: str  # "2026-01", a month of the review
    until: str
    audience: str  # "" for every respondent type
    errors: dict[str, str]  # field -> what is wrong, in words

    def url_args(self) -> dict[str, str]:
        return {"from": self.since, "to": self.until, **({"audience": self.audience} if self.audience else {})}

    def query(self) -> dict[str, object]:
        """comments_of's keyword arguments."""
        return {"since": month_bounds(self.since)[0], "until": month_bounds(self.until)[1],
                "audiences": [self.audience] if self.audience else COMMENT_AUDIENCES}

    def without_errors(self) -> CommentFilters:
        return replace(self, errors={})


def _month_field(values: Mapping[str, str], name: str, words: str, default: str, errors: dict[str, str]) -> str:
    text = (values.get(name) or "").strip()
    if not text:
        return default
    try:
        month_bounds(text)
    except ValueError:
        errors[name] = f"{words} must be a month written as year and month, like 2026-03, not {text!r}."
        return default
    return text


def read_filters(values: Mapping[str, str], today: date) -> CommentFilters:
    """The filters from a query string or a form (`from`, `to`, `audience`),
    by default the last MONTHS_SHOWN months; each mistake named by field."""
    first = date(today.year, today.month, 1)
    for _ in range(MONTHS_SHOWN - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    errors: dict[str, str] = {}
    since = _month_field(values, "from", "From", month_of(first), errors)
    until = _month_field(values, "to", "To", month_of(today), errors)
    if not errors and since > until:
        errors["to"] = f"To ({until}) must be the same month as From ({since}) or later."
    audience = (values.get("audience") or "").strip()
    if audience and audience not in COMMENT_AUDIENCES:
        errors["audience"] = f"Respondent type must be one of {', '.join(COMMENT_AUDIENCES)}, or empty for everyone; not {audience!r}."
        audience = ""
    return CommentFilters(since, until, audience, errors)


def followed_up_response_ids(session: Session, area_id: int) -> set[str]:
    """Responses noted on a follow-up that another response of the same link
    raised (FollowUp.more_reasons). Those that raised one are excluded in SQL."""
    noted = session.execute(select(FollowUp.more_reasons).where(FollowUp.area_id == area_id)).scalars()
    return {note["response_id"] for notes in noted for note in notes or ()}


def _comment_query(query: Select, session: Session, area_id: int, *, since: date | None, until: date | None,
                   audiences: Iterable[str] | None) -> Select:
    """`query` over answers narrowed to the area's comments that may be read."""
    query = (
        query.join(Response, Response.id == Answer.response_id)
        .join(Review, Review.id == Response.review_id)
        .where(
            Response.area_id == area_id,
            Response.status == "accepted",
            Answer.measure == COMMENT_CODE,
            Answer.value_text.is_not(None),
            func.trim(Answer.value_text) != "",
            ~exists().where(FollowUp.response_id == Response.id),
        )
    )
    noted = followed_up_response_ids(session, area_id)
    if noted:
        query = query.where(Response.id.not_in(noted))
    if audiences is not None:
        query = query.where(Response.audience.in_(list(audiences)))
    if since is not None:
        query = query.where(Review.held_on >= since)
    if until is not None:
        query = query.where(Review.held_on <= until)
    return query


def comments_of(session: Session, area_id: int, codebook: Codebook, *, since: date | None = None, until: date | None = None,
                audiences: Iterable[str] | None = None, answer_id: int | None = None) -> list[Comment]:
    """The area's comments on reviews from `since` to `until`, oldest month
    first, with suggestions and any reading. Never one that raised a follow-up."""
    query = _comment_query(
        select(Answer.id, Answer.response_id, Answer.value_text, Answer.sentiment, Response.audience, Review.held_on,
               CommentReading.themes, CommentReading.sentiment, CommentReading.read_at, User.email),
        session, area_id, since=since, until=until, audiences=audiences,
    )
    query = (
        query.outerjoin(CommentReading, CommentReading.answer_id == Answer.id)
        .outerjoin(User, User.id == CommentReading.read_by_user_id)
        .order_by(Review.held_on, Response.audience, Answer.id)
    )
    if answer_id is not None:
        query = query.where(Answer.id == answer_id)
    return [
        Comment(
            answer_id=ident, response_id=response_id, text=text, audience=audience, month=month_of(held_on),
            machine_label=None if score is None else label_of(score),
            suggested_themes=tuple(suggest_themes(text, codebook)),
            reading=None if read_at is None else Reading(tuple(themes or ()), sentiment, read_at, email),
        )
        for ident, response_id, text, score, audience, held_on, themes, sentiment, read_at, email in session.execute(query)
    ]


def groups_of(comments: Iterable[Comment], *, min_cell: int, sees_everything: bool) -> tuple[CommentGroup, ...]:
    """Each (respondent type, month) with how many responses commented, and
    whether its comments may be listed: at least `min_cell`, or an admin."""
    min_cell = effective_min_cell(min_cell)
    sizes = Counter(group for group, _ in {(comment.group, comment.response_id) for comment in comments})
    return tuple(
        CommentGroup(audience, month, size, sees_everything or size >= min_cell)
        for (audience, month), size in sorted(sizes.items(), key=lambda item: (item[0][1], item[0][0]))
    )


def shown_comments(comments: Sequence[Comment], *, min_cell: int, sees_everything: bool) -> ShownComments:
    """The comments of the groups that may be listed, and every group with why."""
    groups = groups_of(comments, min_cell=min_cell, sees_everything=sees_everything)
    listed = {(group.audience, group.month) for group in groups if group.is_shown}
    return ShownComments(tuple(comment for comment in comments if comment.group in listed), groups, effective_min_cell(min_cell))


def readable_comment(session: Session, area_id: int, answer_id: int, *, min_cell: int, sees_everything: bool) -> Comment | None:
    """The comment with this answer id if its reader may see it listed: a
    comment of the area, no follow-up, in a group shown to them."""
    found = comments_of(session, area_id, Codebook(()), answer_id=answer_id)
    if not found:
        return None
    first, last = month_bounds(found[0].month)
    group = comments_of(session, area_id, Codebook(()), since=first, until=last, audiences=[found[0].audience])
    shown = shown_comments(group, min_cell=min_cell, sees_everything=sees_everything)
    return found[0] if shown.comments else None


def sections_by_theme(comments: Sequence[Comment], codebook: Codebook) -> list[ThemeSection]:
    """A section per codebook theme that has comments (in codebook order),
    then "No theme yet". A comment with several themes is in each of their
    sections; its first appearance carries its reading form."""
    seen: set[int] = set()
    sections = []
    for theme in codebook.themes:
        in_theme = [comment for comment in comments if theme.key in comment.themes]
        if in_theme:
            sections.append(ThemeSection(theme.key, theme.label, theme.description, _first_marked(in_theme, seen)))
    known = set(codebook.keys())
    rest = [comment for comment in comments if not set(comment.themes) & known]
    if rest:
        sections.append(ThemeSection(None, "No theme yet", "No theme suggested or confirmed.", _first_marked(rest, seen)))
    return sections


def _first_marked(comments: list[Comment], seen: set[int]) -> tuple[tuple[Comment, bool], ...]:
    marked = tuple((comment, comment.answer_id not in seen) for comment in comments)
    seen.update(comment.answer_id for comment in comments)
    return marked


def check_reading(themes: Iterable[str], sentiment: str | None, codebook: Codebook) -> tuple[list[str], str]:
    """The themes (codebook keys, in codebook order) and sentiment of a
    reading, or ReadingError naming the field and saying why."""
    chosen = list(dict.fromkeys(themes))
    unknown = [key for key in chosen if key not in codebook.keys()]
    if unknown:
        raise ReadingError("themes", f"{', '.join(repr(key) for key in unknown)} is not a theme of the codebook; "
                                     f"the themes are {', '.join(codebook.keys())}.")
    if sentiment not in SENTIMENT_LABELS:
        raise ReadingError("sentiment", "Choose whether the comment is negative, neutral or positive.")
    return [key for key in codebook.keys() if key in chosen], sentiment


def save_reading(session: Session, comment: Comment, area_id: int, themes: Iterable[str], sentiment: str | None,
                 codebook: Codebook, user_id: int | None, now: datetime) -> tuple[CommentReading, dict[str, object] | None]:
    """Record a person's themes and sentiment for a comment (replacing an
    earlier reading, theirs or another's). Returns the reading and the
    earlier one (None if none), for the audit log: never the comment's
    text. Flushes only."""
    themes, sentiment = check_reading(themes, sentiment, codebook)
    reading = session.execute(select(CommentReading).where(CommentReading.answer_id == comment.answer_id)).scalar_one_or_none()
    before = None if reading is None else {"themes": list(reading.themes or ()), "sentiment": reading.sentiment}
    if reading is None:
        reading = CommentReading(answer_id=comment.answer_id, area_id=area_id)
        session.add(reading)
    reading.themes, reading.sentiment, reading.read_by_user_id, reading.read_at = themes, sentiment, user_id, now
    session.flush()
    return reading, before


def count_negative_comments(session: Session, area_id: int, audiences: Iterable[str], *, since: date | None = None,
                            until: date | None = None) -> list[tuple[str, date, int, int, int]]:
    """B8 per respondent type and review date: (audience, held_on, responses
    with a comment, comments, negative comments), negative by the person's
    label where there is one, else the machine's. The comments page's rules
    of which comments count apply (follow-ups never)."""
    person_said = and_(CommentReading.id.is_not(None), CommentReading.sentiment.is_not(None))
    is_negative = case(
        (person_said, case((CommentReading.sentiment == "negative", 1), else_=0)),
        (Answer.sentiment < NEGATIVE_BELOW, 1),
        else_=0,
    )
    query = _comment_query(
        select(Response.audience, Review.held_on, func.count(distinct(Response.id)), func.count(Answer.id), func.sum(is_negative)),
        session, area_id, since=since, until=until, audiences=audiences,
    )
    query = query.outerjoin(CommentReading, CommentReading.answer_id == Answer.id).group_by(Response.audience, Review.held_on)
    return [(audience, held_on, respondents, comments, int(negative or 0)) for audience, held_on, respondents, comments, negative in session.execute(query)]


def comment_counts(session: Session, area_id: int, measure: BalancingMeasure, *, since: date | None = None,
                   until: date | None = None) -> pd.DataFrame:
    """B8 in balancing.count_answers's columns: respondents are the responses
    with a comment, answers the comments, and "positive" the negative ones."""
    rows = count_negative_comments(session, area_id, measure.audiences, since=since, until=until)
    return pd.DataFrame([(measure.key, *row) for row in rows], columns=COUNT_COLUMNS)
