"""The ``tracker`` command: migrate, add users, run the app embedded or serve it in production.

Every handler is a coroutine; ``main`` runs the chosen one with a single ``asyncio.run``.
Bad input of any kind (an unknown command or option, a ``TrackerError`` from a service, an
unusable environment) ends in one line on stderr and exit status 2, before anything is written.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import sys
import warnings
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import uvicorn

from tracker.accounts.roles import Role
from tracker.errors import TrackerError
from tracker.settings import Settings, SettingsError, get_settings

BAD_INPUT = 2
FAILURE = 1
INTERRUPTED = 130

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEMO_LOGINS_FILE = "demo-logins.json"
"""Kept in ``TRACKER_DATA_DIR`` once the demo is loaded, so that every start prints the logins."""

Handler = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]


class CliError(Exception):
    """A problem the user can fix; its message is printed as the one line on stderr."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (``tracker: error: …``), not usage plus error."""

    def error(self, message: str) -> NoReturn:
        self.exit(BAD_INPUT, f"tracker: error: {message} (see tracker --help)\n")


# --- tracker migrate ---------------------------------------------------------------------------


async def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    await _migrate()
    return 0


async def _migrate() -> None:
    from tracker import db  # noqa: PLC0415 - importing it configures Piccolo: only when needed

    try:
        applied = await db.migrate()
    except RuntimeError as exc:
        raise CliError(str(exc)) from exc
    print(f"migrations applied: {applied}" if applied else "database schema is up to date")


# --- tracker user add --------------------------------------------------------------------------


async def cmd_user_add(args: argparse.Namespace, settings: Settings) -> int:
    from tracker.accounts import services as accounts  # noqa: PLC0415

    await _require_schema()
    password = args.password or _strong_password()
    user_id = await accounts.create_user(
        None,
        email=args.email,
        role=args.role,
        password=password,
        full_name=args.name,
        school_id=args.school,
    )
    print(f"created user #{user_id} {args.email.strip().lower()} ({Role(args.role).label})")
    if not args.password:
        print(f"password: {password}")
    return 0


def _strong_password() -> str:
    """16 random URL-safe characters that also pass our own password rules."""
    from tracker.accounts.passwords import password_problem  # noqa: PLC0415

    while True:
        password = secrets.token_urlsafe(12)
        if password_problem(password) is None:
            return password


async def _require_schema() -> None:
    from tracker.accounts.tables import User  # noqa: PLC0415

    if not await User.table_exists():
        raise CliError("the database has no tables yet: run `tracker migrate` first")


# --- tracker protocol parse ---------------------------------------------------------------------


async def cmd_protocol_parse(args: argparse.Namespace, settings: Settings) -> int:
    """Print the parsed protocol as JSON (CONTRACT.md). Reads the file only: no database."""
    from tracker.protocols.model import to_json  # noqa: PLC0415
    from tracker.protocols.services import read_document  # noqa: PLC0415

    path = Path(args.file)
    try:
        data = await asyncio.to_thread(path.read_bytes)
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from exc
    parsed = read_document(data, path.name)
    print(json.dumps(to_json(parsed), ensure_ascii=False, indent=2))
    return 0


# --- tracker remind --------------------------------------------------------------------------


async def cmd_remind(args: argparse.Namespace, settings: Settings) -> int:
    """One reminder sweep now (whatever the hour), then send what it queued (CONTRACT.md)."""
    from tracker.mail import services as mail  # noqa: PLC0415
    from tracker.reminders import services as reminders  # noqa: PLC0415

    await _require_schema()
    summary = await reminders.sweep(today=args.today, force=True)
    delivery = await mail.deliver()
    print(json.dumps(summary.as_dict() | delivery.as_dict(), ensure_ascii=False))
    return 0


# --- tracker seed --------------------------------------------------------------------------


