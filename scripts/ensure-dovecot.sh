#!/usr/bin/env bash
# Mailbox tests (tests/mailboxes) run a real IMAP server: Debian's Dovecot with a temporary configuration.
set -euo pipefail
if [ -x /usr/sbin/dovecot ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing Debian's dovecot-imapd for the mailbox tests..." >&2
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends dovecot-imapd >/dev/null
  # The package starts a system-wide service on some machines; the tests run their own instance.
  if command -v systemctl >/dev/null && systemctl is-active --quiet dovecot 2>/dev/null; then
    systemctl stop dovecot || true
  fi
  exit 0
fi
echo "warning: /usr/sbin/dovecot is missing and cannot be installed here; mailbox tests will skip (they fail in CI)" >&2
