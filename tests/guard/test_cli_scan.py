"""`trustdesk guard ...` through the real root command.

One test runs the installed console script in a subprocess, exactly as integrators call it;
the others drive the same root Typer app in-process (typer's CliRunner) to stay fast.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from trustdesk.cli.main import app

TRUSTDESK = Path(sys.executable).with_name("trustdesk")


def run(*args: str, data: bytes = b"") -> tuple[int, list[dict], str]:
    result = CliRunner().invoke(app, ["guard", *args], input=data)
    lines = [json.loads(line) for line in result.stdout_bytes.decode("utf-8").splitlines()]
    return (
        result.exit_code,
        lines,
        result.stderr_bytes.decode("utf-8", "replace") if result.stderr_bytes else result.output,
    )


def test_the_installed_console_script_reads_stdin_and_writes_json_lines():
    assert TRUSTDESK.exists(), f"console script not installed at {TRUSTDESK}"
    data = b'{"id": "a", "text": "card 4242424242424242"}\n\xff bad\nplain\n'
    proc = subprocess.run([str(TRUSTDESK), "guard", "scan"], input=data, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert lines[0] == {
        "id": "a",
        "findings": [{"type": "PAYMENT_CARD", "start": 5, "end": 21, "action": "redact"}],
        "redacted": "card [removed: Visa ending 4242]",
        "lang": "en",
    }
    assert "not valid UTF-8" in lines[1]["error"]
    assert lines[2] == {"id": 3, "findings": [], "redacted": "plain", "lang": "en"}


def test_json_lines_and_plain_lines_from_stdin():
    data = "\n".join(
        [
            json.dumps({"id": "m-1", "text": "my card is 4242 4242 4242 4242"}),
            "plain line, pw: hunter2!",
            json.dumps({"id": 9, "text": "Please send me the code we texted you", "direction": "outbound"}),
            "",
        ]
    ).encode()
    code, lines, _ = run("scan", data=data + b"\n")
    assert code == 0
    assert lines == [
        {
            "id": "m-1",
            "findings": [{"type": "PAYMENT_CARD", "start": 11, "end": 30, "action": "redact"}],
            "redacted": "my card is [removed: Visa ending 4242]",
            "lang": "en",
        },
        {
            "id": 2,
            "findings": [{"type": "PASSWORD", "start": 16, "end": 24, "action": "redact"}],
            "redacted": "plain line, pw: [removed: password]",
            "lang": "en",
        },
        {
            "id": 9,
            "findings": [{"type": "ONE_TIME_CODE", "start": 0, "end": 37, "action": "block"}],
            "redacted": "Please send me the code we texted you",
            "lang": "en",
        },
        {"id": 4, "findings": [], "redacted": "", "lang": "en"},
    ]


def test_offsets_are_python_string_indices_into_the_given_text():
    text = "Grüße 😀 ｶｰﾄﾞ: ４２４２ ４２４２ ４２４２ ４２４２ ok"
    code, lines, _ = run(
        "scan", data=json.dumps({"id": 1, "text": text}, ensure_ascii=False).encode() + b"\n"
    )
    assert code == 0
    (finding,) = lines[0]["findings"]
    assert text[finding["start"] : finding["end"]] == "４２４２ ４２４２ ４２４２ ４２４２"


def test_bad_lines_get_an_error_object_and_the_rest_still_runs():
    data = b'{"id": 1, "text": \n\xff\xfe\x00 binary\n{"id": 3}\n{"id": 4, "text": "x", "direction": "up"}\nok 4111111111111111\n'
    code, lines, _ = run("scan", data=data)
    assert code == 0
    assert [line["id"] for line in lines] == [1, 2, 3, 4, 5]
    assert "not valid JSON" in lines[0]["error"]
    assert "not valid UTF-8" in lines[1]["error"]
    assert "text" in lines[2]["error"]
    assert "direction" in lines[3]["error"]
    assert lines[4]["redacted"] == "ok [removed: Visa ending 1111]"


def test_reads_a_file_argument(tmp_path):
    path = tmp_path / "messages.jsonl"
    path.write_text(
        json.dumps({"id": "x", "text": "IBAN DE89 3704 0044 0532 0130 00"}) + "\n", encoding="utf-8"
    )
    code, lines, _ = run("scan", str(path))
    assert code == 0 and lines[0]["findings"][0]["type"] == "IBAN"


def test_missing_file_is_a_usage_error(tmp_path):
    code, lines, err = run("scan", str(tmp_path / "nope.jsonl"))
    assert code == 2 and lines == [] and "does not exist" in err


def test_text_over_the_cap_is_an_error_line_not_a_crash():
    huge = json.dumps({"id": "big", "text": "a" * 1_000_001}).encode()
    code, lines, _ = run("scan", data=huge + b"\nsmall\n")
    assert code == 0
    assert lines[0]["id"] == "big" and "at most 1000000 characters" in lines[0]["error"]
    assert lines[1] == {"id": 2, "findings": [], "redacted": "small", "lang": "en"}


def test_details_policy_and_brand(tmp_path):
    policy = tmp_path / "policy.json"
    policy.write_text(
        json.dumps({"custom_detectors": [{"name": "GIFT_CARD", "pattern": r"GC-\d{4}"}]}), encoding="utf-8"
    )
    code, lines, _ = run(
        "scan", "--details", "--brand", "Acme", "--policy", str(policy), data=b"gift GC-1234\n"
    )
    assert code == 0
    assert lines[0]["findings"][0]["type"] == "GIFT_CARD"
    assert (
        "Acme will never" not in lines[0]["customer_notice"]
    )  # a gift card is not a secret Acme "never asks for"
    assert lines[0]["customer_notice"].startswith("We removed a gift card")


def test_invalid_policy_is_refused_with_a_reason(tmp_path):
    policy = tmp_path / "policy.json"
    policy.write_text(
        json.dumps({"custom_detectors": [{"name": "BAD", "pattern": "(?=x)"}]}), encoding="utf-8"
    )
    code, _, err = run("check-policy", str(policy))
    assert code == 2 and "RE2" in err


def test_lines_carry_a_language_hint_and_context_and_get_their_language():
    data = "\n".join(
        json.dumps(line, ensure_ascii=False)
        for line in [
            {"id": "de", "text": "Meine Karte ist 4242 4242 4242 4242, bitte buchen Sie ab.", "lang": "de"},
            {
                "id": "fr",
                "text": "Bonjour, ma commande n'est pas arrivée. Voici ma carte 4242 4242 4242 4242.",
            },
            {"id": "short", "text": "Danke!", "lang": "de"},
            {
                "id": "split",
                "text": "Passwort?",
                "direction": "outbound",
                "context": ["Wie lautet bitte Ihr aktuelles"],
            },
            {"id": "bad-lang", "text": "hello", "lang": 5},
            {"id": "bad-context", "text": "hello", "context": "not a list"},
        ]
    )
    code, lines, _ = run("scan", "--details", "--brand", "Acme", data=data.encode() + b"\n")
    assert code == 0
    german, french, short, split, bad_lang, bad_context = lines
    assert german["lang"] == "de"
    assert german["customer_notice"].startswith(
        "Zu Ihrer Sicherheit haben wir eine Kartennummer aus Ihrer Nachricht entfernt. "
        "Acme wird Sie niemals nach Ihrer Kartennummer fragen."
    )
    assert french["lang"] == "fr" and french["customer_notice"].startswith("Pour votre sécurité")
    assert short["lang"] == "de" and short["findings"] == []  # too short to tell: the hint
    assert split["blocked"]  # judged with its context, and explained in the context's language
    assert split["block_reasons"][0].startswith("Diese Nachricht fragt nach dem Passwort")
    assert bad_lang == {"id": "bad-lang", "error": '"lang" must be a language code such as "de" or "pt-BR"'}
    assert bad_context["id"] == "bad-context" and "context must be a list" in bad_context["error"]
