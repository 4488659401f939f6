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

    def tracebacks(self, chars: int = 6000) -> str:
        """What the server logged from its first traceback on (empty when it logged none): for a failing test's message."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        start = text.find("Traceback")
        return text[max(start - 300, 0) : max(start - 300, 0) + chars] if start >= 0 else ""

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


def start_app(corpus: Path, home: Path, extra_env: dict[str, str] | None = None) -> AppServer:
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
        **(extra_env or {}),
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
        except urllib.error.HTTPError as exc:
            if exc.code == 401:  # logins are on: the server is up and asks for them
                server.start_seconds = time.perf_counter() - started
                return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"app did not answer within {START_TIMEOUT:.0f} s:\n{server.log_tail()}")


# Markup a hostile report carries: if any of it is rendered as HTML or Markdown, `window.__pwned` is set,
# an <img>/<svg> appears, a javascript: link appears, or the page requests evil.example.
HOSTILE_PROSE = (
    '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1"> '
    "[点我](javascript:window.__pwned=1) ![x](http://evil.example/x.png) <a href=javascript:window.__pwned=1>链接</a>"
)
HOSTILE_TITLE = "2019年<svg/onload=window.__pwned=1>[上海市司法局](javascript:1)政府信息公开工作年度报告"


def hostile_report(dest: Path) -> Path:
    """The real 上海市司法局 2020 report (its tables intact) with markup in its title, agency and prose.

    The title line also names the agency (`<svg/onload=…>上海市司法局…`: no spaces, so it survives the
    title's whitespace removal); the sentence citing 热线满意率98.69% carries the script, image and links.
    """
    lines = (REPORTS / "txt/000_shanghai_justice_bureau_2020.txt").read_text(encoding="utf-8").split("\n")
    title = next(i for i, line in enumerate(lines) if "年度报告" in line)
    lines[title] = HOSTILE_TITLE
    text = "\n".join(lines).replace("热线满意率98.69%；", f"热线满意率98.69%{HOSTILE_PROSE}；", 1)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(text, encoding="utf-8")
    return dest