async def cmd_seed(args: argparse.Namespace, settings: Settings) -> int:
    """A synthetic district (CONTRACT.md); one JSON line: counts, logins, seconds."""
    from tracker import clock, seed  # noqa: PLC0415

    seed.check_size(args.schools, args.decisions)  # before touching the database
    await _require_schema()
    today = args.today or clock.today()
    summary = await seed.seed(args.schools, args.decisions, today=today, append=args.append)
    print(json.dumps(summary.as_dict(), ensure_ascii=False))
    return 0


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None


# --- tracker backup and tracker restore -------------------------------------------------------


async def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    """One archive of the database and the report files (``tracker.backup``); prints JSON."""
    from tracker import clock  # noqa: PLC0415
    from tracker.backup import archive, services  # noqa: PLC0415

    if args.file and args.output:
        raise CliError("name the archive once: FILE or --output FILE, not both")
    target = Path(args.file or args.output or ".")
    if await asyncio.to_thread(target.is_dir):
        target /= archive.archive_name(clock.now())
    summary = await services.backup(target)
    print(json.dumps(summary.as_dict(), ensure_ascii=False))
    if summary.missing_files:
        print(
            f"tracker: warning: {summary.missing_files} report file(s) missing or damaged in "
            f"{settings.files_dir} are not in the archive (its manifest lists them)",
            file=sys.stderr,
        )
        return FAILURE
    return 0


async def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    """Verify an archive (``--check``: and stop), then restore it; prints JSON."""
    from tracker.backup import services  # noqa: PLC0415

    path = Path(args.file)
    if args.check:
        manifest = await asyncio.to_thread(services.verify, path)
        totals = manifest.as_json()["totals"]
        print(json.dumps({"archive": str(args.file), "ok": True} | totals))
        return 0
    summary = await services.restore(path, force=args.force)
    print(json.dumps(summary.as_dict(), ensure_ascii=False))
    return 0


# --- tracker run (embedded) and tracker serve (production) -------------------------------------


async def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    _check_port_free(args.host, args.port)
    await _migrate()
    if not args.no_demo and await _database_is_empty():
        _save_demo_logins(settings, await _load_demo())
    print(f"Decision Tracker: http://{args.host}:{args.port}/", flush=True)
    _print_demo_logins(settings)
    with embedded_workers():
        # no PostgreSQL pool: the worker thread shares the engine, and a pool is one loop's
        await _serve(args.host, args.port, replace(settings, db_pool=False))
    return 0


async def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Production web process: no migration (compose runs ``tracker migrate`` first), no demo.
    With ``--workers N`` (N > 1) uvicorn's supervisor runs N processes on one socket, one core
    each: a page is CPU-bound Python (templates, rows), so one process uses one core."""
    _check_port_free(args.host, args.port)
    if args.workers > 1:
        # Blocks this (idle) loop until a signal stops the supervisor; the workers are spawned,
        # each with its own event loop, application and connection pool.
        uvicorn.run(
            "tracker.web.app:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            proxy_headers=True,
            server_header=False,
        )
        return INTERRUPTED
    await _serve(args.host, args.port, settings, behind_proxy=True)
    return 0


@contextmanager
def embedded_workers() -> Iterator[None]:
    """The Celery worker and beat of the embedded mode, in threads of this process: reminders,
    digests and the outbox keep going while ``tracker run`` serves the app."""
    from workers.embedded import embedded_workers as workers  # noqa: PLC0415 - Celery is heavy

    with workers():
        yield


def _check_port_free(host: str, port: int) -> None:
    """Fail before migrating anything when the address cannot be listened on."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise CliError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            raise CliError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc


async def _serve(host: str, port: int, settings: Settings, *, behind_proxy: bool = False) -> None:
    from tracker.web.app import create_app  # noqa: PLC0415

    config = uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        proxy_headers=behind_proxy,
        server_header=False,
    )
    await uvicorn.Server(config).serve()


