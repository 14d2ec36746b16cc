"""A job: one piece of long work (an export, a compile, a protocol's parse) run by a worker."""

from piccolo.columns import (
    JSON,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from tracker.accounts.tables import User


class Job(Table, tablename="job"):
    """``queued → running → done | failed`` (see ``tracker.jobs.services``)."""

    id: Serial
    kind = Varchar(length=50)
    """What to run: a name of ``tracker.jobs.kinds.KINDS``."""
    params = JSON(default="{}")
    """The kind's plain arguments (ids, dates as ISO text, a file's path under the data dir)."""
    state = Varchar(length=20, default="queued", index=True)
    done = Integer(default=0)
    total = Integer(default=0)
    message = Text(default="")
    """What is being done now, in Russian («Составляю таблицу…»)."""
    result_path = Text(default="")
    """The result file, relative to the data dir; empty when the result is a page."""
    result_name = Text(default="")
    """The file's name for the download (Cyrillic)."""
    result_type = Varchar(length=200, default="")
    result_url = Text(default="")
    """Where the result is read when it is a page (the draft, the follow-up)."""
    error = Text(default="")
    """Why it failed, in Russian, fit to show to its owner."""
    created_by = ForeignKey(User, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz()
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)
    locked_until = Timestamptz(null=True, default=None)
    """While running: past this time (its worker died) another run may take it over."""
