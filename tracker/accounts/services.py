"""Users: sign-in, API tokens, and the admin's management of accounts."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from functools import cache

from tracker import clock, db
from tracker.accounts.passwords import hash_password, password_problem, verify_password
from tracker.accounts.roles import ROLE_LABELS, Actor, Permission, Role
from tracker.accounts.tables import ApiToken, User
from tracker.audit import services as audit
from tracker.errors import NotFoundError, ValidationError
from tracker.i18n import locales as i18n_locales
from tracker.schools.tables import School

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class UserView:
    id: int
    email: str
    full_name: str
    position: str
    role: Role
    role_label: str
    school_id: int | None
    school_name: str | None
    is_active: bool


def _actor(row: dict[str, object]) -> Actor:
    school = row["school"]
    return Actor(
        user_id=int(row["id"]),  # type: ignore[call-overload]
        role=Role(str(row["role"])),
        school_id=int(school) if school is not None else None,  # type: ignore[call-overload]
        email=str(row["email"]),
        full_name=str(row["full_name"]),
        locale=i18n_locales.known(row.get("locale")),  # type: ignore[arg-type]
    )


_ACTOR_COLUMNS = (User.id, User.role, User.school, User.email, User.full_name, User.locale)


async def authenticate(email: str, password: str) -> Actor | None:
    """The actor for these credentials, or None (unknown, wrong password or disabled)."""
    row = (
        await User.select(*_ACTOR_COLUMNS, User.password_hash, User.is_active)
        .where(User.email == email.strip().lower())
        .first()
    )
    if row is None:
        # Spend the same time as a real check so that timing does not reveal the account.
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(row["password_hash"], password) or not row["is_active"]:
        return None
    return _actor(row)


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_hex(8))


async def actor_for_user(user_id: int) -> Actor | None:
    row = (
        await User.select(*_ACTOR_COLUMNS)
        .where((User.id == user_id) & (User.is_active == True))  # noqa: E712 - SQL, not Python
        .first()
    )
    return _actor(row) if row else None


async def set_locale(user_id: int, locale: str | None) -> str | None:
    """Remember the interface language the user chose (None: follow the browser again).
    Returns what was saved; an unknown language is refused and nothing is written."""
    chosen = i18n_locales.known(locale) if locale is not None else None
    if locale is not None and chosen is None:
        raise ValidationError.single("lang", "Выберите язык: русский или английский.")
    await User.update({User.locale: chosen}).where(User.id == user_id)
    return chosen


async def saved_locale(user_id: int) -> str | None:
    """The interface language the user chose, or None."""
    row = await User.select(User.locale).where(User.id == user_id).first()
    return i18n_locales.known(row["locale"]) if row else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_token(actor: Actor) -> str:
    """A new bearer token for the API; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    await ApiToken.insert(
        ApiToken(user=actor.user_id, token_hash=_token_hash(token), created_at=clock.now())
    )
    return token


async def actor_for_token(token: str) -> Actor | None:
    row = (
        await ApiToken.select(
            ApiToken.user.id.as_alias("id"),
            ApiToken.user.role.as_alias("role"),
            ApiToken.user.school.as_alias("school"),
            ApiToken.user.email.as_alias("email"),
            ApiToken.user.full_name.as_alias("full_name"),
            ApiToken.user.is_active.as_alias("is_active"),
        )
        .where(ApiToken.token_hash == _token_hash(token))
        .first()
    )
    if row is None or not row["is_active"]:
        return None
    return _actor(row)


