"""Stopping the server (SIGTERM from systemd or Docker, SIGINT from Ctrl+C) leaves no download folder behind."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest
from app_server import copy_reports, start_app

SHANGHAI = "txt/000_shanghai_justice_bureau_2020.txt"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stopped_server_leaves_no_download_folder_and_no_csv(tmp_path: Path, sig: signal.Signals) -> None:
    temp = tmp_path / "tmp"  # the server's TMPDIR: what it leaves there is all this test looks at
    temp.mkdir()
    corpus = copy_reports([SHANGHAI], tmp_path / "corpus")
    server = start_app(corpus, tmp_path / "home", {"TMPDIR": str(temp), "GRADIO_TEMP_DIR": str(temp / "gradio")})
    try:
        [downloads] = list(temp.glob("reportqa-downloads-*"))
        (downloads / "one").mkdir()
        (downloads / "one" / "reportqa-answer.csv").write_text("a,b\n1,2\n", encoding="utf-8")
        server.process.send_signal(sig)
        code = server.process.wait(timeout=30)
    finally:
        if server.process.poll() is None:
            server.stop()
    assert sorted(p.name for p in temp.iterdir() if p.name.startswith("reportqa-")) == []
    assert list(temp.rglob("*.csv")) == []
    assert code == 128 + sig, server.log_tail()  # the shell's convention for a process stopped by a signal
    assert "Traceback" not in server.log_tail(20000)


def test_the_download_folder_is_there_while_the_server_runs(tmp_path: Path) -> None:
    """The other test's emptiness means something: a running server holds exactly one download folder."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    corpus = copy_reports([SHANGHAI], tmp_path / "corpus")
    server = start_app(corpus, tmp_path / "home", {"TMPDIR": str(temp)})
    try:
        assert len(list(temp.glob("reportqa-downloads-*"))) == 1
    finally:
        server.process.terminate()
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()
