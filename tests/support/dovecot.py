"""A real IMAP server for tests: Debian's Dovecot with a throw-away configuration on loopback.

Everything lives under one temporary directory (configuration, TLS pair, password file, maildirs,
sockets, log). As root the server drops to Dovecot's own system users, as any other user it runs
as that user. `scripts/ensure-dovecot.sh` installs the package (`make install-test` calls it).
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

from support.tls import self_signed_pair

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
DOVEADM = shutil.which("doveadm") or "/usr/bin/doveadm"


def dovecot_available() -> bool:
    return os.access(DOVECOT, os.X_OK)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class DovecotServer:
    """IMAP with STARTTLS on `imap_port` and implicit TLS on `imaps_port`; users from a passwd file."""

    def __init__(self, root: Path, *, oauth_introspection_url: str | None = None) -> None:
        self.root = root
        # With an introspection URL, XOAUTH2/OAUTHBEARER sign-ins are checked there (oauth2 passdb).
        self.oauth_introspection_url = oauth_introspection_url
        self.imap_port = free_port()
        self.imaps_port = free_port()
        self.tls = self_signed_pair(root / "tls")
        self.users: dict[str, str] = {}
        # Mail processes run as Dovecot's user when we are root: their folders cannot sit under
        # pytest's private (0700) temporary directory.
        self.mail_root = (
            Path(tempfile.mkdtemp(prefix="td-dovecot-mail-")) if os.geteuid() == 0 else root / "mail"
        )
        # Its sockets live in base_dir, and a Unix socket path must fit in 108 bytes: pytest's
        # temporary paths (longer still under xdist's popen-gwN) do not leave room.
        self.run_dir = Path(tempfile.mkdtemp(prefix="td-dc-"))
        self._process: subprocess.Popen[bytes] | None = None

    # ---- configuration

    def _identity(self) -> tuple[str, str, str, int, int]:
        """(internal user, login user, group, mail uid, mail gid)."""
        if os.geteuid() == 0:
            internal = pwd.getpwnam("dovecot")
            return (
                "dovecot",
                "dovenull",
                grp.getgrgid(internal.pw_gid).gr_name,
                internal.pw_uid,
                internal.pw_gid,
            )
        me = pwd.getpwuid(os.geteuid())
        group = grp.getgrgid(me.pw_gid).gr_name
        return me.pw_name, me.pw_name, group, me.pw_uid, me.pw_gid

    def add_user(self, username: str, password: str) -> None:
        self.users[username] = password
        self._write_passwd()
        if self._process is not None and self._process.poll() is None:
            self._wait_until_known(username, password)

    def _write_passwd(self) -> None:
        """Replace the password file in one step, with a modification time later than the last one:
        Dovecot re-reads it when its time or size changes, and the time has whole seconds, so two
        writes within a second could otherwise go unseen (a user "refused" now and then in CI)."""
        lines = [f"{name}:{{PLAIN}}{password}::::::" for name, password in self.users.items()]
        path = self.root / "passwd"
        partial = path.with_name("passwd.partial")
        partial.write_text("\n".join(lines) + "\n")
        stamp = max(int(time.time()), getattr(self, "_passwd_stamp", 0) + 1)
        os.utime(partial, (stamp, stamp))
        os.replace(partial, path)
        self._passwd_stamp = stamp

    def _wait_until_known(self, username: str, password: str, timeout: float = 20.0) -> None:
        """Sign in once, so a test starts only when the server knows the new user."""
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        deadline = time.monotonic() + timeout
        while True:
            try:
                with imaplib.IMAP4_SSL(
                    "127.0.0.1", self.imaps_port, ssl_context=context, timeout=10
                ) as client:
                    client.login(username, password)
                    client.logout()
                return
            except (imaplib.IMAP4.error, OSError):
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"dovecot does not accept the new user: {self.diagnostics()}"
                    ) from None
                self._write_passwd()
                time.sleep(0.5)

    def _write_config(self) -> Path:
        internal, login, group, uid, gid = self._identity()
        (self.root / "state").mkdir(parents=True, exist_ok=True)
        self.run_dir.mkdir(parents=True, exist_ok=True)  # again after a stop()
        self.mail_root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            os.chown(self.mail_root, uid, gid)
        oauth = ""
        mechanisms = "plain login"
        if self.oauth_introspection_url:
            mechanisms += " xoauth2 oauthbearer"
            (self.root / "oauth2.conf.ext").write_text(
                f"introspection_mode = post\nintrospection_url = {self.oauth_introspection_url}\n"
                "username_attribute = username\nactive_attribute = active\nactive_value = true\n"
            )
            oauth = f"""
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {self.root}/oauth2.conf.ext
}}"""
        config = f"""
base_dir = {self.run_dir}
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{self.tls.cert}
ssl_key = <{self.tls.key}
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = {mechanisms}
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = 0
mail_location = maildir:{self.mail_root}/%u
# IDLE sessions look at the mailbox every second even when inotify misses a file the tests drop in.
mailbox_idle_check_interval = 1 secs
mail_uid = {uid}
mail_gid = {gid}
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {self.root}/passwd
}}{oauth}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={self.mail_root}/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Archive {{
    auto = create
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service auth {{
  user = {internal if os.geteuid() != 0 else "root"}
}}
service auth-worker {{
  user = {internal if os.geteuid() != 0 else "root"}
}}
service stats {{
  inet_listener http {{
    port = 0
  }}
}}
"""
        path = self.root / "dovecot.conf"
        path.write_text(config)
        return path

    # ---- life cycle

    @property
    def config(self) -> Path:
        return self.root / "dovecot.conf"

    def start(self) -> DovecotServer:
        self._write_passwd()
        config = self._write_config()
        self._process = subprocess.Popen(  # noqa: S603 - a fixed binary and our own configuration
            [DOVECOT, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: kill() takes the login and imap processes too
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.diagnostics()}")
            try:
                with socket.create_connection(("127.0.0.1", self.imaps_port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"dovecot did not listen in time: {self.diagnostics()}")

    def diagnostics(self) -> str:
        parts = []
        if (
            self._process is not None
            and self._process.stderr is not None
            and self._process.poll() is not None
        ):
            parts.append(self._process.stderr.read().decode(errors="replace")[-2000:])
        log = self.root / "dovecot.log"
        if log.exists():
            parts.append(log.read_text(errors="replace")[-2000:])
        return "\n".join(parts)

    def kill(self) -> None:
        """Stop the server abruptly: SIGKILL to the master and every process it started."""
        if self._process is not None and self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait(10)
        self._stop_children()

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(10)
        self._stop_children()
        self._process = None
        if self.mail_root != self.root / "mail":
            shutil.rmtree(self.mail_root, ignore_errors=True)
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def _stop_children(self) -> None:
        # Login and imap processes outlive a killed master for a moment; they hold no port once it is gone.
        pid_file = self.run_dir / "master.pid"
        if pid_file.exists():
            pid_file.unlink()
