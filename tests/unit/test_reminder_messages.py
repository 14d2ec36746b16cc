"""What a digest says: sections by urgency, each assignment once. Pure."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tracker.reminders import messages
from tracker.reminders.messages import Item, sections
from tracker.reminders.policy import Audience


def item(reminder_id: int, assignment_id: int, kind: str, due: date | None = None) -> Item:
    return Item(
        reminder_id=reminder_id,
        assignment_id=assignment_id,
        kind=kind,
        due_on=due or date(2030, 3, 1),
        school_id=1,
        school_name="МБОУ СОШ № 1",
        decision_number="2.1",
        decision_text="Обеспечить участие педагогов в семинарах.",
        meeting_date=date(2030, 2, 5),
    )


def test_an_assignment_is_listed_once_under_its_most_urgent_kind() -> None:
    found = sections(
        [
            item(1, 10, "before_3"),
            item(2, 10, "due"),
            item(3, 11, "overdue"),
            item(4, 12, "before_1"),
        ]
    )
    assert [(s.title, [i.assignment_id for i in s.items]) for s in found] == [
        ("Просрочены", [11]),
        ("Срок сегодня", [10]),
        ("Скоро срок", [12]),
    ]


def test_long_sections_are_cut_with_a_count_of_the_rest() -> None:
    many = [item(n, n, "overdue_notice") for n in range(messages.MAX_LISTED + 7)]
    (section,) = sections(many)
    assert len(section.items) == messages.MAX_LISTED
    assert section.more == 7
    assert "стали просроченными — 107" in messages.subject([section], Audience.HEAD)


def test_render_gives_text_and_html_with_links() -> None:
    rendered = messages.render(
        audience=Audience.SCHOOL,
        recipient_name="Иванова И.И.",
        parts=sections([item(1, 10, "due"), item(2, 11, "before_3")]),
        today=date(2030, 3, 1),
        base_url="https://tracker.example.ru",
    )
    assert rendered.subject == "Поручения: срок сегодня — 1, скоро срок — 1"
    assert "Иванова И.И., добрый день." in rendered.text
    assert "2 поручения" in rendered.text
    assert "https://tracker.example.ru/assignments/10" in rendered.text
    assert 'href="https://tracker.example.ru/assignments/11"' in rendered.html
    assert "1 марта 2030" in rendered.text


kinds = st.sampled_from(["escalation", "overdue_notice", "overdue", "due", "before_1", "before_3"])


@given(
    assignments=st.lists(
        st.tuples(st.lists(kinds, min_size=1, max_size=3), st.integers(0, 40)),
        max_size=260,
    ),
    cut=st.integers(0, 260),
)
def test_a_digest_made_in_batches_is_the_digest_made_at_once(
    assignments: list[tuple[list[str], int]], cut: int
) -> None:
    # Given reminders of many assignments (several kinds each), split into two batches at an
    # assignment boundary, as the sweep claims them
    everything: list[Item] = []
    batches: list[list[Item]] = [[], []]
    for number, (assignment_kinds, days) in enumerate(assignments):
        for kind in assignment_kinds:
            made = item(len(everything) + 1, number + 1, kind, date(2030, 3, 1) + timedelta(days))
            everything.append(made)
            batches[number >= cut].append(made)

    # When the batches' sections are merged, they are the sections of all the items at once
    merged = messages.merge_sections(sections(batches[0]), sections(batches[1]))
    assert merged == sections(everything)
