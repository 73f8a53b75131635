"""Mail authentication results as signals."""

from __future__ import annotations

from trustdesk.reports import AuthResults
from trustdesk.reports.mail_headers import auth_results_from_values
from trustdesk.reports.signals import dkim_failure, dmarc_failure, no_authentication, spf_failure


def test_failures_fire_and_passes_do_not() -> None:
    failing = AuthResults(spf="fail", dkim="fail", dmarc="fail")
    assert spf_failure(failing).code == "spf_fail"  # type: ignore[union-attr]
    assert dkim_failure(failing) is not None and dmarc_failure(failing) is not None
    passing = AuthResults(spf="pass", dkim="pass", dmarc="pass")
    assert spf_failure(passing) is None and dkim_failure(passing) is None and dmarc_failure(passing) is None
    assert spf_failure(AuthResults(spf="softfail")).code == "spf_softfail"  # type: ignore[union-attr]


def test_unknown_authentication_is_silent() -> None:
    for signal in (spf_failure, dkim_failure, dmarc_failure, no_authentication):
        assert signal(None) is None


def test_no_authentication() -> None:
    assert no_authentication(AuthResults(spf="none", dkim="none", dmarc="none")) is not None
    assert no_authentication(AuthResults(spf="none", dkim="pass")) is None
    assert no_authentication(AuthResults(spf="neutral", dkim="none", dmarc="pass")) is None


def test_authentication_results_header_text() -> None:
    auth = auth_results_from_values(
        "mx.example.org; spf=pass smtp.mailfrom=a.example; dkim=fail header.d=x; dkim=pass header.d=y; dmarc=fail"
    )
    assert auth == AuthResults(spf="pass", dkim="pass", dmarc="fail")
    assert auth_results_from_values("", "SoftFail (mx: domain does not designate)") == AuthResults(
        spf="softfail"
    )
    assert auth_results_from_values("") is None
