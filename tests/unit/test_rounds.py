from datetime import date

from backend.workshop.rounds import quarter_label, review_label


def test_quarter_label():
    assert quarter_label(date(2026, 11, 3)) == "2026-Q4"
    assert quarter_label(date(2027, 1, 1)) == "2027-Q1"


def test_a_review_defaults_to_the_quarter_after_the_reviewed_version():
    assert review_label("2026-Q3") == "2026-Q4"
    assert review_label("2026-Q4") == "2027-Q1"
    assert review_label(" 2026-Q1 ") == "2026-Q2"


def test_a_label_that_is_no_quarter_gives_the_current_quarter():
    today = date(2026, 5, 20)
    for label in ("Spring plan", "2026-Q5", "2026-q3", "", None):
        assert review_label(label, today=today) == "2026-Q2"


def test_labels_the_lineage_already_has_are_skipped():
    assert review_label("2026-Q3", taken={"2026-Q3", "2026-Q4", "2027-Q1"}) == "2027-Q2"
    today = date(2026, 5, 20)
    assert review_label("Spring plan", taken={"Spring plan", "2026-Q2"}, today=today) == "2026-Q3"
