"""The test world: a small district built through our own services (never raw inserts)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.support.http import PASSWORD
from tracker.accounts import services as accounts
from tracker.schools import services as schools


@dataclass
class World:
    groups: dict[str, int] = field(default_factory=dict)
    schools: dict[str, int] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)
    """Role name (or «school_a», «school_b») → e-mail."""
    user_ids: dict[str, int] = field(default_factory=dict)


async def make_world() -> World:
    world = World()
    for position, name in enumerate(["СОШ", "ДОУ"]):
        world.groups[name] = await schools.create_group(None, name=name, position=position)
    for key, short, group in [
        ("a", "МБОУ СОШ № 1", "СОШ"),
        ("b", "МБОУ СОШ № 2", "СОШ"),
        ("c", "МБДОУ «Детский сад № 4»", "ДОУ"),
    ]:
        world.schools[key] = await schools.create_school(
            None,
            name=f"Муниципальное учреждение {short}",
            short_name=short,
            group_ids=[world.groups[group]],
        )
    for key, role, school in [
        ("head", "head", None),
        ("secretary", "secretary", None),
        ("admin", "admin", None),
        ("school_a", "school", "a"),
        ("school_b", "school", "b"),
    ]:
        email = f"{key}@example.ru"
        world.users[key] = email
        world.user_ids[key] = await accounts.create_user(
            None,
            email=email,
            role=role,
            password=PASSWORD,
            full_name=key.replace("_", " ").title(),
            school_id=world.schools[school] if school else None,
        )
    return world
