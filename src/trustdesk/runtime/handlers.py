"""The job kinds every server process runs, and the function that runs each."""

from __future__ import annotations

from trustdesk.jobs import Handler
from trustdesk.webhooks import JOB_KIND as WEBHOOK_JOB
from trustdesk.webhooks import deliver


def default_handlers() -> dict[str, Handler]:
    """The job kinds every server (and `trustdesk jobs work`) runs; other parts add theirs."""
    from trustdesk.accounts.admin_notices import ADMIN_NOTICE_JOB, send_admin_notice
    from trustdesk.mailchannel import MAIL_SEND_JOB
    from trustdesk.mailchannel.report_inbox import ANSWER_JOB, send_report_answer
    from trustdesk.mailchannel.sender import send_reply
    from trustdesk.mailchannel.survey_invite import send_invite
    from trustdesk.privacy.retention_runs import RETENTION_JOB, run_retention_job
    from trustdesk.reports.alert_mail import send_alert_email
    from trustdesk.reports.alerts import ALERT_EMAIL_JOB
    from trustdesk.satisfaction.service import INVITE_JOB
    from trustdesk.sla.service import SWEEP_JOB, run_sweep_job
    from trustdesk.store.resealing import RESEAL_JOB, run_reseal_job

    return {
        WEBHOOK_JOB: deliver,
        ALERT_EMAIL_JOB: send_alert_email,
        MAIL_SEND_JOB: send_reply,
        ANSWER_JOB: send_report_answer,
        ADMIN_NOTICE_JOB: send_admin_notice,
        RETENTION_JOB: run_retention_job,
        RESEAL_JOB: run_reseal_job,
        SWEEP_JOB: run_sweep_job,
        INVITE_JOB: send_invite,
    }
