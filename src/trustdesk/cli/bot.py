"""`trustdesk bot`: classify messages and evaluate the intent classifier.

    trustdesk bot classify [FILE] [--tenant SLUG] [--examples FILE]
        reads lines of text, or JSON objects {"id", "text"}, from FILE or stdin and writes one
        JSON object {"id", "intent", "confidence"} per input line.
    trustdesk bot eval FILE [--json] [--min-accuracy X] [--examples FILE]
        reads {"text", "intent"} lines and prints accuracy, macro-F1 and a confusion summary.

The model is trained from the examples shipped with Trustdesk (a few seconds the first time,
then loaded from the cache in $TRUSTDESK_BOT_CACHE or ~/.cache/trustdesk/bot).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

import typer

from trustdesk.bot.classifier import IntentModel
from trustdesk.bot.evaluation import evaluate
from trustdesk.bot.examples import Example, ExampleFileError, iter_texts, load_examples
from trustdesk.bot.registry import default_model

app = typer.Typer(help="The support bot: classify messages, evaluate the classifier.", no_args_is_help=True)

TENANT_HELP = (
    "Tenant slug. Accepted so scripts can pass it today, but per-tenant example storage is not "
    "wired yet: the shipped model is used. To try a tenant's examples, pass them with --examples."
)
EXAMPLES_HELP = 'Extra training examples, JSONL lines of {"text", "intent"}, merged with the shipped ones.'


@app.callback()
def bot() -> None:
    """The support bot: classify messages, evaluate the classifier."""


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _model(examples: Path | None) -> IntentModel:
    extra: list[Example] = []
    if examples is not None:
        if not examples.is_file():
            _fail(f"no such file: {examples}")
        try:
            extra = load_examples(examples)
        except ExampleFileError as exc:
            _fail(str(exc))
    return default_model(extra)


def _open(source: str | None) -> TextIO:
    if source is None or source == "-":
        return sys.stdin
    path = Path(source)
    if not path.is_file():
        _fail(f"no such file: {source}")
    return path.open(encoding="utf-8")


@app.command("classify")
def classify_command(
    source: str | None = typer.Argument(
        None, metavar="FILE", help="Text or JSONL file; stdin when omitted or -."
    ),
    tenant: str | None = typer.Option(None, "--tenant", metavar="SLUG", help=TENANT_HELP),
    examples: Path | None = typer.Option(None, "--examples", metavar="FILE", help=EXAMPLES_HELP),
) -> None:
    """Write {"id", "intent", "confidence"} for every input line (id: the given one, else the line number)."""
    del tenant  # see TENANT_HELP
    model = _model(examples)
    handle = _open(source)
    try:
        for ident, text in iter_texts(handle):
            prediction = model.classify(text)
            row = {
                "id": ident,
                "intent": prediction.intent.value,
                "confidence": round(prediction.confidence, 4),
            }
            typer.echo(json.dumps(row, ensure_ascii=False))
    except ExampleFileError as exc:
        _fail(str(exc))
    finally:
        if handle is not sys.stdin:
            handle.close()


@app.command("eval")
def eval_command(
    source: Path = typer.Argument(..., metavar="FILE", help='JSONL lines of {"text", "intent"}.'),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object instead of a table."),
    min_accuracy: float | None = typer.Option(
        None, "--min-accuracy", help="Exit with status 1 when accuracy is below this (0-1)."
    ),
    errors: int = typer.Option(0, "--errors", help="Also list up to this many misclassified messages."),
    tenant: str | None = typer.Option(None, "--tenant", metavar="SLUG", help=TENANT_HELP),
    examples: Path | None = typer.Option(None, "--examples", metavar="FILE", help=EXAMPLES_HELP),
) -> None:
    """Accuracy, macro-F1 and the commonest confusions of the classifier on a labelled file."""
    del tenant  # see TENANT_HELP
    if not source.is_file():
        _fail(f"no such file: {source}")
    try:
        labelled = load_examples(source)
    except ExampleFileError as exc:
        _fail(str(exc))
    if not labelled:
        _fail(f"{source} holds no examples")
    report = evaluate(_model(examples), labelled)
    if json_output:
        typer.echo(json.dumps(report.to_json(max_errors=errors), ensure_ascii=False))
    else:
        typer.echo(f"examples  {report.total}")
        typer.echo(f"accuracy  {report.accuracy:.4f}")
        typer.echo(f"macro-F1  {report.macro_f1:.4f}")
        typer.echo("")
        typer.echo(f"{'intent':<20}{'precision':>10}{'recall':>8}{'f1':>8}{'n':>6}")
        for score in report.per_intent:
            typer.echo(
                f"{score.intent.value:<20}{score.precision:>10.3f}{score.recall:>8.3f}{score.f1:>8.3f}{score.support:>6}"
            )
        typer.echo("")
        typer.echo("commonest confusions (expected -> predicted):")
        for expected, predicted, count in report.confusions[:10] or ():
            typer.echo(f"  {count:>3}  {expected.value} -> {predicted.value}")
        if not report.confusions:
            typer.echo("  none")
        for text, expected, predicted, confidence in report.errors[:errors]:
            typer.echo(f"  [{expected.value} -> {predicted.value} {confidence:.2f}] {text}")
    if min_accuracy is not None and report.accuracy < min_accuracy:
        typer.echo(f"accuracy {report.accuracy:.4f} is below the required {min_accuracy:.4f}", err=True)
        raise typer.Exit(1)
