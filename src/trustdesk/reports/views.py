"""Staff-facing JSON views of stored reports and campaigns."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from trustdesk.store.models import Campaign, Report, ReportIndicator


def report_json(report: Report, indicators: Sequence[ReportIndicator] = ()) -> dict[str, Any]:
    """A staff-facing JSON view of a stored report."""
    return {
        "reference": report.reference,
        "channel": report.channel,
        "seen_at": report.seen_at.isoformat() if report.seen_at else None,
        "received_at": report.received_at.isoformat(),
        "last_received_at": report.last_received_at.isoformat(),
        "subject": report.subject,
        "summary": report.summary,
        "redactions": list(report.redactions or []),
        "score": round(report.score, 4),
        "verdict": report.verdict,
        "reasons": list(report.reasons or []),
        "duplicate_count": report.duplicate_count,
        "campaign_id": report.campaign_id,
        "status": report.status,
        "indicators": [
            {
                "id": i.id,
                "kind": i.kind,
                "value": i.value,
                "network": i.network,
                "verification": i.verification,
            }
            for i in indicators
        ],
    }


def campaign_json(campaign: Campaign) -> dict[str, Any]:
    """A staff-facing JSON view of a campaign's header."""
    return {
        "id": campaign.id,
        "status": campaign.status,
        "assignee_id": campaign.assignee_id,
        "notes": campaign.notes,
        "first_seen": campaign.first_seen.isoformat(),
        "last_seen": campaign.last_seen.isoformat(),
        "report_count": campaign.report_count,
        "sighting_count": campaign.sighting_count,
        "channels": list(campaign.channels or []),
        "merged_into_id": campaign.merged_into_id,
    }


def dumps(data: Any) -> str:
    """Compact JSON (used by the CLI)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
