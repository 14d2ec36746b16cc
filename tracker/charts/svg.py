"""Chart models: what a chart shows, with every coordinate computed. Pure: no database, no clock.

Templates (``templates/charts/``) draw these models as inline SVG; Python builds no markup.
Every chart is drawn in a ``viewBox`` of ``WIDTH`` units and scaled to the width of its box
(``width: 100%``), so it fits a 360 px phone as it fits a desktop. Colour never carries a
figure alone: each part also has a pattern (hatching, dots), a legend entry, its number
written on it when there is room, and a data table beside the picture with the same figures.

Three charts:

- ``completion_bars``: per decision a stacked horizontal bar of its assignments by bucket
  (on time, late, reported, open, overdue; ``tracker.compliance.rules``), «принято N из M».
- ``school_ranking``: schools by the share of their assignments accepted on time, best first.
- ``trend``: the share done and the share done on time, meeting after meeting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from math import ceil

from tracker.compliance.rules import Counts, percent
from tracker.compliance.services import Compliance

WIDTH = 400
"""The width of every chart's ``viewBox``, in its own units."""
FONT = 14
"""The font size of labels, in ``viewBox`` units."""
MIN_COUNT_WIDTH = 22.0
"""A bar segment at least this wide has its count written on it."""


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word when one ends late enough, with «…»."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:—-") + "…"


def _edges(values: Sequence[int], width: float) -> list[float]:
    """The left edge of each value's segment and the right edge of the last one, so that the
    segments tile ``[0, width]`` exactly: each edge is the running total, scaled."""
    total = sum(values)
    edges, running = [0.0], 0
    for value in values:
        running += value
        edges.append(round(width * running / total, 2) if total else 0.0)
    if total:
        edges[-1] = float(width)
    return edges


# ---------------------------------------------------------------- parts of a bar


@dataclass(frozen=True)
class Part:
    """One bucket as the charts show it: a key (the CSS class and the pattern's id), a label."""

    key: str
    label: str


PARTS = (
    Part("on-time", "в срок"),
    Part("late", "с опозданием"),
    Part("reported", "на проверке"),
    Part("open", "в работе"),
    Part("overdue", "просрочено"),
)
"""The buckets of ``rules.Counts`` in the order a bar stacks them: done first, overdue last."""


def _part_counts(counts: Counts) -> tuple[int, ...]:
    return (
        counts.accepted_on_time,
        counts.accepted_late,
        counts.reported,
        counts.open,
        counts.overdue,
    )


@dataclass(frozen=True)
class LegendItem:
    part: Part
    x: float
    y: float


