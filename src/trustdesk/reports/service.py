"""The stored reports as web and cli call them, in one namespace (`from trustdesk.reports import service`).

Each part lives in the module named for its job; this module only gathers their public names:

    intake.py       submit_report: analyse, redact, store, group, check alerts (ReportInput, IntakeResult)
    duplicates.py   a report seen before counts one more sighting
    grouping.py     campaigns as the connected components of shared glue keys
    triage.py       campaign statuses, assignment, notes, confirming indicators, the reporter's status
    alerts.py       thresholds and the alerts they raise (webhooks + an e-mail job)
    alert_mail.py   the "reports.alert_email" job
    data_export.py  the audited STIX/CSV export
    views.py        staff-facing JSON of reports and campaigns
    errors.py       ReportError

Every function works inside the caller's transaction (the caller commits); nothing here imports web code.
"""

from trustdesk.reports.alert_mail import alert_email_text, send_alert_email
from trustdesk.reports.alerts import ALERT_EMAIL_JOB, ALERT_EVENT, evaluate_alerts, set_threshold
from trustdesk.reports.data_export import export_reports, export_text
from trustdesk.reports.errors import ReportError
from trustdesk.reports.grouping import group_report, refresh_campaign
from trustdesk.reports.intake import (
    CHANNELS,
    INTAKE_LIMITS,
    MAX_SUMMARY_CHARS,
    IntakeResult,
    ReportInput,
    analyse_input,
    desk_trust,
    official_values,
    submit_report,
    token_hash,
)
from trustdesk.reports.triage import (
    CAMPAIGN_STATUSES,
    CONFIRMABLE,
    REPORTER_STATUS,
    TRANSITIONS,
    campaign_indicators,
    campaign_timeline,
    confirm_report_indicator,
    get_campaign,
    get_report,
    report_for_reporter,
    set_campaign_status,
)
from trustdesk.reports.views import campaign_json, dumps, report_json

__all__ = [
    "ALERT_EMAIL_JOB",
    "ALERT_EVENT",
    "CAMPAIGN_STATUSES",
    "CHANNELS",
    "CONFIRMABLE",
    "INTAKE_LIMITS",
    "MAX_SUMMARY_CHARS",
    "REPORTER_STATUS",
    "TRANSITIONS",
    "IntakeResult",
    "ReportError",
    "ReportInput",
    "alert_email_text",
    "analyse_input",
    "campaign_indicators",
    "campaign_json",
    "campaign_timeline",
    "confirm_report_indicator",
    "desk_trust",
    "dumps",
    "evaluate_alerts",
    "export_reports",
    "export_text",
    "get_campaign",
    "get_report",
    "group_report",
    "official_values",
    "refresh_campaign",
    "report_for_reporter",
    "report_json",
    "send_alert_email",
    "set_campaign_status",
    "set_threshold",
    "submit_report",
    "token_hash",
]
