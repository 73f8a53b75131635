"""The e-mail channel: an SMTP listener feeding the one pipeline, and agent replies sent as mail.

    smtp.SmtpListener (aiosmtpd) -> intake.MailIntake: parse, authenticate, resolve the tenant,
    thread, keep attachments -> conversations.post_message (guard, store, bus, route)
    agent reply in an e-mail conversation -> job "mail.send" -> sender.send_reply (aiosmtplib)

Pure rules (recipients, threading, the outbound MIME) live in addresses, threads and compose;
this module imports nothing, so the composition root (trustdesk.runtime) names the job kind cheaply.
"""

MAIL_SEND_JOB = "mail.send"
EMAIL_CHANNEL = "email"
