"""The import service on a real database: preview, confirm in one transaction, re-import.

Protocols here are built by hand (as the parser gives them), so these tests hold whatever the
parser reads; the pages and API tests run the real parser.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from tests.integration.protocols.helpers import ADDRESSEE, counts, parsed_protocol
from tests.support.world import World, actor_of
from tracker.assignments.tables import Assignment
from tracker.calendar.deadlines import DeadlineKind, DeadlineRule
from tracker.errors import ConflictError, PermissionDeniedError, ValidationError
from tracker.meetings.tables import Meeting
from tracker.protocols import services as protocols
from tracker.protocols.addressees import Resolution, TargetKind
from tracker.schools import services as schools

TODAY = date(2026, 3, 1)
SHA = "ab" * 32


def draft(*addressees: str, kinds: tuple[str, ...] = (), sha: str = SHA) -> protocols.ImportDraft:
    return protocols.draft_of(
        parsed_protocol(*addressees, kinds=kinds), source_sha256=sha, source_name="p.txt"
    )


def choose(d: protocols.ImportDraft, index: int, target: Resolution) -> protocols.ImportDraft:
    """The user picks a target on the review screen for one decision."""
    items = list(d.decisions)
    items[index] = replace(items[index], target=target, resolved_for=items[index].draft.addressee)
    return replace(d, decisions=tuple(items))


# ---------------------------------------------------------------- preview


async def test_preview_resolves_each_addressee_and_computes_due_dates(world: World) -> None:
    actor = await actor_of(world, "secretary")
    given = draft(ADDRESSEE, "Заведующим ДОУ", "Директору МБОУ СОШ № 2 (Петрова А.А.)", "Кому-то")

    preview = await protocols.review(actor, given, today=TODAY)

    first, group, school, unknown = preview.decisions
    assert first.target.kind is TargetKind.ALL
    assert first.target_label == "Все школы (3)"
    assert first.school_count == 3
    assert group.target.kind is TargetKind.GROUP
    assert group.target_label == "Группа: ДОУ (1)"
    assert school.target.ids == (world.schools["b"],)
    assert school.target_label == "МБОУ СОШ № 2"
    assert unknown.target.kind is TargetKind.UNRESOLVED
    assert unknown.target_label == "не распознано"
    assert unknown.flagged
    assert any("выберите" in w for w in unknown.warnings)
    # no deadline in the text: the department's default term, from the meeting date (12.03.2026)
    assert first.due_on == date(2026, 3, 12) + timedelta(days=30)
    assert preview.assignment_count == 3 + 1 + 1
    assert preview.earlier is None


async def test_untracked_kinds_get_no_assignments(world: World) -> None:
    actor = await actor_of(world, "head")
    given = draft(ADDRESSEE, ADDRESSEE, kinds=("information", "control"))

    preview = await protocols.review(actor, given, today=TODAY)

    assert [d.tracked for d in preview.decisions] == [False, False]
    assert [d.school_count for d in preview.decisions] == [0, 0]
    assert preview.decisions[0].kind_label == "Принять к сведению"


async def test_a_deadline_before_the_meeting_is_warned_about(world: World) -> None:
    actor = await actor_of(world, "head")
    given = draft(ADDRESSEE)
    item = given.decisions[0]
    early = DeadlineRule(kind=DeadlineKind.DATE, date=date(2026, 1, 10), text="до 10.01.2026")
    given = replace(given, decisions=(replace(item, draft=replace(item.draft, deadline=early)),))

    preview = await protocols.review(actor, given, today=TODAY)

    assert preview.decisions[0].due_on == date(2026, 1, 10)
    assert any("раньше даты совещания" in w for w in preview.decisions[0].warnings)


async def test_a_rewritten_addressee_is_resolved_again_and_a_choice_is_kept(world: World) -> None:
    actor = await actor_of(world, "head")
    first = await protocols.review(actor, draft(ADDRESSEE, ADDRESSEE), today=TODAY)
    items = list(first.draft.decisions)
    # the user rewrites the first addressee, and picks a group for the second
    items[0] = replace(items[0], draft=replace(items[0].draft, addressee="Заведующим ДОУ"))
    items[1] = replace(items[1], target=Resolution(TargetKind.GROUP, (world.groups["СОШ"],)))

    again = await protocols.review(actor, replace(first.draft, decisions=tuple(items)))

    assert again.decisions[0].target.ids == (world.groups["ДОУ"],)
    assert again.decisions[1].target.ids == (world.groups["СОШ"],)
    assert again.decisions[1].target.explanation == "Выбрано вручную."


@pytest.mark.parametrize("key", ["school_a", "admin"])
async def test_only_the_department_may_import(world: World, key: str) -> None:
    actor = await actor_of(world, key)
    before = await counts()

    with pytest.raises(PermissionDeniedError):
        await protocols.review(actor, draft(ADDRESSEE))
    with pytest.raises(PermissionDeniedError):
        await protocols.confirm(actor, draft(ADDRESSEE))

    assert await counts() == before


# ---------------------------------------------------------------- confirm


async def test_confirm_creates_meeting_decisions_and_assignments(world: World) -> None:
    actor = await actor_of(world, "secretary")
    before = await counts()

    imported = await protocols.confirm(
        actor, draft(ADDRESSEE, "Заведующим ДОУ", "МБОУ СОШ № 2"), today=TODAY
    )

    after = await counts()
    assert imported.decisions == 3
    assert imported.assignments == 3 + 1 + 1
    assert after["meetings"] == before["meetings"] + 1
    assert after["decisions"] == before["decisions"] + 3
    assert after["assignments"] == before["assignments"] + 5
    row = await Meeting.select().where(Meeting.id == imported.meeting_id).first()
    assert row is not None
    assert row["source_sha256"] == SHA
    assert row["title"] == "Совещание руководителей образовательных учреждений"
    rows = await Assignment.select(Assignment.school, Assignment.due_on).where(
        Assignment.decision.meeting == imported.meeting_id
    )
    assert {r["due_on"] for r in rows} == {date(2026, 3, 12) + timedelta(days=30)}


async def test_a_resolved_group_gets_only_its_schools(world: World) -> None:
    actor = await actor_of(world, "head")

    imported = await protocols.confirm(actor, draft("Заведующим ДОУ"), today=TODAY)

    rows = await Assignment.select(Assignment.school).where(
        Assignment.decision.meeting == imported.meeting_id
    )
    assert [r["school"] for r in rows] == [world.schools["c"]]


async def test_a_failure_in_the_middle_leaves_nothing(world: World) -> None:
    # Given a draft whose first decision goes to every school and whose second names a school
    # that does not exist: the meeting, the decisions and the first decision's assignments
    # are written before the second assignment fails
    actor = await actor_of(world, "head")
    given = choose(draft(ADDRESSEE, ADDRESSEE), 1, Resolution(TargetKind.SCHOOLS, (999_999,)))
    before = await counts()

    with pytest.raises(ValidationError) as raised:
        await protocols.confirm(actor, given, today=TODAY)

    assert "decisions.1.target" in raised.value.errors
    assert "999999" in raised.value.errors["decisions.1.target"]
    assert await counts() == before


async def test_an_inactive_school_chosen_fails_whole(world: World) -> None:
    actor = await actor_of(world, "head")
    admin = await actor_of(world, "admin")
    school = await schools.get_school(admin, world.schools["c"])
    await schools.update_school(
        admin,
        school.id,
        name=school.name,
        short_name=school.short_name,
        email=school.email,
        is_active=False,
        group_ids=school.group_ids,
    )
    given = choose(
        draft(ADDRESSEE, ADDRESSEE), 1, Resolution(TargetKind.GROUP, (world.groups["ДОУ"],))
    )
    before = await counts()

    with pytest.raises(ValidationError) as raised:
        await protocols.confirm(actor, given, today=TODAY)

    assert "нет действующих школ" in raised.value.errors["decisions.1.target"]
    assert await counts() == before


async def test_an_unresolved_tracked_decision_needs_a_choice(world: World) -> None:
    actor = await actor_of(world, "head")
    before = await counts()

    with pytest.raises(ValidationError) as raised:
        await protocols.confirm(actor, draft(ADDRESSEE, "Кому-то"), today=TODAY)

    assert set(raised.value.errors) == {"decisions.1.target"}
    assert await counts() == before


async def test_not_assigning_and_leaving_out_are_choices(world: World) -> None:
    actor = await actor_of(world, "head")
    given = choose(draft(ADDRESSEE, "Кому-то", ADDRESSEE), 1, Resolution(TargetKind.NONE))
    items = list(given.decisions)
    items[2] = replace(items[2], include=False)

    imported = await protocols.confirm(actor, replace(given, decisions=tuple(items)), today=TODAY)

    assert imported.decisions == 2
    assert imported.assignments == 3


async def test_meeting_errors_are_keyed_by_the_forms_fields(world: World) -> None:
    actor = await actor_of(world, "head")
    given = draft(ADDRESSEE, ADDRESSEE)
    items = list(given.decisions)
    items[0] = replace(items[0], include=False)
    items[1] = replace(items[1], draft=replace(items[1].draft, text=" "))
    given = replace(
        given,
        meeting=replace(given.meeting, date=None, title=""),
        decisions=tuple(items),
    )

    with pytest.raises(ValidationError) as raised:
        await protocols.confirm(actor, given, today=TODAY)

    assert set(raised.value.errors) == {"date", "title", "decisions.1.text"}


async def test_nothing_to_import(world: World) -> None:
    actor = await actor_of(world, "head")
    given = draft(ADDRESSEE)
    given = replace(given, decisions=(replace(given.decisions[0], include=False),))

    with pytest.raises(ValidationError) as raised:
        await protocols.confirm(actor, given, today=TODAY)

    assert "" in raised.value.errors


# ---------------------------------------------------------------- the same document again


async def test_a_reimport_is_refused_without_consent_and_allowed_with_it(world: World) -> None:
    actor = await actor_of(world, "secretary")
    first = await protocols.confirm(actor, draft(ADDRESSEE), today=TODAY)
    before = await counts()

    preview = await protocols.review(actor, draft(ADDRESSEE), today=TODAY)
    assert preview.earlier is not None
    assert preview.earlier.id == first.meeting_id
    with pytest.raises(ConflictError) as raised:
        await protocols.confirm(actor, draft(ADDRESSEE), today=TODAY)
    assert "Импортировать повторно" in raised.value.message
    assert await counts() == before

    again = await protocols.confirm(actor, draft(ADDRESSEE), reimport=True, today=TODAY)
    assert again.meeting_id != first.meeting_id
    assert await Meeting.count().where(Meeting.source_sha256 == SHA) == 2


async def test_a_draft_without_a_checksum_is_never_a_reimport(world: World) -> None:
    actor = await actor_of(world, "secretary")
    await protocols.confirm(actor, draft(ADDRESSEE, sha=""), today=TODAY)

    preview = await protocols.review(actor, draft(ADDRESSEE, sha=""), today=TODAY)

    assert preview.earlier is None
    await protocols.confirm(actor, draft(ADDRESSEE, sha=""), today=TODAY)


def test_pasted_text_checksum_ignores_line_endings_and_spacing() -> None:
    text = "Протокол № 1\n\nРешили:\n1. Обеспечить  явку.\n"
    same = "Протокол № 1\r\n\r\n\r\nРешили:\r\n1. Обеспечить явку. \r\n"

    assert protocols.text_sha256(text) == protocols.text_sha256(same)
    assert protocols.text_sha256(text) != protocols.text_sha256(text.replace("1.", "2."))
