"""Helpers that build test messages with the stdlib (no fixtures on disk)."""

from __future__ import annotations

from email.message import EmailMessage


def mail(
    body: str = "Hello",
    *,
    sender: str = "Shop <news@shop.example.com>",
    subject: str = "Hello",
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "customer@example.org"
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def raw(message: EmailMessage) -> bytes:
    return message.as_bytes()
