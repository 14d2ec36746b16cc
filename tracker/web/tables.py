"""Server-side web sessions, kept in the database so that pages work while Redis is down."""

from piccolo.columns import Bytea, Timestamptz, Varchar
from piccolo.table import Table


class WebSession(Table, tablename="web_session"):
    key = Varchar(length=255, primary_key=True)
    value = Bytea()
    expires_at = Timestamptz(null=True, default=None, index=True)
