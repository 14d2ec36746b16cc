"""The secret of each user's calendar feed; only its SHA-256 is stored."""

from piccolo.columns import ForeignKey, OnDelete, Serial, Timestamptz, Varchar
from piccolo.table import Table

from tracker.accounts.tables import User


class FeedToken(Table, tablename="feed_token"):
    """One per user: making a new one replaces (and so revokes) the old."""

    id: Serial
    user = ForeignKey(User, unique=True, on_delete=OnDelete.cascade)
    token_hash = Varchar(length=64, unique=True)
    """SHA-256 (hex) of the secret in the URL; the secret itself is shown once and not kept."""
    created_at = Timestamptz()
    last_used_at = Timestamptz(null=True, default=None)
    """When a calendar application last fetched the feed."""
