"""A real Trustdesk server process on a free loopback port, for browser and multi-process tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    data_dir: Path
    port: int
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    log_path: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log_path = self.data_dir / f"server-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "trustdesk.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "trustdesk.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"server exited early; see {self.log_path}:\n{self.log_path.read_text()[-3000:]}"
                )
            try:
                if httpx.get(self.url + "/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("server did not become ready within 60 s")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.process = None

    def credentials(self) -> dict[tuple[str, str], str]:
        """(tenant, email) -> password from the demo's credentials file."""
        out = {}
        for line in (self.data_dir / "demo-credentials.jsonl").read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                out[(row["tenant"], row["email"])] = row["password"]
        return out


def make_server(data_dir: Path, *, extra_env: dict[str, str] | None = None, demo: bool = True) -> LiveServer:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "TRUSTDESK_DATA_DIR": str(data_dir),
        "TRUSTDESK_LOG_JSON": "true",
        **(extra_env or {}),
    }
    if os.environ.get("PYTHONPATH"):  # a worktree's sources first: the server runs the code under test
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    if os.environ.get("TRUSTDESK_BOT_CACHE"):  # the run's trained models (tests/conftest.py)
        env.setdefault("TRUSTDESK_BOT_CACHE", os.environ["TRUSTDESK_BOT_CACHE"])
    port = free_port()
    env.setdefault("TRUSTDESK_PUBLIC_BASE_URL", f"http://127.0.0.1:{port}")
    env.setdefault("TRUSTDESK_SMTP_LISTEN_PORT", str(free_port()))
    server = LiveServer(data_dir, port, env)
    if "TRUSTDESK_DATABASE_URL" in env:
        server.cli("db", "upgrade")
    else:  # the default SQLite file in the data folder, copied from the session's migrated template
        from tests.support.databases import migrated_engine

        migrated_engine(f"sqlite:///{data_dir / 'trustdesk.db'}").dispose()
    if demo:
        server.cli("demo")
    return server
