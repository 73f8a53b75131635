"""Real server processes for tests: `trustdesk serve` on 127.0.0.1 ports, and a private redis-server.

Everything started here is stopped by the caller's fixture; nothing listens beyond 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from tests.conftest import skip_or_fail


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    port: int
    log_path: Path
    env: dict[str, str]

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flushing; what was committed must survive."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_server(
    data_dir: Path,
    database_url: str,
    *,
    redis_url: str | None = None,
    port: int | None = None,
    extra_env: dict[str, str] | None = None,
) -> Server:
    """Run `trustdesk serve` and wait until it is ready."""
    port = port or free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "TRUSTDESK_DATA_DIR": str(data_dir),
        "TRUSTDESK_DATABASE_URL": database_url,
        "TRUSTDESK_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "TRUSTDESK_LOG_LEVEL": "DEBUG",
        # Load tests send from one address; the flood limits are covered by their own tests.
        "TRUSTDESK_CHAT_SEND_PER_IP": "1000000/60",
        "TRUSTDESK_CHAT_SEND_PER_CONVERSATION": "1000000/60",
        "TRUSTDESK_CHAT_START_PER_IP": "1000000/60",
        # Each server its own SMTP listener port (the e-mail channel); tests read it from server.env.
        "TRUSTDESK_SMTP_LISTEN_PORT": str(free_port()),
        **(extra_env or {}),
    }
    if os.environ.get("PYTHONPATH"):  # a worktree's sources first: the server runs the code under test
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    if os.environ.get("TRUSTDESK_BOT_CACHE"):  # the run's trained models (tests/conftest.py)
        env.setdefault("TRUSTDESK_BOT_CACHE", os.environ["TRUSTDESK_BOT_CACHE"])
    if redis_url:
        env["TRUSTDESK_REDIS_URL"] = redis_url
    log_path = data_dir / f"server-{port}.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = log_path.open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "trustdesk.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    server = Server(proc, port, log_path, env)
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early:\n{server.log()[-3000:]}")
        try:
            if httpx.get(f"{server.http}/readyz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"server did not become ready:\n{server.log()[-3000:]}")


@dataclass
class PrivateRedis:
    """A redis-server of our own on a free port, so stopping it never disturbs anyone else."""

    port: int
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
                return
            except redis.RedisError:
                time.sleep(0.1)
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None


@pytest.fixture
def private_redis():  # type: ignore[no-untyped-def]
    if shutil.which("redis-server") is None:
        skip_or_fail("redis-server is not installed")
    redis = PrivateRedis(free_port())
    redis.start()
    yield redis
    redis.stop()


def sign_in_agent(base_url: str, email: str) -> tuple[httpx.Client, str]:
    """A real HTTP client signed in as staff (password + TOTP enrolment); returns it and its cookie header."""
    from tests.foundation.factory import sign_in_staff

    client = httpx.Client(base_url=base_url, timeout=10)
    sign_in_staff(client, "acme", email)  # type: ignore[arg-type]
    return client, f"td_session={client.cookies.get('td_session')}"
