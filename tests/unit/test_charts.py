"""Chart models: bars that tile their width, schools in the right order, a trend scaled to its
plot area, and nothing drawn from nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.charts import svg
from tracker.compliance.rules import Counts
from tracker.compliance.services import Compliance, DecisionRef, SchoolRef

TODAY = date(2026, 3, 10)


def counts(
    on_time: int = 0, late: int = 0, reported: int = 0, open_: int = 0, overdue: int = 0
) -> Counts:
    return Counts(
        total=on_time + late + reported + open_ + overdue,
        accepted_on_time=on_time,
        accepted_late=late,
        reported=reported,
        open=open_,
        overdue=overdue,
    )


def decision(i: int, number: str | None = None, text: str = "Обеспечить.") -> DecisionRef:
    return DecisionRef(
        id=i,
        meeting_id=1,
        meeting_date=date(2026, 2, 5),
        meeting_number="1",
        position=i,
        number=str(i) if number is None else number,
        text=text,
    )


def matrix(
    by_decision: dict[int, Counts] | None = None, by_school: dict[str, Counts] | None = None
) -> Compliance:
    """A compliance result whose sums are the given ones: each decision's counts in one cell
    at a school not listed, each school's in one cell of a decision not listed."""
    by_decision = by_decision or {}
    by_school = by_school or {}
    schools = tuple(SchoolRef(id=i, name=name) for i, name in enumerate(by_school, start=1))
    cells = {(i, UNLISTED): c for i, c in by_decision.items()}
    cells |= {(UNLISTED, s.id): by_school[s.name] for s in schools}
    return Compliance.of_cells(TODAY, [decision(i) for i in by_decision], schools, cells)


UNLISTED = 0


# ---------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(0, 0, 0), (0, 3, 0), (1, 3, 33), (2, 3, 67), (1, 2, 50), (1, 200, 1), (3, 3, 100)],
)
def test_percent_rounds_halves_up(part: int, whole: int, expected: int) -> None:
    assert svg.percent(part, whole) == expected


def test_shorten_cuts_at_a_word_with_an_ellipsis() -> None:
    assert svg.shorten("Коротко.", 30) == "Коротко."
    assert svg.shorten("Обеспечить участие педагогов в семинарах", 20) == "Обеспечить участие…"
    assert len(svg.shorten("x" * 100, 20)) == 20


# ---------------------------------------------------------------- completion per decision


def test_a_bar_is_split_by_bucket_in_order_and_fills_the_width() -> None:
    # Given a decision: 2 on time, 1 late, 1 reported, 0 open, 4 overdue
    c = matrix({7: counts(on_time=2, late=1, reported=1, overdue=4)})

    # When it is drawn
    chart = svg.completion_bars(c)

    # Then one bar, its parts left to right in the buckets' order, empty parts left out
    (bar,) = chart.bars
    assert [s.part.key for s in bar.segments] == ["on-time", "late", "reported", "overdue"]
    assert [s.count for s in bar.segments] == [2, 1, 1, 4]
    assert [s.width for s in bar.segments] == [100.0, 50.0, 50.0, 200.0]
    assert [s.x for s in bar.segments] == [0.0, 100.0, 150.0, 200.0]
    assert [s.percent for s in bar.segments] == [25, 13, 13, 50]
    assert bar.caption == "3 из 8"
    assert bar.percent == 38
    assert bar.number == "№ 7"
    assert bar.label == "№ 7. Обеспечить."
    assert chart.total == c.total


def test_bars_stack_down_in_the_decisions_order_with_the_legend_below() -> None:
    chart = svg.completion_bars(matrix({1: counts(open_=3), 2: counts(on_time=1), 3: counts(1)}))

    assert [b.decision_id for b in chart.bars] == [1, 2, 3]
    assert [b.y for b in chart.bars] == [0, svg.BAR_ROW, 2 * svg.BAR_ROW]
    assert all(b.bar_y > b.label_y - svg.FONT for b in chart.bars)
    assert min(item.y for item in chart.legend) > chart.bars[-1].bar_y + chart.bar_height
    assert max(item.y for item in chart.legend) + 16 <= chart.height
    assert [item.part for item in chart.legend] == list(svg.PARTS)
    assert all(0 <= item.x < chart.width for item in chart.legend)


