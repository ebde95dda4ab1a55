"""The workspace's one date input (tracker.manage.forms.DateField)."""

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form

from tracker.manage.forms import DateField


class DateForm(Form):
    started_on = DateField("Start date", required="Enter the date it started")
    ended_on = DateField("End date")


def posted(**boxes: str) -> DateForm:
    form = DateForm(MultiDict(boxes))
    form.validate()
    return form


def test_a_real_date_is_read_from_its_three_boxes() -> None:
    form = posted(**{"started_on-day": " 7 ", "started_on-month": "3", "started_on-year": "2026"})
    assert form.started_on.data == date(2026, 3, 7)
    assert form.started_on.errors == []
    assert form.ended_on.data is None
    assert form.ended_on.errors == []


def test_the_id_is_the_day_box_so_the_error_summary_links_to_it() -> None:
    assert DateForm().started_on.id == "started_on-day"
    assert DateForm().started_on.base_id == "started_on"


def test_a_required_date_left_empty_says_so_and_marks_every_box() -> None:
    form = posted()
    assert form.started_on.errors == ["Enter the date it started"]
    assert form.started_on.error_parts == ("day", "month", "year")


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "marked"),
    [
        ("", "3", "2026", "Start date must include a day", ("day",)),
        ("1", "", "", "Start date must include a month and year", ("month", "year")),
        ("31", "2", "2026", "Start date must be a real date, like 15 3 2026", None),
        ("3", "11", "26", "Start date must be a real date, like 15 3 2026", None),
        ("x", "3", "2026", "Start date must be a real date, like 15 3 2026", None),
    ],
)
def test_a_date_that_cannot_be_read_keeps_what_was_typed(day, month, year, message, marked):
    form = posted(**{"started_on-day": day, "started_on-month": month, "started_on-year": year})
    assert form.started_on.data is None
    assert form.started_on.errors == [message]
    assert form.started_on.error_parts == (marked or ("day", "month", "year"))
    assert form.started_on.parts == {"day": day, "month": month, "year": year}


def test_a_stored_date_fills_the_boxes() -> None:
    form = DateForm(data={"started_on": date(2025, 12, 1)})
    assert form.started_on.parts == {"day": "1", "month": "12", "year": "2025"}