def _check_user_fields(
    email: str, role: str, school_id: int | None, password: str | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not EMAIL_RE.match(email):
        errors["email"] = "Укажите адрес электронной почты, например director@school.ru."
    if role not in {r.value for r in Role}:
        errors["role"] = "Выберите роль: " + ", ".join(ROLE_LABELS.values()) + "."
    elif role == Role.SCHOOL and school_id is None:
        errors["school_id"] = "Руководитель ОО должен быть привязан к школе."
    elif role != Role.SCHOOL and school_id is not None:
        errors["school_id"] = "Школа указывается только для роли «Руководитель ОО»."
    if password is not None and (problem := password_problem(password, email)):
        errors["password"] = problem
    return errors


async def create_user(
    actor: Actor | None,
    *,
    email: str,
    role: str,
    password: str,
    full_name: str = "",
    position: str = "",
    school_id: int | None = None,
) -> int:
    """Create an account. ``actor`` None means the command line (trusted)."""
    if actor is not None:
        actor.require(Permission.ADMINISTER)
    email = email.strip().lower()
    errors = _check_user_fields(email, role, school_id, password)
    if (
        school_id is not None
        and "school_id" not in errors
        and not await School.exists().where(School.id == school_id)
    ):
        errors["school_id"] = f"Школа с номером {school_id} не найдена."
    if "email" not in errors and await User.exists().where(User.email == email):
        errors["email"] = "Пользователь с таким адресом уже есть."
    if errors:
        raise ValidationError(errors)
    async with db.transaction():
        row = (
            await User.insert(
                User(
                    email=email,
                    role=role,
                    school=school_id,
                    password_hash=hash_password(password),
                    full_name=full_name.strip(),
                    position=position.strip(),
                    created_at=clock.now(),
                )
            ).returning(User.id)
        )[0]
        user_id = int(row["id"])
        await audit.record(
            actor,
            "user",
            user_id,
            "create",
            after={"email": email, "role": role, "school_id": school_id, "full_name": full_name},
            school_id=school_id,
        )
    return user_id


async def update_user(
    actor: Actor,
    user_id: int,
    *,
    full_name: str,
    position: str,
    role: str,
    school_id: int | None,
    is_active: bool,
    password: str | None = None,
) -> None:
    actor.require(Permission.ADMINISTER)
    current = await User.select().where(User.id == user_id).first()
    if current is None:
        raise NotFoundError("Пользователь не найден.")
    errors = _check_user_fields(current["email"], role, school_id, password or None)
    if (
        school_id is not None
        and "school_id" not in errors
        and not await School.exists().where(School.id == school_id)
    ):
        errors["school_id"] = f"Школа с номером {school_id} не найдена."
    if user_id == actor.user_id and (not is_active or role != actor.role):
        errors[""] = "Нельзя отключить себя или сменить себе роль."
    if errors:
        raise ValidationError(errors)
    changes: dict[str, object] = {
        "full_name": full_name.strip(),
        "position": position.strip(),
        "role": role,
        "school": school_id,
        "is_active": is_active,
    }
    before = {key: current[key] for key in changes}
    async with db.transaction():
        values: dict[object, object] = {getattr(User, k): v for k, v in changes.items()}
        if password:
            values[User.password_hash] = hash_password(password)
        await User.update(values).where(User.id == user_id)  # type: ignore[arg-type]
        await audit.record(
            actor,
            "user",
            user_id,
            "update",
            before=before,
            after=changes | ({"password": "изменён"} if password else {}),
            school_id=school_id,
        )


async def list_users(actor: Actor) -> list[UserView]:
    actor.require(Permission.ADMINISTER)
    rows = (
        await User.select(
            User.id,
            User.email,
            User.full_name,
            User.position,
            User.role,
            User.school,
            User.school.short_name.as_alias("school_name"),
            User.is_active,
        )
        .order_by(User.role)
        .order_by(User.email)
    )
    return [
        UserView(
            id=r["id"],
            email=r["email"],
            full_name=r["full_name"],
            position=r["position"],
            role=Role(r["role"]),
            role_label=Role(r["role"]).label,
            school_id=r["school"],
            school_name=r["school_name"],
            is_active=r["is_active"],
        )
        for r in rows
    ]


async def get_user(actor: Actor, user_id: int) -> UserView:
    for user in await list_users(actor):
        if user.id == user_id:
            return user
    raise NotFoundError("Пользователь не найден.")