def test_a_decision_without_a_number_is_named_so() -> None:
    c = matrix({1: counts(open_=1)})
    c = replace(c, decisions=(decision(1, number=""),))

    assert svg.completion_bars(c).bars[0].number == "Без номера"


def test_long_decision_text_is_shortened_in_the_label_only() -> None:
    text = "Обеспечить участие педагогических работников в муниципальных семинарах и конкурсах."
    c = matrix({1: counts(open_=1)})
    c = replace(c, decisions=(decision(1, text=text),))

    bar = svg.completion_bars(c).bars[0]

    assert bar.label.endswith("…")
    assert len(bar.label) <= 30
    assert bar.text == text


def test_no_decisions_no_bars() -> None:
    chart = svg.completion_bars(matrix())

    assert chart.is_empty
    assert chart.bars == ()
    assert chart.height == svg.LEGEND_HEIGHT


def test_small_segments_do_not_write_their_count() -> None:
    (bar,) = svg.completion_bars(matrix({1: counts(on_time=1, open_=99)})).bars

    assert [s.shows_count for s in bar.segments] == [False, True]


bucket_counts = st.tuples(*[st.integers(min_value=0, max_value=10_000)] * 5).filter(any)


@given(bucket_counts)
def test_segments_tile_the_bar_exactly(values: tuple[int, int, int, int, int]) -> None:
    (bar,) = svg.completion_bars(matrix({1: counts(*values)})).bars

    assert sum(s.width for s in bar.segments) == pytest.approx(svg.WIDTH, abs=1e-6)
    assert bar.segments[0].x == 0
    for left, right in pairwise(bar.segments):
        assert left.x + left.width == pytest.approx(right.x, abs=1e-6)
    assert bar.segments[-1].x + bar.segments[-1].width == pytest.approx(svg.WIDTH, abs=1e-6)
    assert all(s.width >= 0 for s in bar.segments)
    assert [s.count for s in bar.segments] == [v for v in values if v]
    # Each width is its share of the bar, give or take the rounding to 0.01
    for s in bar.segments:
        assert s.width == pytest.approx(svg.WIDTH * s.count / sum(values), abs=0.02)


# ---------------------------------------------------------------- schools by on-time share


def test_schools_are_ranked_by_on_time_share_best_first_ties_by_name() -> None:
    c = matrix(
        by_school={
            "МБОУ СОШ № 3": counts(on_time=1, open_=1),  # 50 %
            "МБОУ СОШ № 1": counts(on_time=3, late=1),  # 75 %
            "мбоу сош № 2": counts(on_time=2, overdue=2),  # 50 %, name compared without case
            "МБДОУ № 4": counts(late=2),  # 0 %
            "МБОУ СОШ № 5": counts(on_time=1),  # 100 %
        }
    )

    ranking = svg.school_ranking(c)

    assert [b.name for b in ranking.bars] == [
        "МБОУ СОШ № 5",
        "МБОУ СОШ № 1",
        "мбоу сош № 2",
        "МБОУ СОШ № 3",
        "МБДОУ № 4",
    ]
    assert [b.rank for b in ranking.bars] == [1, 2, 3, 4, 5]
    assert [b.percent for b in ranking.bars] == [100, 75, 50, 50, 0]
    assert [b.width for b in ranking.bars] == [400.0, 300.0, 200.0, 200.0, 0.0]
    assert [b.y for b in ranking.bars] == [i * svg.RANK_ROW for i in range(5)]
    assert ranking.height == 5 * svg.RANK_ROW
    assert ranking.omitted == 0
    assert ranking.bars[1].caption == "75 %"
    assert ranking.bars[1].label == "2. МБОУ СОШ № 1"


def test_equal_shares_in_other_terms_are_a_tie() -> None:
    c = matrix(by_school={"Б": counts(on_time=2, open_=2), "А": counts(on_time=1, open_=1)})

    assert [b.name for b in svg.school_ranking(c).bars] == ["А", "Б"]


