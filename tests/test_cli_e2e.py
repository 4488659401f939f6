"""End to end with the real model and a real index: `reportqa index` then `reportqa ask --json` as processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.e2e


def _run(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REPORTQA_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)


def test_index_then_ask_with_the_real_model(tmp_path):
    corpus = tmp_path / "reports"
    corpus.mkdir()
    for name in ("txt/000_shanghai_justice_bureau_2020.txt", "pdf/hongze_2024_hzq2024_working.pdf"):
        shutil.copy(ROOT / "corpus" / "reports" / name, corpus / Path(name).name)
    built = _run(["index", str(corpus)], tmp_path / "home")
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("2 reports,") and "added 2" in built.stdout
    assert not (tmp_path / "home" / "models").exists()  # the model lives in REPORTQA_MODELS (conftest), built once
    again = _run(["index", str(corpus)], tmp_path / "home")
    assert "unchanged 2" in again.stdout

    table = _run(["ask", "上海市司法局2020年有多少件申请没有答复？", "--corpus", str(corpus), "--json"], tmp_path / "home")
    data = json.loads(table.stdout)
    assert (data["value"], data["route"], data["citations"][0]["cell"]["row"]) == (5, "table", "结转下年度继续办理")

    prose = _run(["ask", "上海市司法局2020年热线满意率是多少？", "--corpus", str(corpus), "--json"], tmp_path / "home")
    data = json.loads(prose.stdout)
    assert (data["value"], data["unit"], data["route"]) == (98.69, "%", "text")
    assert "98.69%" in data["citations"][0]["quote"]

    readable = _run(["ask", "洪泽区2024年收到多少件申请？", "--corpus", str(corpus)], tmp_path / "home")
    assert readable.stdout.startswith("95件") and "[1]" in readable.stdout and "第3页" in readable.stdout


def test_empty_question_is_a_one_line_error(tmp_path):
    result = _run(["ask", "  "], tmp_path / "home")
    assert result.returncode == 2 and result.stderr.startswith("reportqa: error:") and "Traceback" not in result.stderr
