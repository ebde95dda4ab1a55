"""`tracker report`: a board report written to a PDF file, or a clear refusal."""

from __future__ import annotations

import gc
from datetime import date
from pathlib import Path

from flask.testing import FlaskCliRunner
from pypdf import PdfReader
from sqlmodel import Session, select

from tests.factories import make_commitment, make_issue, make_partner
from tracker.models import Report


def report(runner: FlaskCliRunner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["report", *args])


def some_records(session: Session) -> None:
    partner = make_partner(session, slug="riverside-trust", name="Riverside Trust")
    issue = make_issue(session, lead_partner=partner, raised_on=date(2026, 8, 1))
    make_commitment(session, issue=issue, partner=partner, committed_on=date(2026, 8, 10))


def test_writes_the_system_report_as_a_pdf_and_says_how_long_it_is(
    runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    some_records(session)
    out = tmp_path / "board.pdf"
    result = report(runner, "--period", "2026/27 Q2", "--out", str(out))
    assert result.exit_code == 0, result.output
    pdf = PdfReader(out)
    pages = len(pdf.pages)
    assert f"Wrote Board report 2026/27 Q2: whole system to {out}: {pages} pages" in result.output
    assert "KB" in result.output
    assert "Riverside Trust" in "".join(page.extract_text() for page in pdf.pages)
    # A report made on the command line is only a file: no draft is stored.
    assert session.exec(select(Report)).all() == []


def test_writes_one_partners_report(
    runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    some_records(session)
    out = tmp_path / "partner.pdf"
    result = report(
        runner, "--period", "2026/27 q2", "--partner", "riverside-trust", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert "Board report 2026/27 Q2: Riverside Trust" in result.output
    metadata = PdfReader(out).metadata
    assert metadata is not None and metadata.title.startswith("Board report 2026/27 Q2: Riverside")


def test_a_period_that_is_not_a_quarter_is_refused(runner: FlaskCliRunner, tmp_path: Path) -> None:
    out = tmp_path / "board.pdf"
    result = report(runner, "--period", "2026 Q2", "--out", str(out))
    assert result.exit_code == 2
    assert "Invalid value for '--period'" in result.output
    assert "Write it like 2026/27 Q2" in result.output
    assert not out.exists()


def test_a_quarter_that_has_not_started_is_refused(runner: FlaskCliRunner, tmp_path: Path) -> None:
    out = tmp_path / "board.pdf"
    result = report(runner, "--period", "2026/27 Q4", "--out", str(out))
    assert result.exit_code == 2
    assert "2026/27 Q4 has not started yet: it starts on 1 January 2027." in result.output
    assert "The latest quarter with figures is 2026/27 Q3." in result.output
    assert not out.exists()


def test_an_unknown_partner_is_refused_with_the_known_slugs(
    runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    some_records(session)
    out = tmp_path / "board.pdf"
    result = report(runner, "--period", "2026/27 Q2", "--partner", "nobody", "--out", str(out))
    assert result.exit_code == 2
    assert "There is no partner with the slug 'nobody'." in result.output
    assert "riverside-trust" in result.output
    assert not out.exists()


def test_an_out_path_that_cannot_be_written_is_refused_before_any_work(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-folder" / "board.pdf"
    result = report(runner, "--period", "2026/27 Q2", "--out", str(missing))
    assert result.exit_code == 2
    assert f"The folder {missing.parent} does not exist." in result.output

    result = report(runner, "--period", "2026/27 Q2", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "is a directory" in result.output

    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("minutes")
    result = report(runner, "--period", "2026/27 Q2", "--out", str(not_a_folder / "board.pdf"))
    assert result.exit_code == 2
    assert "does not exist" in result.output
    assert not_a_folder.read_text() == "minutes"


def test_the_period_and_out_path_are_required(runner: FlaskCliRunner) -> None:
    result = report(runner)
    assert result.exit_code == 2
    assert "Missing option '--period'" in result.output


def test_the_garbage_collector_is_back_on_and_nothing_is_left_frozen_after_a_report(
    runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    some_records(session)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    result = report(runner, "--period", "2026/27 Q2", "--out", str(tmp_path / "board.pdf"))
    assert result.exit_code == 0, result.output
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
