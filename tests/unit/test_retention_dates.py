"""Retention periods in calendar months."""

from datetime import datetime, timezone

import pytest

from pace_forms.retention.services import months_before


@pytest.mark.parametrize(
    "moment, months, expected",
    [
        (datetime(2026, 11, 30, 9, 15, tzinfo=timezone.utc), 36, datetime(2023, 11, 30, 9, 15, tzinfo=timezone.utc)),
        (datetime(2026, 3, 31, tzinfo=timezone.utc), 1, datetime(2026, 2, 28, tzinfo=timezone.utc)),
        (datetime(2024, 3, 31, tzinfo=timezone.utc), 1, datetime(2024, 2, 29, tzinfo=timezone.utc)),
        (datetime(2026, 1, 15, tzinfo=timezone.utc), 13, datetime(2024, 12, 15, tzinfo=timezone.utc)),
        (datetime(2026, 12, 31, tzinfo=timezone.utc), 0, datetime(2026, 12, 31, tzinfo=timezone.utc)),
    ],
)
def test_months_before_counts_calendar_months(moment, months, expected):
    assert months_before(moment, months) == expected
