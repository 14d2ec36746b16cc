"""Backup and restore: ``tracker backup`` and ``tracker restore`` (the database and the report files).

The archive is one ``.zip`` file:

    manifest.json                 format version, app version, created_at, the database it came
                                  from, the schema (the ids of the migrations applied), per table
                                  its columns (name and kind), rows, bytes and SHA-256, and per
                                  report file its bytes and SHA-256
    tables/<table>.jsonl          one JSON array per row, in primary key order, tables in
                                  dependency order (parents first); Piccolo's ``migration``
                                  table too
    files/ab/abcdef…              each report file, as under ``TRACKER_DATA_DIR/files``

Why this shape:

- **One portable format, not ``pg_dump`` or a copy of the SQLite file.** A district starts on
  the embedded SQLite file and moves to PostgreSQL when it grows: a backup of either restores
  into either. Values are written by kind (``tracker.backup.archive``): times in UTC ISO 8601,
  dates ISO, booleans true/false, JSON columns as their exact text, bytes as base64. The
  archive also needs no ``pg_dump`` of the server's exact version inside the app's image.
- **Zip, not tar.gz.** Members are written as streams of unknown length (a million rows
  never sit in memory) and read back at random: the manifest is written last, once the counts
  and checksums are known, yet read first. A truncated zip loses its central directory and is
  refused at once; every member also has a CRC-32 besides the manifest's SHA-256. Table rows
  are deflated (JSON text shrinks about tenfold); report files are stored as they are (PDF,
  Word, Excel and scans are compressed already). ``unzip -l`` and ``unzip -p x.zip
  manifest.json`` let an operator look inside without us.
- **JSON lines, not one JSON document or CSV.** A row is one line, read and written one at a
  time; JSON keeps types (null vs "", numbers vs text) that CSV loses.
- **One snapshot, on a live database.** The backup reads every table in one read-only
  transaction: REPEATABLE READ on PostgreSQL, one read transaction on SQLite in WAL mode (which
  ``tracker migrate`` sets); neither blocks the web app or the workers, and rows they write
  meanwhile are not in the archive, all of them or none. Report files are named by the rows of
  that snapshot and never change once written, so they need no snapshot of their own; each is
  checked against its ``report_file.sha256`` and one that is missing or damaged on disk is
  listed in the manifest instead (``tracker backup`` then exits 1: the archive is written, but
  it is not the whole district).
- **Web sessions are not archived.** A session's key is its cookie: a live credential that a
  backup copied to other disks would leak. Every restore empties the table: nobody stays
  logged in, and no session of a replaced database logs anyone in to the restored one.
  (The archive still holds password hashes and token hashes: keep it as the database is kept.)
- **Checked before anything is written.** ``restore`` reads the whole archive first: every
  member's size and SHA-256 against the manifest, every table's row count, the format version,
  the schema (a migration this version does not know is a newer version's archive: refused).
  Then the database: past the archive's schema, or not empty, is refused (exit status 2), and
  nothing was changed.
- **Restore writes into an empty database, in one transaction.** An empty database, migrated
  up to the archive's schema by ``restore`` itself (so the rows go into the schema they were
  read from), is filled by PostgreSQL's ``COPY`` or SQLite's ``executemany`` (a million rows
  in a minute, as ``tracker seed`` writes them), with the foreign keys checked; the id
  sequences are then moved past the largest ids, so the next row inserted does not collide.
  Afterwards the newer migrations of this version, if any, are applied: an older archive is
  upgraded as the database it came from would have been.
- **``--force`` replaces everything, in the same one transaction.** Every table is emptied
  (``TRUNCATE`` on PostgreSQL, ``DELETE`` on SQLite; both transactional) and loaded: if
  anything fails, the old database is still there, whole. The other ways are worse: dropping
  and re-creating a database cannot be undone and needs rights the app does not have, and
  merging an archive into live rows has no meaning (two districts' ids collide). The audit
  trail's append-only triggers (migration 0013) are set aside for the emptying alone, inside
  that transaction (PostgreSQL: ``DISABLE TRIGGER``, which only the tables' owner may do;
  SQLite: dropped and made again from their own SQL), so they guard the restored trail as
  they guarded the old one. After the commit, report files the restored database does not
  name are removed. Restore with web, worker and beat stopped.
- **Files before the commit.** The archive's files are written first, each to a temporary
  file, checked against its SHA-256, fsync-ed and renamed into place, so a committed database
  never names a file that is not there; if the transaction fails, the files it added are
  removed again.

Measured on this machine's two shared cores, under other work (CPU time of our process in
brackets), on ``tracker seed --schools 1000 --decisions 1000`` in a scratch SQLite file
(``DATABASE_URL`` and ``TRACKER_DATA_DIR`` in a temporary directory; 1M assignments, 1.69M rows
in 23 tables, a 405 MB file), each command under ``/usr/bin/time -v``: ``tracker backup`` 23 s
(13 s), 66 MB peak memory, a 16 MB archive; ``tracker restore`` into a new SQLite file 56 s
(28 s), 148 MB peak (64 MB of it SQLite's page cache); the same archive into a new PostgreSQL
database 44 s (11 s), 71 MB; ``tracker backup`` of that PostgreSQL database 17 s (16 s),
67 MB, its tables' members byte for byte those of the SQLite archive. Memory does not grow
with the rows: they stream 5,000 at a time.
"""
