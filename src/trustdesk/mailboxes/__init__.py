"""A retailer's own mailbox (Google Workspace, Microsoft 365, any IMAP host) connected to the desk.

    spec (what an admin types, checked) -> registry (rows, sealed secrets, audit, test)
    fetcher (one IMAP session per mailbox, leased; IDLE or polling) -> sync.FolderPass
      -> mailchannel.intake.MailIntake.accept: the same intake as the SMTP listener
    replies in a conversation fetched from a mailbox -> outbound.submission_route -> connect.submit

Nothing here stores mail: the intake does, through the one pipeline.
"""
