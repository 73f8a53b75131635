"""`python -m trustdesk.cli` runs the same command as `trustdesk`."""

from trustdesk.cli.main import run

run()
