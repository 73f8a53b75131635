"""`trustdesk bot`: classify messages and evaluate the intent classifier.

    trustdesk bot classify [FILE] [--tenant SLUG] [--examples FILE]
        reads lines of text, or JSON objects {"id", "text"} with an optional "lang", from FILE or
        stdin and writes one JSON object {"id", "intent", "confidence", "lang"} per input line
        ("lang": the language used: the given one, else the one detected in the text, within the
        retailer's languages; a language it does not offer gives its default).
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
from trustdesk.bot.context import SUPPORTED_CODES
from trustdesk.bot.evaluation import evaluate
from trustdesk.bot.examples import Example, ExampleFileError, iter_requests, load_examples
from trustdesk.bot.language import decide_language, offered_or_default
from trustdesk.bot.registry import default_model
from trustdesk.i18n.languages import DEFAULT_LANGUAGE, LANGUAGES, supported

app = typer.Typer(help="The support bot: classify messages, evaluate the classifier.", no_args_is_help=True)

TENANT_HELP = (
    "Tenant slug: classify with that retailer's model (the shipped examples plus the ones its admins "
    "added, read from the configured database)."
)
EMBEDDINGS_HELP = (
    "Blend the model with sentence embeddings (needs the embeddings extra; default: the "
    "TRUSTDESK_BOT_EMBEDDINGS setting). Without the extra: a warning, then the plain model."
)
EXAMPLES_HELP = 'Extra training examples, JSONL lines of {"text", "intent"}, merged with the shipped ones.'


@app.callback()
def bot() -> None:
    """The support bot: classify messages, evaluate the classifier."""


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _tenant_facts(slug: str) -> tuple[list[Example], tuple[str, ...], str]:
    """The retailer's own examples and the languages it offers (with its default), from the configured
    database. Without a usable database or with an unknown slug this warns and falls back to the
    shipped model and every supported language, so scripts passing --tenant keep working."""
    from trustdesk.botdesk.models import tenant_examples
    from trustdesk.config import ConfigurationError, get_settings
    from trustdesk.store.db import DatabaseNotMigrated, DatabaseUnavailable, make_engine, make_session_factory
    from trustdesk.store.migrate import ensure_migrated
    from trustdesk.tenancy.language_settings import tenant_languages
    from trustdesk.tenancy.service import find_tenant

    try:
        url = get_settings().resolved_database_url
        if url.startswith("sqlite") and not Path(url.split("///", 1)[-1]).is_file():
            raise DatabaseUnavailable("no database file")  # never create one as a side effect
        engine = make_engine(url)
        ensure_migrated(engine)
        with make_session_factory(engine, write=False)() as session:
            tenant = find_tenant(session, slug.strip().lower())
            if tenant is not None:
                chosen = tenant_languages(tenant)
                return tenant_examples(session, tenant.id), tuple(chosen.offered), chosen.default
        reason = f"no retailer with the slug {slug!r}"
    except (ConfigurationError, DatabaseUnavailable, DatabaseNotMigrated) as exc:
        reason = f"the database is not usable ({type(exc).__name__})"
    typer.echo(f"warning: {reason}; using the shipped model and every language", err=True)
    return [], SUPPORTED_CODES, DEFAULT_LANGUAGE


def _model(
    examples: Path | None, tenant: str | None = None, embeddings: bool = False
) -> tuple[IntentModel, tuple[str, ...], str]:
    """The model (with the retailer's and the file's examples) and the languages offered, default."""
    extra, offered, default = _tenant_facts(tenant) if tenant else ([], SUPPORTED_CODES, DEFAULT_LANGUAGE)
    if examples is not None:
        if not examples.is_file():
            _fail(f"no such file: {examples}")
        try:
            extra += load_examples(examples)
        except ExampleFileError as exc:
            _fail(str(exc))
    return default_model(extra, embeddings=True if embeddings else None), offered, default


def _open(source: str | None) -> TextIO:
    if source is None or source == "-":
        return sys.stdin
    path = Path(source)
    if not path.is_file():
        _fail(f"no such file: {source}")
    return path.open(encoding="utf-8")


def _language_used(text: str, lang: str | None, offered: tuple[str, ...], default: str) -> str:
    """The given language (must be supported) or the detected one, within `offered`."""
    if lang is not None:
        code = supported(lang)
        if code is None:
            raise ExampleFileError(f"unsupported language {lang!r}; supported: {', '.join(LANGUAGES)}")
        return offered_or_default(code, offered, default)
    return decide_language(
        text, current=None, current_source="default", offered=offered, default=default
    ).code


@app.command("classify")
def classify_command(
    source: str | None = typer.Argument(
        None, metavar="FILE", help="Text or JSONL file; stdin when omitted or -."
    ),
    tenant: str | None = typer.Option(None, "--tenant", metavar="SLUG", help=TENANT_HELP),
    examples: Path | None = typer.Option(None, "--examples", metavar="FILE", help=EXAMPLES_HELP),
    embeddings: bool = typer.Option(False, "--embeddings", help=EMBEDDINGS_HELP),
) -> None:
    """Write {"id", "intent", "confidence", "lang"} for every input line (id: the given one, else the
    line number; lang: the language used)."""
    model, offered, default = _model(examples, tenant, embeddings)
    handle = _open(source)
    try:
        for ident, text, lang in iter_requests(handle):
            used = _language_used(text, lang, offered, default)
            prediction = model.classify(text, used)
            row = {
                "id": ident,
                "intent": prediction.intent.value,
                "confidence": round(prediction.confidence, 4),
                "lang": used,
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
    embeddings: bool = typer.Option(False, "--embeddings", help=EMBEDDINGS_HELP),
) -> None:
    """Accuracy, macro-F1 and the commonest confusions of the classifier on a labelled file."""
    if not source.is_file():
        _fail(f"no such file: {source}")
    try:
        labelled = load_examples(source)
    except ExampleFileError as exc:
        _fail(str(exc))
    if not labelled:
        _fail(f"{source} holds no examples")
    report = evaluate(_model(examples, tenant, embeddings)[0], labelled)
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