def test_ranking_keeps_the_best_so_many() -> None:
    c = matrix(by_school={f"Школа {i:02}": counts(on_time=i, open_=20 - i) for i in range(20)})

    ranking = svg.school_ranking(c, limit=5)

    assert [b.name for b in ranking.bars] == [f"Школа {i:02}" for i in (19, 18, 17, 16, 15)]
    assert ranking.omitted == 15
    assert ranking.shown == 5
    assert svg.school_ranking(c, limit=None).omitted == 0
    assert len(svg.school_ranking(c, limit=None).bars) == 20
    with pytest.raises(ValueError, match="negative"):
        svg.school_ranking(c, limit=-1)


def test_no_schools_no_ranking() -> None:
    ranking = svg.school_ranking(matrix())

    assert ranking.is_empty
    assert ranking.height == 0


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)).filter(any), max_size=30))
def test_ranking_is_sorted_and_widths_are_shares(pairs: list[tuple[int, int]]) -> None:
    c = matrix(
        by_school={f"Школа {i}": counts(on_time=a, open_=b) for i, (a, b) in enumerate(pairs)}
    )

    bars = svg.school_ranking(c, limit=None).bars

    shares = [b.on_time / b.total for b in bars]
    assert shares == sorted(shares, reverse=True)
    for b in bars:
        assert 0 <= b.width <= svg.WIDTH
        assert b.width == pytest.approx(svg.WIDTH * b.on_time / b.total, abs=0.01)


# ---------------------------------------------------------------- the trend


def test_trend_spreads_meetings_across_the_plot_and_scales_shares_to_its_height() -> None:
    points = [
        (date(2026, 3, 5), 0.5, 0.25),
        (date(2026, 1, 15), 0.0, 0.0),  # out of order: drawn first
        (date(2026, 5, 20), 1.0, 0.75),
    ]

    chart = svg.trend(points)

    assert [p.on for p in chart.points] == [date(2026, 1, 15), date(2026, 3, 5), date(2026, 5, 20)]
    assert [p.x for p in chart.points] == [chart.left, (chart.left + chart.right) / 2, chart.right]
    assert [p.done_y for p in chart.points] == [
        chart.bottom,
        (chart.top + chart.bottom) / 2,
        chart.top,
    ]
    assert [p.on_time_y for p in chart.points] == [
        chart.bottom,
        chart.bottom - 0.25 * (chart.bottom - chart.top),
        chart.bottom - 0.75 * (chart.bottom - chart.top),
    ]
    assert [(p.done, p.on_time) for p in chart.points] == [(0, 0), (50, 25), (100, 75)]
    assert all(p.labelled for p in chart.points)
    assert chart.done_line.split() == [f"{p.x},{p.done_y}" for p in chart.points]
    assert [g.percent for g in chart.gridlines] == [0, 25, 50, 75, 100]
    assert chart.gridlines[0].y == chart.bottom
    assert chart.gridlines[-1].y == chart.top
    assert 0 < chart.left < chart.right <= chart.width
    assert 0 < chart.top < chart.bottom < chart.label_y <= chart.height


def test_one_meeting_stands_in_the_middle() -> None:
    (point,) = svg.trend([(date(2026, 2, 5), 1 / 3, 0.0)]).points

    assert point.x == pytest.approx((svg.TREND_LEFT + svg.TREND_RIGHT) / 2)
    assert point.done == 33
    assert point.labelled


def test_no_meetings_no_trend() -> None:
    chart = svg.trend([])

    assert chart.is_empty
    assert chart.done_line == ""
    assert len(chart.gridlines) == 5


def test_a_share_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        svg.trend([(TODAY, 1.5, 0.0)])
    with pytest.raises(ValueError, match="between 0 and 1"):
        svg.trend([(TODAY, 0.5, -0.1)])


@given(st.integers(min_value=1, max_value=40))
def test_dates_written_do_not_overlap_and_the_last_is_always_written(n: int) -> None:
    points = [(date(2020, 1, 1) + timedelta(days=30 * i), 0.5, 0.5) for i in range(n)]

    chart = svg.trend(points)

    written = [p.x for p in chart.points if p.labelled]
    assert chart.points[-1].labelled
    assert chart.points[0].labelled
    assert all(b - a >= svg.DATE_LABEL_WIDTH - 0.01 for a, b in pairwise(written))
    assert all(chart.left <= p.x <= chart.right for p in chart.points)
