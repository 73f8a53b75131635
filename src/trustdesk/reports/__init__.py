"""Suspicious-activity reports: indicators, signals, scoring, campaign grouping and exports.

Pure domain logic over plain values (no web or database imports):

- `analyze(report, check=None, brand_names=...) -> Analysis` — read an .eml or pasted text, extract
  indicators, run every signal, score (noisy-OR) and decide phishing / suspicious / benign;
  `analyze_view(view, ...)` for a `MailView` built elsewhere (`view_from_parsed_mail(parsed_mail)`).
- `extract_indicators(text, ...)` — URLs, domains, e-mails, phones, handles, IBANs, wallets.
- `signals.*` — each signal a separate function returning a `Reason` (code, weight, text).
- `CampaignGrouper(rule).add(report_id, indicators) -> Assignment` — incremental grouping with merges.
- `stix_bundle(reports, tenant=...)`, `csv_export(reports)` — exports over `ExportReport` values.
- `registry_check(registry, tenant)` — the `check` callable backed by `trustdesk.verify.Registry`.
"""

from trustdesk.reports.analysis import analyze, analyze_view, collect_signals
from trustdesk.reports.campaigns import Assignment, CampaignGrouper, GlueRule, Merge, glue_keys
from trustdesk.reports.export import CSV_COLUMNS, ExportReport, csv_export, stix_bundle, stix_pattern
from trustdesk.reports.indicators import extract_indicators
from trustdesk.reports.mail_values import AuthResults, Limits, MailView, ReportInputError
from trustdesk.reports.mailview import read_report, view_from_parsed_mail
from trustdesk.reports.model import Analysis, Indicator, IndicatorKind, Reason, Verdict
from trustdesk.reports.registry_check import registry_check
from trustdesk.reports.scoring import DEFAULT_THRESHOLDS, Thresholds, risk_score, verdict_for
from trustdesk.reports.signals import Check

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_THRESHOLDS",
    "Analysis",
    "Assignment",
    "AuthResults",
    "CampaignGrouper",
    "Check",
    "ExportReport",
    "GlueRule",
    "Indicator",
    "IndicatorKind",
    "Limits",
    "MailView",
    "Merge",
    "Reason",
    "ReportInputError",
    "Thresholds",
    "Verdict",
    "analyze",
    "analyze_view",
    "collect_signals",
    "csv_export",
    "extract_indicators",
    "glue_keys",
    "read_report",
    "registry_check",
    "risk_score",
    "stix_bundle",
    "stix_pattern",
    "verdict_for",
    "view_from_parsed_mail",
]
