"""All models, imported here so metadata is complete for Alembic and create_all."""

from trustdesk.store.models.accounts import AdminGrant, RecoveryCode, User, UserSession
from trustdesk.store.models.audit import AuditEvent
from trustdesk.store.models.authenticity import AgentContact, DkimKey, SentMessage
from trustdesk.store.models.base import Base, TenantOwned, utcnow
from trustdesk.store.models.bot import BotExample, KnowledgeArticle, ReturnAuthorisationRow
from trustdesk.store.models.channels import (
    ChannelChange,
    ManifestSigningKey,
    OfficialChannelRow,
    RegistryState,
    ReportedIndicatorRow,
)
from trustdesk.store.models.commerce import Customer, Order, OrderItem
from trustdesk.store.models.conversations import (
    CannedReply,
    Conversation,
    Job,
    Message,
    WebhookEndpoint,
)
from trustdesk.store.models.guard import GuardPolicyRow
from trustdesk.store.models.mail import MailAttachment, MailRecord, MailReportReceipt
from trustdesk.store.models.mailboxes import MailboxRow
from trustdesk.store.models.privacy import PrivacyErasure, RetentionRule
from trustdesk.store.models.reports import (
    AlertThreshold,
    Campaign,
    Report,
    ReportAlert,
    ReportIndicator,
    ReportSighting,
)
from trustdesk.store.models.satisfaction import SatisfactionSurvey
from trustdesk.store.models.sla import ConversationTag, SlaClock, SlaPolicyRow, Tag
from trustdesk.store.models.tenants import Tenant

__all__ = [
    "AdminGrant",
    "BotExample",
    "KnowledgeArticle",
    "ReturnAuthorisationRow",
    "AlertThreshold",
    "AuditEvent",
    "Campaign",
    "Report",
    "ReportAlert",
    "ReportIndicator",
    "ReportSighting",
    "MailReportReceipt",
    "AgentContact",
    "DkimKey",
    "SentMessage",
    "ChannelChange",
    "ManifestSigningKey",
    "OfficialChannelRow",
    "RegistryState",
    "ReportedIndicatorRow",
    "Base",
    "CannedReply",
    "Conversation",
    "ConversationTag",
    "SlaClock",
    "SlaPolicyRow",
    "Tag",
    "Job",
    "Message",
    "WebhookEndpoint",
    "Customer",
    "GuardPolicyRow",
    "MailAttachment",
    "MailRecord",
    "MailboxRow",
    "Order",
    "OrderItem",
    "PrivacyErasure",
    "RetentionRule",
    "SatisfactionSurvey",
    "RecoveryCode",
    "TenantOwned",
    "Tenant",
    "User",
    "UserSession",
    "utcnow",
]
