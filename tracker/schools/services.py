"""Schools and groups of schools: the addressees of decisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tracker import db
from tracker.accounts.roles import Actor, Permission
from tracker.audit import services as audit
from tracker.errors import NotFoundError, ValidationError
from tracker.schools.tables import School, SchoolGroup, SchoolGroupMember


@dataclass(frozen=True, slots=True)
class GroupView:
    id: int
    name: str
    school_count: int


@dataclass(frozen=True, slots=True)
class SchoolView:
    id: int
    name: str
    short_name: str
    email: str
    is_active: bool
    groups: tuple[str, ...]
    group_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class AllSchools:
    """Addressed to every active school."""


@dataclass(frozen=True, slots=True)
class GroupOfSchools:
    group_id: int


@dataclass(frozen=True, slots=True)
class ChosenSchools:
    school_ids: tuple[int, ...]


SchoolTarget = AllSchools | GroupOfSchools | ChosenSchools


async def list_schools(actor: Actor, *, include_inactive: bool = False) -> list[SchoolView]:
    """Every school the actor may see (a school user: their own), by short name."""
    query = School.select(
        School.id, School.name, School.short_name, School.email, School.is_active
    ).order_by(School.short_name)
    if actor.school_scope is not None:
        query = query.where(School.id == actor.school_scope)
    elif not include_inactive:
        query = query.where(School.is_active == True)  # noqa: E712 - SQL
    rows = await query
    members = await SchoolGroupMember.select(
        SchoolGroupMember.school,
        SchoolGroupMember.group,
        SchoolGroupMember.group.name.as_alias("group_name"),
    ).order_by(SchoolGroupMember.group.position)
    groups: dict[int, list[tuple[int, str]]] = {}
    for m in members:
        groups.setdefault(m["school"], []).append((m["group"], m["group_name"]))
    return [
        SchoolView(
            id=r["id"],
            name=r["name"],
            short_name=r["short_name"],
            email=r["email"],
            is_active=r["is_active"],
            groups=tuple(name for _, name in groups.get(r["id"], [])),
            group_ids=tuple(gid for gid, _ in groups.get(r["id"], [])),
        )
        for r in rows
    ]


async def get_school(actor: Actor, school_id: int) -> SchoolView:
    actor.require_school(school_id)
    for school in await list_schools(actor, include_inactive=True):
        if school.id == school_id:
            return school
    raise NotFoundError("Школа не найдена.")


async def list_groups(actor: Actor) -> list[GroupView]:
    groups = (
        await SchoolGroup.select(SchoolGroup.id, SchoolGroup.name)
        .order_by(SchoolGroup.position)
        .order_by(SchoolGroup.name)
    )
    counts: dict[int, int] = {}
    for m in await SchoolGroupMember.select(SchoolGroupMember.group):
        counts[m["group"]] = counts.get(m["group"], 0) + 1
    return [
        GroupView(id=g["id"], name=g["name"], school_count=counts.get(g["id"], 0)) for g in groups
    ]


async def _group_ids_by_name(names: Sequence[str]) -> list[int]:
    wanted = [n.strip() for n in names if n.strip()]
    if not wanted:
        return []
    rows = await SchoolGroup.select(SchoolGroup.id, SchoolGroup.name).where(
        SchoolGroup.name.is_in(wanted)
    )
    found = {r["name"]: r["id"] for r in rows}
    missing = [n for n in wanted if n not in found]
    if missing:
        raise ValidationError.single("groups", "Нет таких групп: " + ", ".join(missing) + ".")
    return [found[n] for n in wanted]


def _check_school_fields(name: str, short_name: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Укажите полное наименование."
    elif len(name.strip()) > 500:
        errors["name"] = "Полное наименование длиннее 500 символов."
    if not short_name.strip():
        errors["short_name"] = "Укажите краткое наименование, например «МБОУ СОШ № 2»."
    elif len(short_name) > 200:
        errors["short_name"] = "Краткое наименование длиннее 200 символов."
    return errors


async def create_school(
    actor: Actor | None,
    *,
    name: str,
    short_name: str,
    email: str = "",
    group_ids: Sequence[int] = (),
    group_names: Sequence[str] = (),
) -> int:
    """Add a school. ``actor`` None means the command line or the demo loader (trusted)."""
    if actor is not None:
        actor.require(Permission.ADMINISTER)
    errors = _check_school_fields(name, short_name)
    if not errors and await School.exists().where(School.short_name == short_name.strip()):
        errors["short_name"] = "Школа с таким кратким наименованием уже есть."
    if errors:
        raise ValidationError(errors)
    groups = [*group_ids, *await _group_ids_by_name(group_names)]
    async with db.transaction():
        row = (
            await School.insert(
                School(name=name.strip(), short_name=short_name.strip(), email=email.strip())
            ).returning(School.id)
        )[0]
        school_id = int(row["id"])
        await _set_groups(school_id, groups)
        await audit.record(
            actor,
            "school",
            school_id,
            "create",
            after={"name": name, "short_name": short_name, "groups": groups},
            school_id=school_id,
        )
    return school_id


async def update_school(
    actor: Actor,
    school_id: int,
    *,
    name: str,
    short_name: str,
    email: str,
    is_active: bool,
    group_ids: Sequence[int],
) -> None:
    actor.require(Permission.ADMINISTER)
    current = await School.select().where(School.id == school_id).first()
    if current is None:
        raise NotFoundError("Школа не найдена.")
    errors = _check_school_fields(name, short_name)
    if not errors and await School.exists().where(
        (School.short_name == short_name.strip()) & (School.id != school_id)
    ):
        errors["short_name"] = "Школа с таким кратким наименованием уже есть."
    if errors:
        raise ValidationError(errors)
    after = {
        "name": name.strip(),
        "short_name": short_name.strip(),
        "email": email.strip(),
        "is_active": is_active,
    }
    async with db.transaction():
        await School.update(
            {
                School.name: after["name"],
                School.short_name: after["short_name"],
                School.email: after["email"],
                School.is_active: is_active,
            }
        ).where(School.id == school_id)
        await _set_groups(school_id, group_ids)
        await audit.record(
            actor,
            "school",
            school_id,
            "update",
            before={k: current[k] for k in after},
            after=after | {"groups": list(group_ids)},
            school_id=school_id,
        )


async def _set_groups(school_id: int, group_ids: Sequence[int]) -> None:
    unique = sorted(set(group_ids))
    if unique:
        known = await SchoolGroup.count().where(SchoolGroup.id.is_in(unique))
        if known != len(unique):
            raise ValidationError.single("groups", "Выбрана несуществующая группа.")
    await SchoolGroupMember.delete().where(SchoolGroupMember.school == school_id)
    if unique:
        await SchoolGroupMember.insert(
            *[SchoolGroupMember(school=school_id, group=g) for g in unique]
        )


async def create_group(actor: Actor | None, *, name: str, position: int = 0) -> int:
    if actor is not None:
        actor.require(Permission.ADMINISTER)
    name = name.strip()
    if not name:
        raise ValidationError.single("name", "Укажите название группы.")
    if len(name) > 200:
        raise ValidationError.single("name", "Название группы длиннее 200 символов.")
    if await SchoolGroup.exists().where(SchoolGroup.name == name):
        raise ValidationError.single("name", "Группа с таким названием уже есть.")
    async with db.transaction():
        row = (
            await SchoolGroup.insert(SchoolGroup(name=name, position=position)).returning(
                SchoolGroup.id
            )
        )[0]
        await audit.record(actor, "school_group", row["id"], "create", after={"name": name})
    return int(row["id"])


async def rename_group(actor: Actor, group_id: int, *, name: str) -> None:
    actor.require(Permission.ADMINISTER)
    name = name.strip()
    current = await SchoolGroup.select().where(SchoolGroup.id == group_id).first()
    if current is None:
        raise NotFoundError("Группа не найдена.")
    if not name:
        raise ValidationError.single("name", "Укажите название группы.")
    if len(name) > 200:
        raise ValidationError.single("name", "Название группы длиннее 200 символов.")
    if await SchoolGroup.exists().where((SchoolGroup.name == name) & (SchoolGroup.id != group_id)):
        raise ValidationError.single("name", "Группа с таким названием уже есть.")
    async with db.transaction():
        await SchoolGroup.update({SchoolGroup.name: name}).where(SchoolGroup.id == group_id)
        await audit.record(
            actor,
            "school_group",
            group_id,
            "update",
            before={"name": current["name"]},
            after={"name": name},
        )


async def resolve_target(target: SchoolTarget) -> list[int]:
    """The ids of the active schools a target names. Unknown ids and groups are errors."""
    if isinstance(target, AllSchools):
        rows = await School.select(School.id).where(School.is_active == True)  # noqa: E712
        return [r["id"] for r in rows]
    if isinstance(target, GroupOfSchools):
        if not await SchoolGroup.exists().where(SchoolGroup.id == target.group_id):
            raise ValidationError.single("group", "Такой группы нет.")
        rows = await SchoolGroupMember.select(SchoolGroupMember.school).where(
            (SchoolGroupMember.group == target.group_id)
            & (SchoolGroupMember.school.is_active == True)  # noqa: E712
        )
        return sorted(r["school"] for r in rows)
    wanted = sorted(set(target.school_ids))
    if not wanted:
        raise ValidationError.single("schools", "Выберите хотя бы одну школу.")
    rows = await School.select(School.id).where(
        School.id.is_in(wanted) & (School.is_active == True)  # noqa: E712
    )
    found = {r["id"] for r in rows}
    if missing := [i for i in wanted if i not in found]:
        raise ValidationError.single(
            "schools", "Нет таких действующих школ: " + ", ".join(map(str, missing)) + "."
        )
    return wanted
