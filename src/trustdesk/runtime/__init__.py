"""The composition root: builds the desk, registers the job handlers and the channels, and runs them.

It sits above the channels (mailchannel, mailboxes, botdesk) and below web and cli, so nothing below it
needs to know which channels or job kinds exist (see "Floors" in docs/architecture.md).
"""

from trustdesk.runtime.channels import add_mail, build_desk, install_bot
from trustdesk.runtime.handlers import default_handlers
from trustdesk.runtime.limits import ChatLimits
from trustdesk.runtime.server import Runtime, build_runtime

__all__ = [
    "ChatLimits",
    "Runtime",
    "add_mail",
    "build_desk",
    "build_runtime",
    "default_handlers",
    "install_bot",
]
