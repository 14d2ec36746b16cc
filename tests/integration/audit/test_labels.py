"""Every word the log shows from Python (objects, actions, fields) is listed for the catalog
and has its English, and every action our services record has its words."""

from __future__ import annotations

import ast

from tests.unit.test_i18n_catalog import missing
from tracker.audit import rules
from tracker.i18n import messages
from tracker.settings import REPO_ROOT


def test_every_label_is_listed_and_translated() -> None:
    labels = [
        *rules.ENTITY_LABELS.values(),
        *rules.ACTION_LABELS.values(),
        *rules.FIELD_LABELS.values(),
        rules.SYSTEM,
    ]
    listed = set(messages.LABELS) | set(messages.MESSAGES)

    assert [label for label in labels if label not in listed] == []
    assert missing(labels) == []


def recorded_actions() -> set[tuple[str, str]]:
    """(object, action) of every ``audit.record``/``record_many`` call whose words are
    literals in tracker/ (an action chosen at run time counts each literal it may take)."""
    found: set[tuple[str, str]] = set()
    for path in (REPO_ROOT / "tracker").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"record", "record_many"}
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
            ):
                continue
            args = node.args
            entity = args[1]
            action = args[3] if node.func.attr == "record" else args[2]
            if not (isinstance(entity, ast.Constant) and isinstance(entity.value, str)):
                continue
            actions = [
                n.value
                for n in ast.walk(action)
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            ]
            found |= {(entity.value, a) for a in actions}
    return found


def test_every_recorded_action_has_words() -> None:
    recorded = recorded_actions()

    assert len(recorded) > 20
    assert sorted(recorded - set(rules.ACTION_LABELS)) == []
    assert {entity for entity, _ in recorded} <= set(rules.ENTITY_LABELS)
