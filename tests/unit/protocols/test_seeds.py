"""The two documents the product was specified from (../shared/seeds) read as the issue says."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tracker.calendar.deadlines import DeadlineKind
from tracker.protocols.model import ParsedProtocol, Signature, to_json
from tracker.protocols.parser import parse_document, parse_text

SEEDS = Path(__file__).resolve().parents[4] / "shared" / "seeds"
SEED_004 = SEEDS / "004_98c1e272bfa50f87.txt"
SEED_000 = SEEDS / "000_f43442a6699a9483.txt"

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="the shared seeds are not here")


@pytest.fixture(scope="module")
def seed_004() -> ParsedProtocol:
    return parse_text(SEED_004.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_000() -> ParsedProtocol:
    return parse_text(SEED_000.read_text(encoding="utf-8"))


def test_004_header(seed_004: ParsedProtocol) -> None:
    assert seed_004.kind == "protocol"
    # the number and the date have fields of their own; the title is what the meeting was
    assert seed_004.title == (
        "Выписка из протокола совещания руководителей муниципальных образовательных учреждений"
    )
    assert seed_004.date == date(2020, 2, 5)
    assert seed_004.place == "актовый зал администрации района"
    assert seed_004.number == ""


def test_004_agenda_has_one_item_with_its_speaker(seed_004: ParsedProtocol) -> None:
    assert len(seed_004.agenda) == 1
    item = seed_004.agenda[0]
    assert item.number == 1
    assert item.title.startswith("Итоги мониторинга организации работы")
    assert item.title.endswith("за 2019-2020 учебный год")
    assert item.speakers == ("Рыбина Л.Д.",)


def test_004_nine_decisions_across_the_blank_line(seed_004: ParsedProtocol) -> None:
    decisions = seed_004.decisions
    assert [d.number for d in decisions] == [str(n) for n in range(1, 10)]
    for decision in decisions:
        assert decision.agenda_item == 1
        assert decision.addressee == "Руководителям образовательных учреждений"
        assert decision.kind == "instruction"
        assert decision.deadline.kind is DeadlineKind.NONE
    assert decisions[0].text == (
        "Довести результаты мониторинга до сведения педагогического коллектива "
        "образовательной организации."
    )
    assert decisions[7].text.endswith("в программах Образовательного центра «Сириус».")
    assert decisions[8].text.startswith("Продолжить работу по сетевому взаимодействию")


def test_004_signatures(seed_004: ParsedProtocol) -> None:
    assert seed_004.signatures == (
        Signature(position="Начальник отдела образования", name="М.В.Нефёдова"),
        Signature(position="Секретарь", name="Н.В.Дудяк"),
    )


def test_004_nothing_to_warn_about(seed_004: ParsedProtocol) -> None:
    assert seed_004.warnings == ()


def test_004_as_a_file_and_as_plain_text_reads_the_same(seed_004: ParsedProtocol) -> None:
    data = SEED_004.read_bytes()
    assert to_json(parse_document(data, SEED_004.name)) == to_json(seed_004)
    plain = SEED_004.read_text(encoding="utf-8").replace("**", "")
    assert to_json(parse_text(plain, markdown=False)) == to_json(seed_004)


def test_000_is_a_resolution_of_24_march_2023(seed_000: ParsedProtocol) -> None:
    assert seed_000.kind == "resolution"
    assert seed_000.date == date(2023, 3, 24)
    assert "Резолюция городской научно-практической конференции" in seed_000.title
    assert "«Успешные практики сопровождения и поддержки одарённых обучающихся»" in seed_000.title
    assert seed_000.agenda == ()
    assert seed_000.signatures == ()


def test_000_gives_its_recommendation_from_running_text(seed_000: ParsedProtocol) -> None:
    recommendations = [d for d in seed_000.decisions if d.kind == "recommendation"]
    assert recommendations
    wording = recommendations[0].text
    assert "обобщить и распространить" in wording
    assert wording.startswith("одобрить представленный на конференции опыт")
    assert "МБУ ДО «ЦДО»" in wording
    # the discussed questions (a bulleted list) are not decisions
    assert len(seed_000.decisions) == 1
    assert recommendations[0].agenda_item is None


def test_000_warns_that_it_read_running_text(seed_000: ParsedProtocol) -> None:
    assert any("прочитана из текста" in w for w in seed_000.warnings)
    assert any("не найден адресат" in w for w in seed_000.warnings)
