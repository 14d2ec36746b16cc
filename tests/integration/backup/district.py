"""A populated district for the backup tests, built through our services on the test world, and
the means to compare two states of the database and the data dir: every row of every table
read back through Piccolo (never through the backup's own code), every stored file's bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from piccolo.apps.migrations.tables import Migration
from piccolo.table import Table

from tests.support.world import World, actor_of
from tracker.accounts import services as accounts
from tracker.assignments import services as assignments
from tracker.assignments.files import Upload
from tracker.calendar import services as calendar
from tracker.feeds import services as feeds
from tracker.followup import services as followup
from tracker.jobs import kinds
from tracker.jobs import services as jobs
from tracker.meetings import services as meetings
from tracker.piccolo_app import TABLES
from tracker.reminders import services as reminders
from tracker.schools.services import ChosenSchools
from tracker.settings import get_settings

PDF = b"%PDF-1.4\n% \xe2\xe3\xcf\xd3 a report\n" + bytes(range(256)) * 8
TEXT = "Иванова М.П.\nПетров А.А.\n".encode()


@dataclass(frozen=True)
class District:
    world: World
    extension_assignment: int
    """School a's assignment of the second decision, its due date moved by an extension."""
    later_meeting: int


async def make_district(world: World) -> District:
    """The world, then: reminders and their e-mails, reports with files accepted, returned and
    reported again, extension requests approved and pending, a follow-up compiled for a later
    meeting, a calendar day changed, an API token, a calendar feed, a job; every step writes
    its audit events."""
    head = await actor_of(world, "head")
    admin = await actor_of(world, "admin")
    school_a = await actor_of(world, "school_a")
    school_b = await actor_of(world, "school_b")
    a, b = world.assignments["a"], world.assignments["b"]

    await reminders.sweep(today=date(2030, 2, 26), force=True)
    await assignments.start(school_a, a)
    await assignments.submit_report(
        school_a,
        a,
        text="Семинары проведены, список участников во вложении.",
        links=["https://school1.example.ru/news/1"],
        uploads=[
            Upload("план.pdf", "application/pdf", PDF),
            Upload("список.txt", "text/plain", TEXT),
        ],
    )
    await assignments.accept(head, a, comment="Принято.")
    await assignments.submit_report(
        school_b, b, text="Сделано.", uploads=[Upload("акт.pdf", "application/pdf", PDF + b"b")]
    )
    await assignments.return_for_rework(head, b, comment="Приложите фото.")
    await assignments.submit_report(
        school_b,
        b,
        text="Фото приложены.",
        uploads=[Upload("фото.pdf", "application/pdf", PDF[:100])],
    )

    second = await assignments.assign(
        head,
        world.decisions[1],
        ChosenSchools((world.schools["a"], world.schools["b"])),
        today=date(2026, 3, 2),
    )
    by_school = {row.school_id: row.id for row in second}
    approved = await assignments.request_extension(
        school_a,
        by_school[world.schools["a"]],
        due_on=date(2026, 6, 1),
        reason="Ремонт спортзала.",
        today=date(2026, 3, 3),
    )
    await assignments.decide_extension(head, approved, approve=True, comment="Согласовано.")
    await assignments.request_extension(
        school_b,
        by_school[world.schools["b"]],
        due_on=date(2026, 6, 15),
        reason="Карантин.",
        today=date(2026, 3, 3),
    )

    later = await meetings.create_meeting(
        None,
        meetings.MeetingDraft(
            title="Совещание руководителей образовательных учреждений",
            date=date(2026, 4, 2),
            number="2",
            agenda=(meetings.AgendaDraft(title="О подготовке к учебному году"),),
        ),
    )
    await followup.compile_follow_up(head, later.id, as_of=date(2026, 4, 1))
    await calendar.set_day(admin, date(2026, 5, 4), False, "Перенос выходного дня")
    await accounts.issue_token(head)
    await feeds.issue_feed_token(school_a)
    await jobs.create(head, kinds.COMPLIANCE_XLSX, {"meeting_id": world.meeting_id})
    return District(world, by_school[world.schools["a"]], later.id)


# ---------------------------------------------------------------- comparing states


def _tables() -> list[type[Table]]:
    return [*TABLES, Migration]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    return value


async def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table (Piccolo's ``migration`` too), all columns, in key order, as
    Piccolo reads them: what the app sees, whichever database it is."""
    state = {}
    for table in _tables():
        rows = await table.select().order_by(table._meta.primary_key)
        state[table._meta.tablename] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    return state


def stored_files() -> dict[str, bytes]:
    """Every file under ``TRACKER_DATA_DIR/files``: its path there → its bytes."""
    root = get_settings().files_dir
    if not root.is_dir():
        return {}
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def counts(state: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    return {table: len(rows) for table, rows in state.items()}
