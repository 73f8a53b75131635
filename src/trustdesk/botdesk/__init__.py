"""The support bot wired to the desk: the retailer's data from the store, one model per tenant,
the "bot.turn" job that answers customers through the conversations pipeline, and the admin
side (training examples and help articles).

The pure engine lives in `trustdesk.bot`; this package is the only place it meets a database.
"""

from trustdesk.botdesk.profile import BotSettings, bot_settings, tenant_profile
from trustdesk.botdesk.service import BotService, register

__all__ = ["BotService", "BotSettings", "bot_settings", "register", "tenant_profile"]
