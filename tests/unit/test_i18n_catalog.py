"""The catalogs are complete: every message in the templates, every listed Python message and
every label the templates translate has an English entry; Russian plural entries have their
three forms. A new string shows up here until ``make messages`` is run and it is translated."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

import pytest
from babel.messages.extract import extract_from_dir

from tracker.accounts.roles import ROLE_LABELS
from tracker.assignments.controllers import HISTORY_ACTIONS
from tracker.assignments.lifecycle import STATUS_LABELS
from tracker.assignments.services import EXTENSION_LABELS
from tracker.calendar.services import MONTH_NAMES
from tracker.followup.snapshot import PROPOSAL_LABELS
from tracker.i18n import messages
from tracker.i18n.catalog import read_catalog
from tracker.mail.outbox import STATUS_LABELS as OUTBOX_LABELS
from tracker.meetings.services import DECISION_KIND_LABELS, MEETING_KIND_LABELS
from tracker.settings import REPO_ROOT

JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")

MsgId = str | tuple[str, str]


def template_msgids() -> set[MsgId]:
    found: set[MsgId] = set()
    for _, _, message, _, _ in extract_from_dir(
        REPO_ROOT / "templates",
        method_map=[("**.html", "jinja2.ext:babel_extract")],
        options_map={"**.html": JINJA_OPTIONS},
    ):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def english() -> dict[MsgId, str | tuple[str, ...]]:
    return {
        (m.id if isinstance(m.id, str) else (m.id[0], m.id[1])): m.string
        for m in read_catalog("en")
        if m.id and not m.fuzzy
    }


def missing(msgids: Iterable[MsgId]) -> list[MsgId]:
    catalog = english()
    absent = []
    for msgid in msgids:
        translation = catalog.get(msgid)
        forms = translation if isinstance(translation, tuple) else (translation,)
        if not translation or not all(forms):
            absent.append(msgid)
    return sorted(absent, key=str)


def test_every_template_message_has_an_english_translation() -> None:
    untranslated = missing(template_msgids())

    assert not untranslated, (
        "run `make messages` and translate in translations/en/LC_MESSAGES/messages.po: "
        f"{untranslated}"
    )


def test_every_listed_python_message_has_an_english_translation() -> None:
    assert not missing([*messages.LABELS, *messages.MESSAGES])


@pytest.mark.parametrize(
    "labels",
    [
        ROLE_LABELS,
        STATUS_LABELS,
        EXTENSION_LABELS,
        HISTORY_ACTIONS,
        MEETING_KIND_LABELS,
        DECISION_KIND_LABELS,
        PROPOSAL_LABELS,
        OUTBOX_LABELS,
        dict(enumerate(MONTH_NAMES)),
    ],
    ids=lambda labels: type(next(iter(labels))).__name__,
)
def test_labels_that_templates_translate_are_in_the_catalog(labels: dict[object, str]) -> None:
    assert not missing(labels.values())


def python_strings() -> set[str]:
    """Every string literal in the code outside tracker/i18n (implicit concatenation joined)."""
    strings: set[str] = set()
    for path in (REPO_ROOT / "tracker").rglob("*.py"):
        if "i18n" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.add(node.value)
    return strings


def test_listed_python_messages_still_occur_in_the_code() -> None:
    code = python_strings()

    stale = [m for m in (*messages.LABELS, *messages.MESSAGES) if m not in code]

    assert not stale, f"no longer in tracker/: remove from tracker/i18n/messages.py: {stale}"


def test_translations_keep_the_placeholders() -> None:
    for msgid, translation in english().items():
        ids = (msgid,) if isinstance(msgid, str) else msgid
        forms = (translation,) if isinstance(translation, str) else translation
        wanted = set(PLACEHOLDER.findall(ids[0]))
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) == wanted, (msgid, form)


def test_russian_plural_entries_have_three_forms() -> None:
    plurals = [m for m in read_catalog("ru") if m.id and m.pluralizable]

    assert plurals
    for message in plurals:
        assert len(message.string) == 3, message.id
        assert all(message.string), message.id
        assert message.string[0] == message.id[0]
        assert message.string[2] == message.id[1]
