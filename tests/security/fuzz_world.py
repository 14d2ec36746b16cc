"""The district the API fuzzing runs over: the test world with an object behind every kind of
id an API path takes, so that generated requests reach real assignments, reports, files,
extension requests and a compiled follow-up, not only 404s; and a request known to succeed for
every operation that changes something, so that each success answer is checked against its
schema at least once whatever the generator draws."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tests.support.world import World, actor_of, make_world
from tracker.assignments import services as assignments
from tracker.assignments.files import Upload
from tracker.followup import services as followup
from tracker.meetings import services as meetings
from tracker.schools import services as schools

PROTOCOL = Path(__file__).parent.parent / "fixtures" / "protocols" / "02_vypiska.txt"


@dataclass(frozen=True)
class KnownRequest:
    """A request that must succeed (``status``) when sent in order, before the fuzzing."""

    account: str
    method: str
    path: str
    """As in the OpenAPI description: ``/api/v1/assignments/{assignment_id}/start``."""
    status: int
    path_parameters: dict[str, int] = field(default_factory=dict)
    body: Any = None


@dataclass
class FuzzWorld:
    world: World
    ids: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """The name of an id parameter (path or query) → ids of real objects of that kind."""
    body_ids: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """The name of an id field of a JSON body (an id or a list of ids) → real ids."""
    known: list[KnownRequest] = field(default_factory=list)


async def make_fuzz_world() -> FuzzWorld:
    world = await make_world()
    head = await actor_of(world, "head")
    school_a = await actor_of(world, "school_a")
    school_b = await actor_of(world, "school_b")

    # School A reports with a file: the assignment is on review, the file can be downloaded.
    reported = world.assignments["a"]
    await assignments.start(school_a, reported)
    report_id = await assignments.submit_report(
        school_a,
        reported,
        text="Семинары проведены, участвовали 12 педагогов.",
        links=["https://example.ru/report"],
        uploads=[Upload(filename="отчёт.txt", content_type="text/plain", data=b"12 teachers")],
    )
    detail = await assignments.get_assignment(school_a, reported)
    report = next(r for r in detail.reports if r.id == report_id)

    # The recommendation goes to every school too: school A has an open assignment to start,
    # report on and ask an extension for.
    fresh = await assignments.assign(head, world.decisions[1], schools.AllSchools())
    open_a = next(row.id for row in fresh if row.school_id == world.schools["a"])

    # School B asks for a later due date: a pending extension request.
    extension_id = await assignments.request_extension(
        school_b, world.assignments["b"], due_on=date(2030, 6, 1), reason="Семинары перенесены."
    )

    # The next meeting, whose follow-up question holds the first meeting's decisions.
    later = await meetings.create_meeting(
        head,
        meetings.MeetingDraft(title="Совещание руководителей ОО", date=date(2026, 3, 5)),
    )
    follow_up = await followup.compile_follow_up(head, later.id, as_of=date(2026, 3, 1))
    # And one more, whose follow-up a known request compiles (recompiling the one above would
    # give its items new ids).
    next_one = await meetings.create_meeting(
        head, meetings.MeetingDraft(title="Совещание руководителей ОО", date=date(2026, 4, 9))
    )

    fuzz = FuzzWorld(world=world)
    fuzz.ids = {
        "assignment_id": (*world.assignments.values(), *(row.id for row in fresh)),
        "decision_id": tuple(world.decisions),
        "meeting_id": (world.meeting_id, later.id, next_one.id),
        "school_id": tuple(world.schools.values()),
        "request_id": (extension_id,),
        "file_id": tuple(f.id for f in report.files),
        "follow_up_id": (follow_up.id,),
        "item_id": tuple(item.id for item in follow_up.items),
    }
    fuzz.body_ids = {
        "schools": tuple(world.schools.values()),
        "group": tuple(world.groups.values()),
        "decision_ids": tuple(world.decisions),
    }
    fuzz.known = _known_requests(fuzz, open_a=open_a, follow_up_meeting=next_one.id)
    return fuzz


def _known_requests(fuzz: FuzzWorld, *, open_a: int, follow_up_meeting: int) -> list[KnownRequest]:
    world, ids = fuzz.world, fuzz.ids
    reported, first_decision = world.assignments["a"], world.decisions[0]
    api = "/api/v1"
    return [
        KnownRequest(
            "school_a",
            "POST",
            f"{api}/assignments/{{assignment_id}}/start",
            200,
            {"assignment_id": open_a},
        ),
        KnownRequest(
            "school_a",
            "POST",
            f"{api}/assignments/{{assignment_id}}/extension-requests",
            201,
            {"assignment_id": open_a},
            {"due_on": "2031-01-15", "reason": "Семинар перенесён организаторами."},
        ),
        KnownRequest(
            "school_a",
            "POST",
            f"{api}/assignments/{{assignment_id}}/reports",
            201,
            {"assignment_id": open_a},
            {"text": "Опыт обобщён на педсовете.", "links": ["https://example.ru/a"]},
        ),
        KnownRequest(
            "head",
            "POST",
            f"{api}/assignments/{{assignment_id}}/return",
            200,
            {"assignment_id": open_a},
            {"comment": "Приложите протокол педсовета."},
        ),
        KnownRequest(
            "head",
            "POST",
            f"{api}/assignments/{{assignment_id}}/accept",
            200,
            {"assignment_id": reported},
            {"comment": "Принято."},
        ),
        KnownRequest(
            "head",
            "POST",
            f"{api}/extension-requests/{{request_id}}/approve",
            200,
            {"request_id": ids["request_id"][0]},
            {"comment": "Согласовано."},
        ),
        KnownRequest(
            "secretary",
            "POST",
            f"{api}/protocols/parse",
            200,
            body={"text": PROTOCOL.read_text(encoding="utf-8")},
        ),
        KnownRequest(
            "secretary",
            "POST",
            f"{api}/meetings",
            201,
            body={
                "title": "Совещание руководителей ОО",
                "date": "2026-04-02",
                "number": "3",
                "agenda": [
                    {"number": 1, "title": "О летней занятости", "speakers": ["Рыбина Л.Д."]}
                ],
                "decisions": [
                    {
                        "number": "1.1",
                        "agenda_item": 1,
                        "text": "Обеспечить занятость.",
                        "deadline": {"kind": "date", "date": "2026-06-01"},
                    }
                ],
            },
        ),
        KnownRequest(
            "head",
            "POST",
            f"{api}/decisions/{{decision_id}}/assignments",
            201,
            {"decision_id": first_decision},
            {"schools": "all"},
        ),
        KnownRequest(
            "secretary",
            "POST",
            f"{api}/meetings/{{meeting_id}}/follow-up",
            201,
            {"meeting_id": follow_up_meeting},
            {"as_of": "2026-03-01"},
        ),
        KnownRequest(
            "head",
            "POST",
            f"{api}/follow-up-items/{{item_id}}",
            200,
            {"item_id": ids["item_id"][0]},
            {"proposal": "keep"},
        ),
        KnownRequest(
            "head",
            "POST",
            f"{api}/follow-ups/{{follow_up_id}}/adopt",
            200,
            {"follow_up_id": ids["follow_up_id"][0]},
        ),
        KnownRequest(
            "head",
            "POST",
            f"{api}/decisions/{{decision_id}}/remove-from-control",
            200,
            {"decision_id": world.decisions[1]},
            {"comment": "Исполнено."},
        ),
        KnownRequest(
            "admin",
            "POST",
            f"{api}/schools",
            201,
            body={
                "name": "Муниципальное учреждение МБОУ СОШ № 9",
                "short_name": "МБОУ СОШ № 9",
                "groups": ["СОШ"],
            },
        ),
        KnownRequest(
            "admin",
            "PUT",
            f"{api}/reminder-policy",
            200,
            body={
                "before_working_days": [3, 1],
                "on_due_day": True,
                "overdue_every_working_days": 3,
                "escalate_after_days": 7,
                "notify_head_on_overdue": True,
                "daily_digest": True,
                "digest_hour": 9,
            },
        ),
    ]