def _legend(top: float, columns: int = 3, row_height: float = 22) -> tuple[LegendItem, ...]:
    step = WIDTH / columns
    return tuple(
        LegendItem(part=p, x=round(step * (i % columns), 2), y=top + row_height * (i // columns))
        for i, p in enumerate(PARTS)
    )


LEGEND_HEIGHT = 22 * ceil(len(PARTS) / 3)


# ---------------------------------------------------------------- completion per decision


@dataclass(frozen=True)
class Segment:
    part: Part
    count: int
    x: float
    width: float
    percent: int

    @property
    def shows_count(self) -> bool:
        return self.width >= MIN_COUNT_WIDTH

    @property
    def middle(self) -> float:
        return round(self.x + self.width / 2, 2)


@dataclass(frozen=True)
class DecisionBar:
    decision_id: int
    number: str
    label: str
    """«№ 1. Обеспечить участие…»: the number and the start of the text."""
    text: str
    """The whole text of the decision (the bar's tooltip and the table)."""
    counts: Counts
    y: float
    """The top of the row: the label's line, then the bar."""
    bar_y: float
    segments: tuple[Segment, ...]
    """Only the parts with a count, left to right; their widths add up to ``WIDTH``."""

    @property
    def done(self) -> int:
        return self.counts.done

    @property
    def total(self) -> int:
        return self.counts.total

    @property
    def percent(self) -> int:
        return percent(self.counts.done, self.counts.total)

    @property
    def caption(self) -> str:
        """«2 из 3»: accepted of all."""
        return f"{self.counts.done} из {self.counts.total}"

    @property
    def label_y(self) -> float:
        return self.y + FONT


@dataclass(frozen=True)
class BarChart:
    width: int
    height: float
    bar_height: float
    bars: tuple[DecisionBar, ...]
    legend: tuple[LegendItem, ...]
    total: Counts

    @property
    def parts(self) -> tuple[Part, ...]:
        return PARTS

    @property
    def is_empty(self) -> bool:
        return not self.bars


BAR_HEIGHT = 20.0
BAR_ROW = FONT + 6 + BAR_HEIGHT + 14
"""A label line, a gap, the bar, the space before the next row."""


def completion_bars(c: Compliance) -> BarChart:
    """A stacked bar per decision of ``c`` (in its order: oldest meeting, then the protocol's),
    split into the five buckets, each segment as wide as its share of the decision's
    assignments; the legend below the bars."""
    bars = []
    for row, decision in enumerate(c.decisions):
        counts = c.by_decision[decision.id]
        values = _part_counts(counts)
        edges = _edges(values, WIDTH)
        y = row * BAR_ROW
        segments = tuple(
            Segment(
                part=part,
                count=value,
                x=edges[i],
                width=round(edges[i + 1] - edges[i], 2),
                percent=percent(value, counts.total),
            )
            for i, (part, value) in enumerate(zip(PARTS, values, strict=True))
            if value
        )
        number = f"№ {decision.number}" if decision.number else "Без номера"
        bars.append(
            DecisionBar(
                decision_id=decision.id,
                number=number,
                label=shorten(f"{number}. {decision.text}", 30),
                text=decision.text,
                counts=counts,
                y=y,
                bar_y=y + FONT + 6,
                segments=segments,
            )
        )
    top = len(bars) * BAR_ROW
    return BarChart(
        width=WIDTH,
        height=top + LEGEND_HEIGHT,
        bar_height=BAR_HEIGHT,
        bars=tuple(bars),
        legend=_legend(top + 4),
        total=c.total,
    )


# ---------------------------------------------------------------- schools by on-time share


@dataclass(frozen=True)
class SchoolBar:
    rank: int
    school_id: int
    name: str
    counts: Counts
    y: float
    bar_y: float
    width: float
    """The on-time share of ``WIDTH``; the rest of the track is the other assignments."""

    @property
    def on_time(self) -> int:
        return self.counts.accepted_on_time

    @property
    def total(self) -> int:
        return self.counts.total

    @property
    def percent(self) -> int:
        return percent(self.counts.accepted_on_time, self.counts.total)

    @property
    def label(self) -> str:
        return shorten(f"{self.rank}. {self.name}", 30)

    @property
    def caption(self) -> str:
        return f"{self.percent} %"

    @property
    def label_y(self) -> float:
        return self.y + FONT


@dataclass(frozen=True)
class Ranking:
    width: int
    height: float
    bar_height: float
    bars: tuple[SchoolBar, ...]
    omitted: int
    """Schools ranked below the ones shown."""

    @property
    def is_empty(self) -> bool:
        return not self.bars

    @property
    def shown(self) -> int:
        return len(self.bars)


RANK_BAR_HEIGHT = 14.0
RANK_ROW = FONT + 6 + RANK_BAR_HEIGHT + 12


def school_ranking(c: Compliance, limit: int | None = 15) -> Ranking:
    """The schools of ``c`` by the share of their assignments accepted on time, best first;
    equal shares by name, then id. ``limit``: the best so many (None: all)."""
    if limit is not None and limit < 0:
        raise ValueError("limit must not be negative")
    ranked = sorted(
        c.schools,
        key=lambda s: (
            -Fraction(c.by_school[s.id].accepted_on_time, c.by_school[s.id].total or 1),
            s.name.casefold(),
            s.id,
        ),
    )
    shown = ranked if limit is None else ranked[:limit]
    bars = []
    for row, school in enumerate(shown):
        counts = c.by_school[school.id]
        y = row * RANK_ROW
        bars.append(
            SchoolBar(
                rank=row + 1,
                school_id=school.id,
                name=school.name,
                counts=counts,
                y=y,
                bar_y=y + FONT + 6,
                width=_edges(
                    [counts.accepted_on_time, counts.total - counts.accepted_on_time], WIDTH
                )[1],
            )
        )
    return Ranking(
        width=WIDTH,
        height=len(bars) * RANK_ROW,
        bar_height=RANK_BAR_HEIGHT,
        bars=tuple(bars),
        omitted=len(ranked) - len(shown),
    )


# ---------------------------------------------------------------- the trend across meetings


@dataclass(frozen=True)
class TrendPoint:
    on: date
    """The meeting's date."""
    done: int
    """Percent of the meeting's assignments accepted."""
    on_time: int
    """Percent accepted on time."""
    x: float
    done_y: float
    on_time_y: float
    labelled: bool
    """Whether the x axis writes this date (every one when there is room)."""


@dataclass(frozen=True)
class Gridline:
    percent: int
    y: float


@dataclass(frozen=True)
class Trend:
    width: int
    height: float
    left: float
    """The plot area: from ``left`` to ``right`` across, ``top`` to ``bottom`` down."""
    right: float
    top: float
    bottom: float
    points: tuple[TrendPoint, ...]
    gridlines: tuple[Gridline, ...]

    @property
    def is_empty(self) -> bool:
        return not self.points

    @property
    def done_line(self) -> str:
        """The ``points`` attribute of the polyline of the share done."""
        return " ".join(f"{p.x},{p.done_y}" for p in self.points)

    @property
    def on_time_line(self) -> str:
        return " ".join(f"{p.x},{p.on_time_y}" for p in self.points)

    @property
    def label_y(self) -> float:
        return self.bottom + FONT + 6


TREND_HEIGHT = 240
TREND_LEFT, TREND_RIGHT = 48.0, WIDTH - 40.0
TREND_TOP, TREND_BOTTOM = 36.0, TREND_HEIGHT - 30.0
DATE_LABEL_WIDTH = 78.0
"""Room for «05.02.2026» at ``FONT`` with a gap; half of it fits either side of the plot."""


def trend(points: Sequence[tuple[date, float, float]]) -> Trend:
    """A line chart of ``(meeting date, share done, share done on time)``, shares from 0 to 1,
    oldest meeting on the left. Meetings are evenly spaced (they are events, not a time
    scale); one meeting stands in the middle. Dates are written under as many points as fit,
    always the first and the last."""
    for _, done, on_time in points:
        if not (0 <= done <= 1 and 0 <= on_time <= 1):
            raise ValueError("shares must be between 0 and 1")
    ordered = sorted(points, key=lambda p: p[0])
    span = TREND_RIGHT - TREND_LEFT
    height = TREND_BOTTOM - TREND_TOP
    n = len(ordered)
    step = span / (n - 1) if n > 1 else 0.0
    every = max(1, ceil(DATE_LABEL_WIDTH / step)) if step else 1

    def y(share: float) -> float:
        return round(TREND_BOTTOM - share * height, 2)

    found = tuple(
        TrendPoint(
            on=on,
            done=round(done * 100),
            on_time=round(on_time * 100),
            x=round(TREND_LEFT + i * step, 2) if n > 1 else round(TREND_LEFT + span / 2, 2),
            done_y=y(done),
            on_time_y=y(on_time),
            labelled=i == n - 1 or (i % every == 0 and n - 1 - i >= every),
        )
        for i, (on, done, on_time) in enumerate(ordered)
    )
    return Trend(
        width=WIDTH,
        height=TREND_HEIGHT,
        left=TREND_LEFT,
        right=TREND_RIGHT,
        top=TREND_TOP,
        bottom=TREND_BOTTOM,
        points=found,
        gridlines=tuple(Gridline(percent=p, y=y(p / 100)) for p in (0, 25, 50, 75, 100)),
    )
