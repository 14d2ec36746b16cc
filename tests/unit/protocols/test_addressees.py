"""Addressee resolution: the phrases protocols write, matched against a district like the demo's.

Pure: schools, groups and staff are plain values here, no database.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker import demo
from tracker.protocols.addressees import (
    Directory,
    GroupRef,
    Resolution,
    SchoolRef,
    StaffRef,
    TargetKind,
    resolve_addressee,
)

# The demo district: 8 general schools, 4 kindergartens, 3 extra-education centres, plus
# two numbered schools the demo lacks, so that numbers have neighbours to be confused with.
EXTRA = (
    SchoolRef(
        16,
        "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 2 п. Полетаево»",
        "МБОУ СОШ № 2",
    ),
    SchoolRef(
        17,
        "Муниципальное автономное общеобразовательное учреждение «Средняя общеобразовательная школа № 12»",
        "МАОУ СОШ № 12",
    ),
)
SCHOOLS = (
    *(SchoolRef(i, s.name, s.short_name) for i, s in enumerate(demo.SCHOOLS, start=1)),
    *EXTRA,
)
BY_NAME = {s.short_name: s.id for s in SCHOOLS}
GENERAL, PRESCHOOL, EXTRA_EDUCATION = 1, 2, 3
GROUPS = (
    GroupRef(
        GENERAL,
        demo.GROUPS[demo.SOSH],
        (*(i for i, s in enumerate(demo.SCHOOLS, start=1) if s.group == demo.SOSH), 16, 17),
    ),
    GroupRef(
        PRESCHOOL,
        demo.GROUPS[demo.DOU],
        tuple(i for i, s in enumerate(demo.SCHOOLS, start=1) if s.group == demo.DOU),
    ),
    GroupRef(
        EXTRA_EDUCATION,
        demo.GROUPS[demo.DO],
        tuple(i for i, s in enumerate(demo.SCHOOLS, start=1) if s.group == demo.DO),
    ),
)
HEAD, SECRETARY, METHODIST = 100, 101, 102
STAFF = (
    StaffRef(HEAD, "Нефёдова Марина Викторовна", "Начальник отдела образования"),
    StaffRef(SECRETARY, "Дудяк Наталья Владимировна", "Ведущий специалист, секретарь совещаний"),
    StaffRef(METHODIST, "Рыбина Л.Д.", "Методист"),
)
DISTRICT = Directory(SCHOOLS, GROUPS, STAFF)


def resolve(text: str) -> Resolution:
    return resolve_addressee(text, SCHOOLS, GROUPS, STAFF)


def school_ids(*short_names: str) -> tuple[int, ...]:
    return tuple(BY_NAME[n] for n in short_names)


# ---------------------------------------------------------------- groups and all schools


@pytest.mark.parametrize(
    "phrase",
    [
        "Руководителям образовательных учреждений",
        "Руководителям образовательных учреждений:",
        "руководителям образовательных учреждений",
        "РУКОВОДИТЕЛЯМ ОБРАЗОВАТЕЛЬНЫХ УЧРЕЖДЕНИЙ",
        "Руководителям муниципальных образовательных учреждений",
        "Руководителям образовательных организаций",
        "Руководителям ОО",
        "Руководителям ОУ",
        "Руководителям МОУ",
        "Всем образовательным организациям",
        "Руководителям ОО, подведомственных отделу образования",
        "Руководителям образовательных учреждений района",
    ],
)
def test_general_phrases_address_every_school(phrase: str) -> None:
    found = resolve(phrase)

    assert found.kind is TargetKind.ALL, found
    assert found.ids == ()
    assert found.confidence >= 0.9
    assert not found.flagged
    assert f"«{phrase.rstrip(':')}» → все школы" in found.explanation


@pytest.mark.parametrize(
    ("phrase", "group"),
    [
        ("Директорам школ", GENERAL),
        ("Директорам общеобразовательных школ", GENERAL),
        ("Руководителям общеобразовательных учреждений", GENERAL),
        ("Руководителям общеобразовательных организаций", GENERAL),
        ("Руководителям СОШ", GENERAL),
        ("Заведующим ДОУ", PRESCHOOL),
        ("Руководителям ДОУ", PRESCHOOL),
        ("Заведующим МБДОУ", PRESCHOOL),
        ("Заведующим детскими садами", PRESCHOOL),
        ("Руководителям дошкольных образовательных учреждений", PRESCHOOL),
        ("Руководителям учреждений дополнительного образования", EXTRA_EDUCATION),
        ("Руководителям организаций дополнительного образования", EXTRA_EDUCATION),
        ("Руководителям УДО", EXTRA_EDUCATION),
        ("Руководителям учреждений ДО", EXTRA_EDUCATION),
    ],
)
def test_group_phrases_address_the_group_of_that_kind(phrase: str, group: int) -> None:
    found = resolve(phrase)

    assert found.kind is TargetKind.GROUP, found
    assert found.ids == (group,)
    assert not found.flagged
    name = next(g.name for g in GROUPS if g.id == group)
    assert f"«{phrase}» → группа «{name}»" in found.explanation


def test_a_group_named_by_its_own_name() -> None:
    groups = (*GROUPS, GroupRef(9, "Сельские школы", (2, 3)))

    found = resolve_addressee("Директорам сельских школ", SCHOOLS, groups, STAFF)

    assert found.kind is TargetKind.GROUP
    assert found.ids == (9,)


def test_two_groups_are_the_schools_of_both() -> None:
    found = resolve("Руководителям ДОУ и учреждений ДО")

    assert found.kind is TargetKind.SCHOOLS
    assert set(found.ids) == set(GROUPS[1].school_ids) | set(GROUPS[2].school_ids)


def test_all_schools_win_over_a_group_named_beside_them() -> None:
    assert resolve("Руководителям ОО и ДОУ").kind is TargetKind.ALL


def test_a_kind_without_its_group_falls_back_to_schools_by_name_and_is_flagged() -> None:
    only_general = (GROUPS[0],)

    found = resolve_addressee("Заведующим ДОУ", SCHOOLS, only_general, STAFF)

    assert found.kind is TargetKind.SCHOOLS
    assert set(found.ids) == set(GROUPS[1].school_ids)
    assert found.flagged
    assert "по названию" in found.explanation


def test_groups_of_a_small_district_by_their_short_names() -> None:
    schools = (
        SchoolRef(1, "Муниципальное учреждение МБОУ СОШ № 1", "МБОУ СОШ № 1"),
        SchoolRef(2, "Муниципальное учреждение МБОУ СОШ № 2", "МБОУ СОШ № 2"),
        SchoolRef(3, "Муниципальное учреждение МБДОУ «Детский сад № 4»", "МБДОУ «Детский сад № 4»"),
    )
    groups = (GroupRef(10, "СОШ", (1, 2)), GroupRef(11, "ДОУ", (3,)))

    assert resolve_addressee("Директорам школ", schools, groups, ()).ids == (10,)
    assert resolve_addressee("Заведующим ДОУ", schools, groups, ()).ids == (11,)
    assert resolve_addressee("Руководителям ОО", schools, groups, ()).kind is TargetKind.ALL
    assert resolve_addressee("школе № 2", schools, groups, ()).ids == (2,)
    assert resolve_addressee("Детский сад № 4", schools, groups, ()).ids == (3,)


# ---------------------------------------------------------------- named schools


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("МБОУ СОШ № 2", "МБОУ СОШ № 2"),
        ("МБОУ СОШ №2", "МБОУ СОШ № 2"),
        ("МБОУ СОШ N 2", "МБОУ СОШ № 2"),
        ("МБОУ СОШ N2", "МБОУ СОШ № 2"),
        ("МБОУ СОШ No 2", "МБОУ СОШ № 2"),
        ("мбоу сош no.2", "МБОУ СОШ № 2"),
        ("МБОУ  СОШ  №  2", "МБОУ СОШ № 2"),
        ("МБОУ «СОШ № 2»", "МБОУ СОШ № 2"),
        ('МБОУ "СОШ № 2"', "МБОУ СОШ № 2"),
        ("МБОУ “СОШ № 2”", "МБОУ СОШ № 2"),
        ("MБOУ COШ № 2", "МБОУ СОШ № 2"),  # Latin M, O, C
        ("Директору МБОУ СОШ № 2", "МБОУ СОШ № 2"),
        ("Директору МБОУ СОШ №2 (Петрова А.А.)", "МБОУ СОШ № 2"),
        ("Директору МБОУ СОШ № 2 Петровой А.А.", "МБОУ СОШ № 2"),
        ("школе № 2", "МБОУ СОШ № 2"),
        ("Средней общеобразовательной школе № 2", "МБОУ СОШ № 2"),
        ("МБОУ СОШ № 12", "МАОУ СОШ № 12"),
        ("МБОУ СОШ № 1", "МБОУ СОШ № 1 с. Долгодеревенское"),
        ("МБОУ СОШ № 1 с. Долгодеревенское", "МБОУ СОШ № 1 с. Долгодеревенское"),
        ("МБДОУ «Детский сад № 4»", "МБДОУ «Детский сад № 4 «Солнышко»»"),
        ("МБДОУ детский сад № 4", "МБДОУ «Детский сад № 4 «Солнышко»»"),
        ("Заведующему МБДОУ «Детский сад № 4» (Белова И.А.)", "МБДОУ «Детский сад № 4 «Солнышко»»"),
        ("детскому саду № 7", "МБДОУ «Детский сад № 7 «Ромашка»»"),
        ("д/с № 12", "МБДОУ «Детский сад № 12 «Теремок»»"),
        ("Детский сад «Солнышко»", "МБДОУ «Детский сад № 4 «Солнышко»»"),
        ("МБДОУ «Детский сад «Берёзка»»", "МБДОУ «Детский сад «Берёзка»»"),
        ("д/с «Березка»", "МБДОУ «Детский сад «Берёзка»»"),
        ("МБУ ДО «ЦДО»", "МБУ ДО «ЦДО»"),
        ("МБУ ДО ЦДО", "МБУ ДО «ЦДО»"),
        ("Центру дополнительного образования", "МБУ ДО «ЦДО»"),
        ("МБУ ДО «Центр дополнительного образования»", "МБУ ДО «ЦДО»"),
        ("Детско-юношеской спортивной школе", "МБУ ДО «ДЮСШ»"),
        ("МБУ ДО «ДЮСШ»", "МБУ ДО «ДЮСШ»"),
        ("Станции юных натуралистов", "МБУ ДО «СЮН»"),
        ("МБОУ Полетаевская СОШ", "МБОУ Полетаевская СОШ"),
        ("Директору Полетаевской СОШ", "МБОУ Полетаевская СОШ"),
        ("Полетаевской школе", "МБОУ Полетаевская СОШ"),
        ("Полетаевскую школу", "МБОУ Полетаевская СОШ"),
        ("Полетаевской средней общеобразовательной школы", "МБОУ Полетаевская СОШ"),
        ("Кременкульская средняя школа", "МБОУ Кременкульская СОШ"),
        ("Директору Теченской ООШ", "МБОУ Теченская ООШ"),
        ("MБOУ Рoщинская COШ", "МБОУ Рощинская СОШ"),  # Latin look-alikes inside words
        ("Томинская СОШ", "МБОУ Томинская СОШ"),
    ],
)
def test_a_named_school(phrase: str, expected: str) -> None:
    found = resolve(phrase)

    assert found.kind is TargetKind.SCHOOLS, found
    assert found.ids == school_ids(expected)
    assert not found.flagged, found
    assert f"→ {expected}" in found.explanation


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        (
            "МБОУ Полетаевская СОШ, МБОУ Есаульская СОШ",
            ("МБОУ Полетаевская СОШ", "МБОУ Есаульская СОШ"),
        ),
        (
            "МБОУ Полетаевская СОШ, МБОУ Есаульская СОШ и МБУ ДО «ДЮСШ»",
            ("МБОУ Полетаевская СОШ", "МБОУ Есаульская СОШ", "МБУ ДО «ДЮСШ»"),
        ),
        ("МБОУ Полетаевская и Есаульская СОШ", ("МБОУ Полетаевская СОШ", "МБОУ Есаульская СОШ")),
        ("Директорам МБОУ СОШ № 2, № 12", ("МБОУ СОШ № 2", "МАОУ СОШ № 12")),
        (
            "МБОУ СОШ № 1, № 2 и № 12",
            ("МБОУ СОШ № 1 с. Долгодеревенское", "МБОУ СОШ № 2", "МАОУ СОШ № 12"),
        ),
        (
            "Руководителям МБОУ СОШ № 2 и МБДОУ «Детский сад № 4»",
            ("МБОУ СОШ № 2", "МБДОУ «Детский сад № 4 «Солнышко»»"),
        ),
        (
            "Директору МБОУ СОШ № 2 (Петрова А.А.); заведующему МБДОУ «Детский сад «Берёзка»» (Титова А.В.)",
            ("МБОУ СОШ № 2", "МБДОУ «Детский сад «Берёзка»»"),
        ),
        ("МБУ ДО «Станция юных натуралистов и техников»", ("МБУ ДО «СЮН»",)),
    ],
)
def test_several_named_schools(phrase: str, expected: tuple[str, ...]) -> None:
    found = resolve(phrase)

    assert found.kind is TargetKind.SCHOOLS, found
    assert found.ids == school_ids(*expected)


def test_a_number_belongs_to_the_kind_of_school_named() -> None:
    # Kindergarten № 4 exists, school № 4 does not: no mixing of the two.
    assert resolve("МБОУ СОШ № 4").kind is TargetKind.UNRESOLVED
    assert resolve("Детский сад № 2").kind is TargetKind.UNRESOLVED
    assert resolve("МБДОУ № 4").ids == school_ids("МБДОУ «Детский сад № 4 «Солнышко»»")


def test_a_school_not_in_the_list_is_unresolved_and_says_so() -> None:
    found = resolve("Директору МБОУ СОШ № 5")

    assert found.kind is TargetKind.UNRESOLVED
    assert found.flagged
    assert found.confidence == 0.0
    assert "МБОУ СОШ № 5" in found.explanation
    assert "нет в списке" in found.explanation


def test_an_ambiguous_school_lists_the_candidates() -> None:
    schools = (
        SchoolRef(
            1, "МБДОУ «Детский сад № 3 «Ёлочка» с. Кременкуль»", "МБДОУ ДС № 3 с. Кременкуль"
        ),
        SchoolRef(2, "МБДОУ «Детский сад № 3 «Ёлочка» п. Рощино»", "МБДОУ ДС № 3 п. Рощино"),
    )

    found = resolve_addressee("Детский сад № 3", schools, (), ())

    assert found.kind is TargetKind.UNRESOLVED
    assert "Кременкуль" in found.explanation
    assert "Рощино" in found.explanation
    assert resolve_addressee("Детский сад № 3 п. Рощино", schools, (), ()).ids == (2,)


def test_a_partly_understood_list_keeps_what_it_found_and_is_flagged() -> None:
    found = resolve("МБОУ СОШ № 2, МБОУ СОШ № 5")

    assert found.kind is TargetKind.SCHOOLS
    assert found.ids == school_ids("МБОУ СОШ № 2")
    assert found.flagged
    assert "МБОУ СОШ № 5" in found.explanation


# ---------------------------------------------------------------- department staff


@pytest.mark.parametrize(
    ("phrase", "user"),
    [
        ("Методисту МКУ «ИМЦСОУР» (Рыбина Л.Д.)", METHODIST),
        ("Методисту ИМЦ Рыбиной Л.Д.", METHODIST),
        ("Рыбиной Л.Д.", METHODIST),
        ("Л.Д. Рыбиной", METHODIST),
        ("Отделу образования (Нефёдова М.В.)", HEAD),
        ("Начальнику отдела образования М.В.Нефедовой", HEAD),
        ("Начальнику отдела образования", HEAD),
        ("Ведущему специалисту отдела образования (Дудяк Н.В.)", SECRETARY),
    ],
)
def test_department_staff_by_surname_and_initials(phrase: str, user: int) -> None:
    found = resolve(phrase)

    assert found.kind is TargetKind.STAFF, found
    assert found.ids == (user,)
    assert "поручения школам не создаются" in found.explanation


def test_staff_not_among_the_users_is_unresolved() -> None:
    found = resolve("Отделу образования (Иванова Т.П.)")

    assert found.kind is TargetKind.UNRESOLVED
    assert "Иванова Т.П." in found.explanation


def test_initials_must_agree() -> None:
    assert resolve("Методисту (Рыбина А.Д.)").kind is TargetKind.UNRESOLVED


def test_a_director_named_in_brackets_is_not_taken_for_staff() -> None:
    staff = (*STAFF, StaffRef(103, "Петрова Анна Андреевна", "Методист"))

    found = resolve_addressee("Директору МБОУ СОШ № 2 (Петрова А.А.)", SCHOOLS, GROUPS, staff)

    assert found.kind is TargetKind.SCHOOLS
    assert found.ids == school_ids("МБОУ СОШ № 2")


# ---------------------------------------------------------------- not understood


@pytest.mark.parametrize(
    "phrase",
    [
        "",
        "   ",
        "Кому-то",
        "Директору школы",
        "Руководителю ОО",
        "Заведующему детским садом",
        "Комиссии по делам несовершеннолетних",
        "МБОУ СОШ № 99",
    ],
)
def test_anything_else_is_unresolved_and_flagged(phrase: str) -> None:
    found = resolve(phrase)

    assert found.kind is TargetKind.UNRESOLVED, found
    assert found.ids == ()
    assert found.flagged
    assert found.explanation


def test_a_singular_head_without_a_name_asks_which_school() -> None:
    assert "какой именно" in resolve("Директору школы").explanation


def test_no_schools_at_all() -> None:
    assert resolve_addressee("МБОУ СОШ № 2", (), (), ()).kind is TargetKind.UNRESOLVED
    assert resolve_addressee("Руководителям ОО", (), (), ()).kind is TargetKind.ALL


def test_the_directory_resolves_as_the_function_does() -> None:
    assert DISTRICT.resolve("Заведующим ДОУ") == resolve("Заведующим ДОУ")


@given(st.text(max_size=200))
def test_any_text_gives_a_resolution(text: str) -> None:
    found = resolve(text)

    assert isinstance(found.kind, TargetKind)
    assert found.kind is not TargetKind.NONE
    assert 0.0 <= found.confidence <= 1.0
    assert found.explanation
    known = {s.id for s in SCHOOLS} | {g.id for g in GROUPS} | {s.id for s in STAFF}
    assert set(found.ids) <= known
