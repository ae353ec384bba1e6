"""Every model, split by aggregate and gathered here for Alembic and callers."""

from pace_forms.models.audit import AuditEvent
from pace_forms.models.area import AGE_BANDS, REVIEW_KINDS, Area, Child, Review
from pace_forms.models.base import Base, UTCDateTime, utc_now
from pace_forms.models.feedback import SENTIMENT_LABELS, AreaNote, CommentReading
from pace_forms.models.follow_up import FOLLOW_UP_REASONS, FollowUp
from pace_forms.models.held import HELD_DECISIONS, HeldDecision
from pace_forms.models.invitation import Invitation
from pace_forms.models.push import DELIVERY_OUTCOMES, PUSH_PURPOSES, OutboxReport, PushDelivery, PushSubscription
from pace_forms.models.journey import RECOMMENDATIONS, TIMESCALE_KEYS, AimTarget, Annotation, Journey
from pace_forms.models.response import Answer, FormVersion, Response, ResponseConflict
from pace_forms.models.user import ROLES, ApiToken, User, UserArea

__all__ = [
    "AreaNote",
    "CommentReading",
    "SENTIMENT_LABELS",
    "AimTarget",
    "Annotation",
    "Journey",
    "RECOMMENDATIONS",
    "TIMESCALE_KEYS",
    "ApiToken",
    "AuditEvent",
    "HELD_DECISIONS",
    "HeldDecision",
    "AGE_BANDS",
    "FOLLOW_UP_REASONS",
    "FollowUp",
    "REVIEW_KINDS",
    "DELIVERY_OUTCOMES",
    "PUSH_PURPOSES",
    "OutboxReport",
    "PushDelivery",
    "PushSubscription",
    "Answer",
    "Area",
    "Base",
    "Child",
    "FormVersion",
    "Invitation",
    "Response",
    "ResponseConflict",
    "Review",
    "ROLES",
    "User",
    "UserArea",
    "UTCDateTime",
    "utc_now",
]
