"""The figures behind the charts, read through the compliance service (``tracker.compliance``),
and drawn as models by ``tracker.charts.svg``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.accounts.roles import Actor, Permission
from tracker.charts import svg
from tracker.compliance.rules import ZERO, Counts
from tracker.compliance.services import compliance
from tracker.meetings import services as meetings


@dataclass(frozen=True)
class MeetingCharts:
    """The charts of one meeting's decisions."""

    meeting: meetings.MeetingView
    bars: svg.BarChart
    ranking: svg.Ranking
    unassigned: tuple[str, ...]
    """The numbers («№ 2») of the meeting's tracked decisions no school has been assigned."""


async def meeting_charts(
    actor: Actor, meeting_id: int, *, today: date, ranking_limit: int | None = 15
) -> MeetingCharts:
    """Completion per decision of the meeting and its schools ranked by on-time share, on
    ``today``. For the department, like the meeting's page (403 for other roles; 404 when
    there is no such meeting)."""
    actor.require(Permission.MANAGE_MEETINGS)
    detail = await meetings.get_meeting(actor, meeting_id)
    found = await compliance(actor, today=today, meeting_id=meeting_id)
    assigned = {d.id for d in found.decisions}
    return MeetingCharts(
        meeting=detail.meeting,
        bars=svg.completion_bars(found),
        ranking=svg.school_ranking(found, limit=ranking_limit),
        unassigned=tuple(
            f"№ {d.number}" if d.number else "без номера"
            for d in detail.decisions
            if d.kind.is_tracked and d.id not in assigned
        ),
    )


async def trend_across_meetings(actor: Actor, *, today: date, limit: int = 12) -> svg.Trend:
    """The share of assignments done and done on time, per meeting, for the last ``limit``
    meetings that have assignments the actor may see, on ``today``: the compliance matrix
    once, summed by meeting."""
    if limit < 1:
        raise ValueError("limit must be positive")
    found = await compliance(actor, today=today)
    by_meeting: dict[int, Counts] = {}
    dates: dict[int, date] = {}
    for decision in found.decisions:
        counts = found.by_decision[decision.id]
        by_meeting[decision.meeting_id] = by_meeting.get(decision.meeting_id, ZERO).add(counts)
        dates[decision.meeting_id] = decision.meeting_date
    last = sorted(by_meeting, key=lambda m: (dates[m], m))[-limit:]
    return svg.trend(
        [
            (
                dates[m],
                by_meeting[m].done / by_meeting[m].total,
                by_meeting[m].accepted_on_time / by_meeting[m].total,
            )
            for m in last
        ]
    )