async def _database_is_empty() -> bool:
    from tracker.accounts.tables import User  # noqa: PLC0415

    return bool(await User.count() == 0)


async def _load_demo() -> list[tuple[str, str, str]]:
    from tracker.demo import load_demo  # noqa: PLC0415 - needed on the first start only

    return list((await load_demo()).logins)


def _demo_logins_path(settings: Settings) -> Path:
    return settings.data_dir / DEMO_LOGINS_FILE


def _save_demo_logins(settings: Settings, logins: list[tuple[str, str, str]]) -> None:
    """Written whole or not at all (a temporary file renamed), readable by the owner only."""
    path = _demo_logins_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(logins, ensure_ascii=False, indent=1), encoding="utf-8")
    partial.chmod(0o600)
    partial.replace(path)


def _print_demo_logins(settings: Settings) -> None:
    path = _demo_logins_path(settings)
    if not path.exists():
        return
    logins = json.loads(path.read_text(encoding="utf-8"))
    print("Demo logins (as loaded on the first start):")
    label_width = max((len(label) for label, _, _ in logins), default=0)
    email_width = max((len(email) for _, email, _ in logins), default=0)
    for label, email, password in logins:
        print(f"  {label:<{label_width}}  {email:<{email_width}}  {password}")
    sys.stdout.flush()


# --- the parser and main -----------------------------------------------------------------------


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"port must be 1-65535, got {port}")
    return port


