"""Fairness marks: a tier or site noticeably below the client's own figures, with enough cases."""

from reports.dashboards.sections import _marks

OVERALL = {"compliance": 80.0, "csat": 4.2, "resolve_mean_hours": 10.0}


def group(**kw):
    return {
        "compliance": 80.0,
        "decided": 20,
        "csat": 4.2,
        "rated": 20,
        "resolve_mean_hours": 10.0,
        "resolved_timed": 20,
    } | kw


def test_ten_points_below_with_five_cases_is_marked():
    assert _marks(group(compliance=70.0, decided=5), OVERALL) == ["compliance"]


def test_fewer_cases_or_a_smaller_gap_is_not_marked():
    assert _marks(group(compliance=70.0, decided=4), OVERALL) == []
    assert _marks(group(compliance=70.1), OVERALL) == []


def test_csat_half_a_point_below_is_marked():
    assert _marks(group(csat=3.7), OVERALL) == ["csat"]
    assert _marks(group(csat=3.71), OVERALL) == []
    assert _marks(group(csat=1.0, rated=4), OVERALL) == []


def test_time_to_resolve_half_again_as_long_is_marked():
    assert _marks(group(resolve_mean_hours=15.0), OVERALL) == ["resolve"]
    assert _marks(group(resolve_mean_hours=14.9), OVERALL) == []


def test_no_figure_is_no_mark():
    assert _marks(group(compliance=None, csat=None, resolve_mean_hours=None), OVERALL) == []
