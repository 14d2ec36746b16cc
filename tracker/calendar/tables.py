"""The admin's corrections to the shipped production calendar."""

from piccolo.columns import Boolean, Date, ForeignKey, OnDelete, Serial, Text, Timestamptz
from piccolo.table import Table

from tracker.accounts.tables import User


class CalendarDay(Table, tablename="calendar_day"):
    """One day whose status the admin set by hand (a new decree, a regional holiday).

    It wins over the shipped data for that day; deleting the row restores the shipped status.
    """

    id: Serial
    day = Date(unique=True)
    working = Boolean()
    note = Text(default="")
    updated_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    updated_at = Timestamptz()
