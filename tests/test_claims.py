"""The claim book (newsdb/facts/claims.py): one claim per report, field and fact."""
import pytest

from newsdb.curated.problems import Problems
from newsdb.facts.claims import ClaimBook
from newsdb.facts.origins import Origins


def add(book, value, source="report-a"):
    return book.add(source, "events", "visit", "start_date", value, tense="after",
                    hedged=False)


def test_a_report_saying_the_same_twice_gives_one_claim():
    book = ClaimBook(Problems())
    first = add(book, "2014-12-17")
    assert first["id"] == "report-a--events-visit-start-date"
    assert add(book, "2014-12-17") is None
    assert book.rows == [first]


def test_a_report_saying_two_values_is_a_problem_and_keeps_the_first():
    problems = Problems()
    book = ClaimBook(problems)
    first = add(book, "2014-12-17")
    assert add(book, "2014-12-18") is None
    assert book.rows == [first] and first["value"] == "2014-12-17"
    assert len(problems) == 1


def test_two_reports_give_two_claims():
    book = ClaimBook(Problems())
    add(book, "2014-12-17")
    add(book, "2014-12-18", source="report-b")
    assert [row["source_id"] for row in book.rows] == ["report-a", "report-b"]


def test_no_claim_is_added_once_the_book_is_closed():
    book = ClaimBook(Problems())
    first = add(book, "2014-12-17")
    book.close()
    with pytest.raises(RuntimeError, match="closed"):
        add(book, "2014-12-18", source="report-b")
    assert book.rows == [first]


def staged_claims(tmp_path):
    from newsdb.store.registry import default_registry
    from newsdb.store.staging import Stage

    stage = Stage(tmp_path / ".staging")
    return stage, stage.table(default_registry().by_name["claims"], Origins())


@pytest.mark.parametrize("staged", [False, True])
def test_a_report_whose_claims_come_again_is_checked_against_its_first(tmp_path, staged):
    """Claims of one report id after another report's (two files with one id): the first
    claim of each field is still the one the others are checked against."""
    stage, rows = staged_claims(tmp_path) if staged else (None, None)
    problems = Problems()
    book = ClaimBook(problems, rows=rows)
    add(book, "2014-12-17")
    add(book, "2014-12-18", source="report-b")
    if staged:
        book.rows.flush()  # a report's claims are let go once it is read
    assert add(book, "2014-12-17") is None
    assert not problems
    assert add(book, "2014-12-19") is None
    [problem] = problems.sorted()
    assert "already claims start_date '2014-12-17'" in str(problem)
    assert [row["value"] for row in book.rows] == ["2014-12-17", "2014-12-18"]
    if stage:
        stage.close()
