"""`trustdesk bot classify` and `trustdesk bot eval`, through the real root command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trustdesk.cli.main import app

from .fakes import TENANT_EXTRA_ROWS, TENANT_WORD

DATA = Path(__file__).parent / "data"
runner = CliRunner()
pytestmark = pytest.mark.usefixtures("cli_model_cache")


def test_classify_plain_lines_from_stdin() -> None:
    result = runner.invoke(app, ["bot", "classify"], input="where is my parcel\n\nforgot my password\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["id"] for r in rows] == [1, 3]
    assert [r["intent"] for r in rows] == ["track_shipment", "account_access"]
    assert all(set(r) == {"id", "intent", "confidence", "lang"} and 0 <= r["confidence"] <= 1 for r in rows)
    assert [r["lang"] for r in rows] == ["en", "en"]


def test_classify_json_objects_from_a_file_keeps_ids(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": "m-1", "text": "I want to cancel my order"}\n{"id": 42, "text": "what is the capital of peru"}\n'
    )
    result = runner.invoke(app, ["bot", "classify", str(source), "--tenant", "acme"])
    assert result.exit_code == 0, result.output
    # No database here: a warning on stderr says the shipped model is used; stdout is all JSON.
    rows = [json.loads(line) for line in result.output.splitlines() if not line.startswith("warning:")]
    assert rows[0] == {
        "id": "m-1",
        "intent": "cancel_order",
        "confidence": rows[0]["confidence"],
        "lang": "en",
    }
    assert rows[1]["id"] == 42 and rows[1]["intent"] == "out_of_scope"


def test_classify_reads_an_optional_lang_and_writes_the_language_used() -> None:
    lines = [
        '{"id": "de-1", "text": "Wo ist meine Bestellung 100234?"}',
        '{"id": "fr-1", "text": "Je voudrais annuler ma commande", "lang": "fr"}',
        '{"id": "pt-1", "text": "Quero devolver o casaco", "lang": "pt_pt"}',
        '{"id": "hint", "text": "ok", "lang": "pl"}',
        "Ik wil mijn jas retourneren",
    ]
    result = runner.invoke(app, ["bot", "classify"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert all(set(r) == {"id", "intent", "confidence", "lang"} for r in rows)
    assert [r["lang"] for r in rows] == ["de", "fr", "pt-PT", "pl", "nl"]
    assert [r["intent"] for r in rows[:3]] == ["order_status", "cancel_order", "return_item"]
    assert rows[4]["intent"] == "return_item"


def test_classify_rejects_a_language_it_does_not_know() -> None:
    result = runner.invoke(app, ["bot", "classify"], input='{"id": 1, "text": "hola", "lang": "xx"}\n')
    assert result.exit_code == 2
    assert "unsupported language 'xx'" in result.output
    result = runner.invoke(app, ["bot", "classify"], input='{"id": 1, "text": "hola", "lang": 7}\n')
    assert result.exit_code == 2


def test_classify_with_extra_examples(tmp_path: Path) -> None:
    extra = tmp_path / "extra.jsonl"
    extra.write_text("".join(json.dumps(row) + "\n" for row in TENANT_EXTRA_ROWS))
    result = runner.invoke(app, ["bot", "classify", "--examples", str(extra)], input=f"{TENANT_WORD}\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["intent"] == "cancel_order"


def test_classify_reports_bad_input() -> None:
    result = runner.invoke(app, ["bot", "classify", "/nonexistent/file"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["bot", "classify"], input='{"id": 1, "body": "no text"}\n')
    assert result.exit_code == 2
    assert "text" in result.output


def test_eval_prints_accuracy_macro_f1_and_confusions(tmp_path: Path) -> None:
    source = tmp_path / "small.jsonl"
    source.write_text(
        '{"text": "where is my parcel", "intent": "track_shipment"}\n'
        '{"text": "I want to cancel my order", "intent": "cancel_order"}\n'
        '{"text": "hello there", "intent": "refund_status"}\n'
    )
    result = runner.invoke(app, ["bot", "eval", str(source)])
    assert result.exit_code == 0, result.output
    assert "accuracy  0.6667" in result.output
    assert "macro-F1" in result.output
    assert "refund_status -> greeting" in result.output
    as_json = json.loads(runner.invoke(app, ["bot", "eval", str(source), "--json", "--errors", "5"]).output)
    assert as_json["total"] == 3
    assert as_json["accuracy"] == pytest.approx(0.6667, abs=1e-4)
    assert as_json["errors"][0]["text"] == "hello there"


def test_eval_rejects_unknown_intents(tmp_path: Path) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text('{"text": "hi", "intent": "smalltalk"}\n')
    result = runner.invoke(app, ["bot", "eval", str(source)])
    assert result.exit_code == 2
    assert "unknown intent" in result.output
