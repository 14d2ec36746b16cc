"""Users, their roles and API tokens."""

from piccolo.columns import Boolean, ForeignKey, OnDelete, Serial, Timestamptz, Varchar
from piccolo.table import Table

from tracker.schools.tables import School


class User(Table, tablename="tracker_user"):
    id: Serial
    email = Varchar(length=254, unique=True)
    """Stored lower-case; the login."""
    full_name = Varchar(length=200, default="")
    position = Varchar(length=200, default="")
    role = Varchar(length=20, index=True)
    """head, secretary, school or admin (see ``tracker.accounts.roles``)."""
    school = ForeignKey(School, null=True, on_delete=OnDelete.restrict)
    """Set for the school role only: the one school whose data the user sees."""
    password_hash = Varchar(length=255)
    is_active = Boolean(default=True)
    language = Varchar(length=5, default="ru")
    locale = Varchar(length=5, null=True, default=None)
    """The interface language the user chose (``ru``, ``en``); None: not chosen, the browser's."""
    created_at = Timestamptz()


class ApiToken(Table, tablename="api_token"):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    id: Serial
    user = ForeignKey(User, on_delete=OnDelete.cascade)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
    last_used_at = Timestamptz(null=True, default=None)


class LoginAttempt(Table, tablename="login_attempt"):
    """A sign-in attempt that has not succeeded: written when the attempt starts (so that
    parallel guesses count against one another), removed if it is refused by the throttle or
    succeeds, kept as a failure otherwise. See ``tracker.accounts.attempts``."""

    id: Serial
    email = Varchar(length=254, index=True)
    """The e-mail as typed, lower-cased (an account that may not exist)."""
    address = Varchar(length=100, index=True)
    """The client's address as the server sees it (behind the proxy: the real client's)."""
    at = Timestamptz(index=True)
