"""The one settings object, read from the environment.

Every variable has a default that suits the embedded mode (`tracker run` on a laptop):
a SQLite file under ``TRACKER_DATA_DIR``, no Redis, no SMTP.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _int_env(name: str, default: int) -> int:
    raw = _env(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from exc


class SettingsError(ValueError):
    """A variable in the environment has a value we cannot use."""


@dataclass(frozen=True)
class Settings:
    """Configuration of one process: web, worker or CLI alike."""

    data_dir: Path
    """``TRACKER_DATA_DIR``: uploaded files, the secret key, beat's schedule, the default SQLite file."""
    database_url: str
    """``DATABASE_URL``: ``sqlite:///path`` (default ``<data_dir>/tracker.sqlite``) or ``postgresql://…``."""
    redis_url: str
    """``REDIS_URL``: empty means the embedded broker (no Redis)."""
    smtp_url: str
    """``SMTP_URL``: empty means messages stay in the in-app outbox."""
    timezone: str
    """``TRACKER_TIMEZONE``: the department's local time (reminder hours, "today")."""
    secret_key: str
    """``SECRET_KEY``: signs CSRF tokens; generated once per data dir when unset."""
    base_url: str
    """``TRACKER_BASE_URL``: the address users reach, used in e-mail links."""
    max_upload_mb: int = 20
    """``TRACKER_MAX_UPLOAD_MB``: the largest file a report may attach."""
    default_term_days: int = 30
    """``TRACKER_DEFAULT_TERM_DAYS``: the department's default term when a decision names none."""
    password_hash_cost: int = 3
    """``TRACKER_PASSWORD_HASH_COST``: argon2 time cost (lowered in tests only)."""
    password_hash_memory_kib: int = 65536
    """``TRACKER_PASSWORD_HASH_MEMORY_KIB``: argon2 memory cost (lowered in tests only)."""
    db_pool: bool = True
    """``TRACKER_DB_POOL``: open a PostgreSQL connection pool at start-up (off in tests)."""
    secure_cookies: bool = False
    """``TRACKER_SECURE_COOKIES``: mark cookies Secure (on behind TLS)."""
    organisation: str = "Отдел образования"
    """``TRACKER_ORGANISATION``: the department's name, at the head of its documents."""
    mail_from: str = "Decision Tracker <tracker@localhost>"
    """``TRACKER_MAIL_FROM``: the sender of every e-mail."""
    mail_lease_seconds: int = 300
    """``TRACKER_MAIL_LEASE_SECONDS``: how long a worker holds a message it is sending; a
    message held longer (its worker died) is taken over by another worker."""
    background_threshold: int = 20_000
    """``TRACKER_BACKGROUND_THRESHOLD``: work larger than this runs in the background with a
    progress bar (smaller work answers at once): the cells (decisions × schools) of a meeting's
    .xlsx or of a follow-up compile; a protocol file counts one per 50 bytes (20,000: 1 MB)."""
    login_account_failures: int = 5
    """``TRACKER_LOGIN_ACCOUNT_FAILURES``: failed sign-ins to one account within the window
    after which further attempts are refused for a while (``tracker.accounts.throttle``)."""
    login_address_failures: int = 20
    """``TRACKER_LOGIN_ADDRESS_FAILURES``: the same, from one client address."""
    login_window_minutes: int = 15
    """``TRACKER_LOGIN_WINDOW_MINUTES``: the window the failures are counted in."""

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))

    @property
    def sqlite_path(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024


def _secret_key(data_dir: Path) -> str:
    explicit = _env("SECRET_KEY")
    if explicit:
        return explicit
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def load_settings() -> Settings:
    """Read the environment now (tests change it between runs)."""
    data_dir = Path(_env("TRACKER_DATA_DIR", "./var")).resolve()
    database_url = _env("DATABASE_URL") or f"sqlite:///{data_dir / 'tracker.sqlite'}"
    if not database_url.startswith(("sqlite:///", "postgres://", "postgresql://")):
        raise SettingsError("DATABASE_URL must start with sqlite:/// or postgresql://")
    timezone = _env("TRACKER_TIMEZONE", "Europe/Moscow")
    try:
        ZoneInfo(timezone)
    except (KeyError, ValueError) as exc:
        raise SettingsError(f"TRACKER_TIMEZONE: unknown time zone {timezone!r}") from exc
    for name in ("ACCOUNT_FAILURES", "ADDRESS_FAILURES", "WINDOW_MINUTES"):
        if _int_env(f"TRACKER_LOGIN_{name}", 1) < 1:
            raise SettingsError(f"TRACKER_LOGIN_{name} must be at least 1")
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        redis_url=_env("REDIS_URL"),
        smtp_url=_env("SMTP_URL"),
        timezone=timezone,
        secret_key=_secret_key(data_dir),
        base_url=_env("TRACKER_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        max_upload_mb=_int_env("TRACKER_MAX_UPLOAD_MB", 20),
        default_term_days=_int_env("TRACKER_DEFAULT_TERM_DAYS", 30),
        password_hash_cost=_int_env("TRACKER_PASSWORD_HASH_COST", 3),
        password_hash_memory_kib=_int_env("TRACKER_PASSWORD_HASH_MEMORY_KIB", 65536),
        db_pool=_env("TRACKER_DB_POOL", "1") not in {"0", "false", "no"},
        secure_cookies=_env("TRACKER_SECURE_COOKIES", "0") in {"1", "true", "yes"},
        organisation=_env("TRACKER_ORGANISATION", "Отдел образования"),
        mail_from=_env("TRACKER_MAIL_FROM", "Decision Tracker <tracker@localhost>"),
        mail_lease_seconds=_int_env("TRACKER_MAIL_LEASE_SECONDS", 300),
        background_threshold=_int_env("TRACKER_BACKGROUND_THRESHOLD", 20_000),
        login_account_failures=_int_env("TRACKER_LOGIN_ACCOUNT_FAILURES", 5),
        login_address_failures=_int_env("TRACKER_LOGIN_ADDRESS_FAILURES", 20),
        login_window_minutes=_int_env("TRACKER_LOGIN_WINDOW_MINUTES", 15),
    )


@cache
def get_settings() -> Settings:
    """The settings of this process, read once."""
    return load_settings()