def _add_listen_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to listen on (%(default)s)")
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT, help="port (%(default)s)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tracker",
        description="Decision Tracker: meeting decisions turned into tracked work of schools.",
    )
    commands = parser.add_subparsers(title="commands", dest="command", required=True)

    run = commands.add_parser(
        "run",
        help="embedded mode: migrate, load the demo on first start, serve",
        description="Migrate the database, load the demo district on the first start "
        "(unless --no-demo), print the demo logins and serve the web app.",
    )
    _add_listen_options(run)
    run.add_argument("--no-demo", action="store_true", help="do not load the demo district")
    run.set_defaults(handler=cmd_run)

    serve = commands.add_parser(
        "serve",
        help="production web process: serve only (run `tracker migrate` before)",
    )
    _add_listen_options(serve)
    serve.add_argument(
        "--workers",
        type=_count,
        default=os.environ.get("WEB_CONCURRENCY") or "1",
        help="web processes sharing the port, one per core (WEB_CONCURRENCY, default 1)",
    )
    serve.set_defaults(handler=cmd_serve)

    migrate = commands.add_parser("migrate", help="apply the migrations to DATABASE_URL")
    migrate.set_defaults(handler=cmd_migrate)

    protocol = commands.add_parser("protocol", help="read protocol documents")
    protocol_commands = protocol.add_subparsers(
        title="commands", dest="protocol_command", required=True
    )
    parse = protocol_commands.add_parser(
        "parse",
        help="print a protocol (.txt, .md, .docx) parsed, as JSON",
        description="Parse a protocol and print its draft as JSON (the shape of "
        "POST /api/v1/protocols/parse). Touches no database.",
    )
    parse.add_argument("file", help="the protocol: .txt, .md or .docx")
    parse.set_defaults(handler=cmd_protocol_parse)

    remind = commands.add_parser(
        "remind", help="run one reminder sweep now and send what it queued; prints JSON"
    )
    remind.add_argument(
        "--today",
        type=_day,
        default=None,
        help="the sweep's date, YYYY-MM-DD (default: today in TRACKER_TIMEZONE)",
    )
    remind.set_defaults(handler=cmd_remind)

    seed = commands.add_parser(
        "seed",
        help="fill the database with a synthetic district for benchmarks and demos; prints JSON",
        description="Write N schools (in four groups), a head, a secretary, an admin, one user "
        "per school, a year of meetings with M decisions, each assigned to every school "
        "(N × M assignments), with reports and extension requests in every state. Repeatable: "
        "the same numbers and --today give the same rows. One transaction: written whole or "
        "not at all. Every seeded account's password is printed in the summary.",
    )
    seed.add_argument("--schools", type=_count, required=True, help="how many schools (1-5000)")
    seed.add_argument(
        "--decisions", type=_count, required=True, help="how many decisions (1-10000)"
    )
    seed.add_argument(
        "--today",
        type=_day,
        default=None,
        help="the day the district is seen from, YYYY-MM-DD (default: today in TRACKER_TIMEZONE)",
    )
    seed.add_argument(
        "--append",
        action="store_true",
        help="seed even if the database already has meetings (refused without it): the district "
        "is added beside them, its logins under another domain",
    )
    seed.set_defaults(handler=cmd_seed)

    backup = commands.add_parser(
        "backup",
        help="write one archive of the database and the report files; prints JSON",
        description="Write one .zip archive: a manifest (format, app version, migrations, row "
        "counts, checksums), every table's rows and every report file. Reads one consistent "
        "snapshot, so the web app and the workers may keep running. Never overwrites a file. "
        "Exit status 1 when report files were missing or damaged (the archive is still written).",
    )
    backup.add_argument(
        "file",
        nargs="?",
        help="the archive to write, or a directory to write tracker-backup-<UTC time>.zip in "
        "(default: the current directory)",
    )
    backup.add_argument("--output", "-o", metavar="FILE", help="the same as FILE")
    backup.set_defaults(handler=cmd_backup)

    restore = commands.add_parser(
        "restore",
        help="restore an archive into an empty database and the data dir; prints JSON",
        description="Check every member of the archive against its manifest, then restore it "
        "into the empty database of DATABASE_URL (migrating it first) and the report files "
        "into TRACKER_DATA_DIR, in one transaction. Refused, with nothing changed: a damaged "
        "archive, one from a newer version, a database that is not empty (without --force). "
        "Stop web, worker and beat first.",
    )
    restore.add_argument("file", help="the archive written by tracker backup")
    restore.add_argument(
        "--force",
        action="store_true",
        help="replace everything in a database that is not empty (one transaction: the old "
        "data stays if the restore fails)",
    )
    restore.add_argument(
        "--check", action="store_true", help="only verify the archive; touch no database"
    )
    restore.set_defaults(handler=cmd_restore)

    user = commands.add_parser("user", help="manage accounts")
    user_commands = user.add_subparsers(title="commands", dest="user_command", required=True)
    add = user_commands.add_parser(
        "add",
        help="create a user",
        description="Create a user. Without --password a strong one is generated and printed.",
    )
    add.add_argument("--email", required=True, help="the login, e.g. director@school.ru")
    add.add_argument("--role", required=True, choices=[role.value for role in Role])
    add.add_argument("--school", type=int, help="school id (role school only)")
    add.add_argument("--password", help="10 to 128 characters, letters and digits or signs")
    add.add_argument("--name", default="", help="full name, e.g. «Иванова Мария Петровна»")
    add.set_defaults(handler=cmd_user_add)
    return parser


def _fail(message: str, status: int = BAD_INPUT) -> int:
    one_line = " ".join(message.split())
    print(f"tracker: error: {one_line}", file=sys.stderr)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    os.environ.setdefault("PICCOLO_CONF", "tracker.piccolo_conf")
    # Piccolo warns before the connection error we report ourselves: keep stderr to one line.
    warnings.filterwarnings("ignore", message=".*Unable to connect to database")
    try:
        settings = get_settings()
        return asyncio.run(handler(args, settings))
    except (CliError, SettingsError) as exc:
        return _fail(str(exc))
    except TrackerError as exc:
        return _fail(exc.message)
    except OSError as exc:
        # The database (or another server) cannot be reached: not bad input, still one line.
        return _fail(f"{exc.__class__.__name__}: {exc}", FAILURE)
    except KeyboardInterrupt:
        return INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
