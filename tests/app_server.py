"""Start `python app.py` in a subprocess over a small copy of the bundled corpus (fake embeddings), for tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "corpus" / "reports"
START_TIMEOUT = 180.0


@dataclass
class AppServer:
    url: str
    process: subprocess.Popen[bytes]
    corpus: Path
    log: Path
    start_seconds: float

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]

    def stop(self) -> None:
        """SIGTERM (a background server ignores SIGINT), then SIGKILL if it hangs."""
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)


def copy_reports(names: list[str], dest: Path) -> Path:
    """Copy bundled reports (paths relative to corpus/reports, e.g. 'txt/000_…') into a fresh corpus dir."""
    for name in names:
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPORTS / name, target)
    return dest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_app(corpus: Path, home: Path) -> AppServer:
    """Start the app and wait (polling its URL) until it serves pages; fail with its log if it dies."""
    port = free_port()
    env = {
        **os.environ,
        "REPORTQA_FAKE_EMBEDDINGS": "1",
        "REPORTQA_HOME": str(home),
        "REPORTQA_CORPUS": str(corpus),
        "GRADIO_SERVER_PORT": str(port),
        "GRADIO_SERVER_NAME": "127.0.0.1",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
    }
    log = home.parent / f"app-{port}.log"
    started = time.perf_counter()
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    server = AppServer(f"http://127.0.0.1:{port}", process, corpus, log, 0.0)
    deadline = started + START_TIMEOUT
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"app exited with {process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url + "/gradio_api/info", timeout=5) as response:
                if response.status == 200:
                    server.start_seconds = time.perf_counter() - started
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"app did not answer within {START_TIMEOUT:.0f} s:\n{server.log_tail()}")
