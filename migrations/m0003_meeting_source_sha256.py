"""Meeting.source_sha256: the checksum of the document a meeting was imported from, indexed,
so that importing the same protocol again is noticed (issue 3). Nullable: meetings typed in
by hand have none. The same statements run on SQLite and PostgreSQL (ADD COLUMN, CREATE INDEX).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-24T00:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "meeting.source_sha256: the imported document's checksum"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tracker", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Meeting",
        tablename="meeting",
        column_name="source_sha256",
        db_column_name="source_sha256",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
